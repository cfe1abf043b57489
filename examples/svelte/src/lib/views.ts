import type { AuthStatus } from 'supabase-auth-machine'

/** The screen the app shows. */
export type View = 'loading' | 'signIn' | 'mfa' | 'account'

/**
 * The screen for a settled status; `undefined` for the busy ones (`signingIn`, `refreshing`,
 * `signingOut`), during which the app keeps the screen it had, so a form is not torn down mid-request.
 */
export function settledView(status: AuthStatus): View | undefined {
  switch (status) {
    case 'initializing':
      return 'loading'
    case 'signedOut':
      return 'signIn'
    case 'mfaChallenge':
      return 'mfa'
    case 'anonymous':
    case 'authenticated':
      return 'account'
    default:
      return undefined
  }
}

/** A failure as the user should read it: the server's message, never a token. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong'
}
