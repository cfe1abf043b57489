/**
 * The protected page: the profile as the server sees it (`GET /user` through `HttpClient`, the access
 * token added by the interceptor) and setting up an authenticator app (TOTP, with its QR code).
 */
import { HttpClient } from '@angular/common/http'
import { Component, inject, signal } from '@angular/core'
import { injectAuth } from 'supabase-auth-machine/angular'
import { mfa } from 'supabase-auth-machine/mfa'
import type { User } from 'supabase-auth-machine'
import { RUNTIME_CONFIG } from '../app.config'

interface Enrolment {
  factorId: string
  qrCode: string
  secret: string
}

@Component({
  selector: 'app-account',
  template: `
    <h1>Account</h1>
    <section>
      <h2>Profile, as the server sees it</h2>
      <button id="load-profile" type="button" (click)="loadProfile()">GET /user</button>
      @if (profile(); as p) {
        <pre id="profile">{{ p }}</pre>
      }
    </section>
    <section>
      <h2>Authenticator app</h2>
      @if (auth.aal() === 'aal2') {
        <p id="mfa-on">Two-factor authentication is on for this session.</p>
      } @else if (enrolment(); as e) {
        <p>Scan this code with your authenticator app, or type the key, then enter the code it shows.</p>
        <img id="totp-qr" [src]="e.qrCode" alt="QR code for your authenticator app" />
        <code id="totp-secret">{{ e.secret }}</code>
        <form (submit)="$event.preventDefault(); confirm(e, code.value)">
          <input id="totp-code" #code inputmode="numeric" autocomplete="one-time-code" maxlength="6" required />
          <button id="confirm-totp" type="submit">Turn on</button>
        </form>
      } @else {
        <button id="enrol" type="button" (click)="enrol()">Set up an authenticator app</button>
      }
      @if (error(); as message) {
        <p id="error" role="alert">{{ message }}</p>
      }
    </section>
  `,
})
export class AccountPage {
  readonly auth = injectAuth()
  private readonly http = inject(HttpClient)
  private readonly config = inject(RUNTIME_CONFIG)
  readonly profile = signal<string | null>(null)
  readonly enrolment = signal<Enrolment | null>(null)
  readonly error = signal<string | null>(null)

  loadProfile(): void {
    // No Authorization header here: the interceptor adds the (fresh) access token for this URL.
    this.http.get<User>(`${this.config.url}/user`, { headers: { apikey: this.config.apiKey } }).subscribe({
      next: (user) => this.profile.set(`200 OK · ${user.email} · ${user.id}`),
      error: (error: unknown) => this.profile.set(`failed: ${error instanceof Error ? error.message : String(error)}`),
    })
  }

  async enrol(): Promise<void> {
    await this.run(async () => {
      const factor = await mfa(this.auth.client).enroll({ factorType: 'totp', friendlyName: `Authenticator ${Date.now()}` })
      if (factor.type !== 'totp') throw new Error('Expected a TOTP factor')
      this.enrolment.set({ factorId: factor.id, qrCode: factor.totp.qr_code, secret: factor.totp.secret })
    })
  }

  async confirm(enrolment: Enrolment, code: string): Promise<void> {
    await this.run(async () => {
      await mfa(this.auth.client).challengeAndVerify({ factorId: enrolment.factorId, code: code.trim() })
      this.enrolment.set(null)
    })
  }

  private async run(step: () => Promise<void>): Promise<void> {
    this.error.set(null)
    try {
      await step()
    } catch (error) {
      this.error.set(error instanceof Error ? error.message : 'Something went wrong')
    }
  }
}
