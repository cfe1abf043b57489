/** Sign up or sign in with email and password. The guards take the user on once the status settles. */
import { Component, signal } from '@angular/core'
import { injectAuth } from 'supabase-auth-machine/angular'

@Component({
  selector: 'app-sign-in',
  template: `
    <h1>Sign in</h1>
    <form (submit)="$event.preventDefault(); signIn(email.value, password.value)">
      <label>Email <input id="email" #email type="email" autocomplete="username" required /></label>
      <label>Password <input id="password" #password type="password" autocomplete="current-password" required /></label>
      <div class="row">
        <button id="sign-in" type="submit" [disabled]="busy()">Sign in</button>
        <button id="sign-up" type="button" [disabled]="busy()" (click)="signUp(email.value, password.value)">Sign up</button>
      </div>
      @if (error(); as message) {
        <p id="error" role="alert">{{ message }}</p>
      }
    </form>
  `,
})
export class SignInPage {
  private readonly auth = injectAuth()
  readonly error = signal<string | null>(null)
  readonly busy = signal(false)

  signIn(email: string, password: string): Promise<void> {
    return this.attempt(() => this.auth.client.signInWithPassword({ email, password }))
  }

  signUp(email: string, password: string): Promise<void> {
    return this.attempt(() => this.auth.client.signUp({ email, password }))
  }

  private async attempt(call: () => Promise<unknown>): Promise<void> {
    this.error.set(null)
    this.busy.set(true)
    try {
      await call()
    } catch (error) {
      this.error.set(error instanceof Error ? error.message : 'Something went wrong')
    } finally {
      this.busy.set(false)
    }
  }
}
