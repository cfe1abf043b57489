/** PKCE fields shared by the endpoints that start an email flow (`/signup`, `/otp`, `/recover`, `/resend`, `PUT /user`). */
import { AuthInvalidCredentialsError } from '../errors.js'

export type CodeChallengeMethod = 's256' | 'plain'

export interface PkceParams {
  codeChallenge?: string
  codeChallengeMethod?: CodeChallengeMethod
}

/** Body keys GoTrue expects; both or neither must be present (§6.2). */
export function pkceBody(p: PkceParams): { code_challenge?: string; code_challenge_method?: CodeChallengeMethod } {
  if (p.codeChallenge === undefined && p.codeChallengeMethod === undefined) return {}
  if (typeof p.codeChallenge !== 'string' || p.codeChallenge.length === 0) {
    throw new AuthInvalidCredentialsError('codeChallenge must be a non-empty string when codeChallengeMethod is set')
  }
  const method = p.codeChallengeMethod ?? 's256'
  if (method !== 's256' && method !== 'plain') {
    throw new AuthInvalidCredentialsError("codeChallengeMethod must be 's256' or 'plain'")
  }
  return { code_challenge: p.codeChallenge, code_challenge_method: method }
}
