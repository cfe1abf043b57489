/** The second step of signing in: a code from the authenticator app enrolled earlier. */
import { Component, signal } from '@angular/core'
import { injectAuth } from 'supabase-auth-machine/angular'
import { mfa } from 'supabase-auth-machine/mfa'

@Component({
  selector: 'app-mfa',
  template: `
    <h1>Two-factor authentication</h1>
    <p>Enter the 6-digit code from your authenticator app.</p>
    <form (submit)="$event.preventDefault(); verify(code.value)">
      <input id="mfa-code" #code inputmode="numeric" autocomplete="one-time-code" maxlength="6" required />
      <button id="verify" type="submit" [disabled]="busy()">Verify</button>
      @if (error(); as message) {
        <p id="error" role="alert">{{ message }}</p>
      }
    </form>
  `,
})
export class MfaPage {
  private readonly auth = injectAuth()
  readonly error = signal<string | null>(null)
  readonly busy = signal(false)

  async verify(code: string): Promise<void> {
    this.error.set(null)
    this.busy.set(true)
    try {
      const { totp } = await mfa(this.auth.client).listFactors()
      const factor = totp.find((f) => f.status === 'verified')
      if (factor === undefined) throw new Error('No authenticator app is set up for this account')
      await mfa(this.auth.client).challengeAndVerify({ factorId: factor.id, code: code.trim() })
    } catch (error) {
      this.error.set(error instanceof Error ? error.message : 'Something went wrong')
    } finally {
      this.busy.set(false)
    }
  }
}
