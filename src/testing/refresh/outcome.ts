/**
 * What both refresh-token algorithms produce, and the errors they share.
 * @module
 */
import { badRequest, type HttpError } from '../server/respond.js'
import type { SessionRow, UserRow } from '../store/records.js'

/** A successful refresh: the session to answer for and the refresh token to hand out. */
export interface Refreshed {
  user: UserRow
  session: SessionRow
  refreshToken: string
  /** Informational `sb-auth-*` headers particular to the algorithm. */
  headers?: Record<string, string>
}

/** Unknown token, deleted session, or (v2) a token the session did not sign. */
export const notFound = (): HttpError => badRequest('Invalid Refresh Token: Refresh Token Not Found', 'refresh_token_not_found')

export const alreadyUsed = (): HttpError => badRequest('Invalid Refresh Token: Already Used', 'refresh_token_already_used')
