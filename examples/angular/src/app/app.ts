/**
 * The shell: a status line that follows the lifecycle chart live (every status it passes through, not only
 * where it rests), the signed-in user with a sign-out button, the routed page, and the slot for the
 * development-only chart panel.
 */
import { afterNextRender, Component, DestroyRef, type ElementRef, inject, isDevMode, signal, viewChild } from '@angular/core'
import { takeUntilDestroyed } from '@angular/core/rxjs-interop'
import { Router, RouterOutlet } from '@angular/router'
import { injectAuth } from 'supabase-auth-machine/angular'
import type { AuthStatus } from 'supabase-auth-machine'

const RESTING: ReadonlySet<AuthStatus> = new Set(['signedOut', 'anonymous', 'mfaChallenge', 'authenticated'])

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  template: `
    <header>
      <strong>supabase-auth-machine · Angular</strong>
      <span id="status" [attr.data-status]="auth.status()">status: {{ auth.status() }}</span>
    </header>
    <p id="status-history" aria-label="Statuses so far">{{ history().join(' → ') }}</p>
    @if (auth.user(); as user) {
      <p>
        Signed in as <b id="user-email">{{ user.email }}</b> · assurance <span id="aal">{{ auth.aal() }}</span>
        <button id="sign-out" type="button" (click)="signOut()">Sign out</button>
      </p>
    }
    <main><router-outlet /></main>
    <!-- Development only: the live lifecycle chart (supabase-auth-machine/devtools) is mounted into this slot. -->
    <div id="devtools-panel" #devtools></div>
  `,
})
export class App {
  readonly auth = injectAuth()
  readonly history = signal<AuthStatus[]>([])
  private readonly devtools = viewChild.required<ElementRef<HTMLElement>>('devtools')

  constructor() {
    const router = inject(Router)
    let rested: AuthStatus | null = null
    // Every state the chart passes through (a signal would only show where it is at each render).
    this.auth.client.state$.pipe(takeUntilDestroyed()).subscribe(({ status }) => {
      this.history.update((seen) => (seen.at(-1) === status ? seen : [...seen, status].slice(-10)))
      if (!RESTING.has(status) || status === rested) return
      const first = rested === null
      rested = status
      // The guards decide where each status belongs: run them again for the page on screen. (The first
      // resting status is the initial navigation's business.)
      if (!first) void router.navigateByUrl(router.url, { onSameUrlNavigation: 'reload' })
    })

    const destroyRef = inject(DestroyRef)
    afterNextRender(() => {
      if (!isDevMode()) return
      void import('supabase-auth-machine/devtools').then(({ mountLifecyclePanel }) => {
        destroyRef.onDestroy(mountLifecyclePanel(this.auth.client, this.devtools().nativeElement))
      })
    })
  }

  async signOut(): Promise<void> {
    await this.auth.client.signOut()
  }
}
