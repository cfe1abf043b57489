/**
 * The answers after which the client ends a session, written out here apart from `machines/failures.ts` on
 * purpose: an oracle that imported the production list would not catch a wrong edit of it. One copy for the
 * property tests and both soaks.
 */

/** Codes after which a refresh token can never work again: a refresh answered with one ends the session. */
export const TERMINAL_REFRESH_CODES: readonly string[] = [
  'refresh_token_not_found',
  'refresh_token_already_used',
  'session_not_found',
  'session_expired',
  'session_missing',
  'user_banned',
  'user_not_found',
  'validation_failed',
  'bad_jwt',
]

/** Codes that, answered to a call made with the user's access token, mean the session (or its user) is gone. */
export const SESSION_GONE_CODES: readonly string[] = ['session_not_found', 'user_not_found', 'user_banned']
