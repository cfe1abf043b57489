/**
 * Passkeys (GoTrue `passkey_registration.go`, `passkey_authentication.go`; contract §4.23): registering a
 * passkey on a signed-in account, and signing in with one (a discoverable credential whose user handle
 * names the account). Challenges are single-use: taken out on the first verify, whatever its outcome.
 * Listing, renaming and deleting are in `passkey-manage.ts`.
 * @module
 */
import { isUuid, uuid } from '../crypto/hash.js'
import { requireNonAnonymousUser, type UserAuth } from '../server/auth.js'
import { goString, type Ctx } from '../server/context.js'
import { badRequest, forbidden, HttpError, json, unexpectedFailure, unprocessable, type Reply } from '../server/respond.js'
import type { Route } from '../server/router.js'
import { isBanned, type PasskeyChallengeRow, type PasskeyRow, type UserRow } from '../store/records.js'
import { iso } from '../store/serialize.js'
import { isAal2, issueSession } from '../tokens.js'
import { passkeyName } from '../webauthn/authenticators.js'
import { CredentialParseError, CredentialRejectedError } from '../webauthn/errors.js'
import { OptionalPackageMissing } from '../server/optional-package.js'
import { creationOptions, descriptor, newChallenge, relyingParty, requestOptions, userIdFromHandle } from '../webauthn/options.js'
import { parseAssertion, parseRegistration } from '../webauthn/responses.js'
import { verifyAssertion, verifyRegistration } from '../webauthn/verify.js'

const tooMany = (): HttpError => unprocessable('Maximum number of passkeys reached', 'too_many_passkeys')

/**
 * GoTrue `requirePasskeyManagementAAL`: once the user has a verified MFA factor, adding or deleting a
 * passkey needs an aal2 session (else a stolen password could add its own passkey). Passkeys themselves
 * are not MFA factors and do not count.
 *
 * @example
 * requirePasskeyManagementAal(ctx, await requireUser(ctx))
 */
export function requirePasskeyManagementAal(ctx: Ctx, auth: UserAuth): void {
  const mfaEnabled = ctx.store.factorsOf(auth.user.id).some((f) => f.status === 'verified')
  if (mfaEnabled && !isAal2(auth.session)) {
    throw forbidden('AAL2 session is required to manage passkeys when MFA is enabled', 'insufficient_aal')
  }
}

function requireNotSso(user: UserRow): void {
  if (user.isSsoUser) throw unprocessable('SSO users cannot register passkeys')
}

function storeChallenge(ctx: Ctx, type: PasskeyChallengeRow['type'], userId?: string): PasskeyChallengeRow {
  const row: PasskeyChallengeRow = { id: uuid(), type, challenge: newChallenge(), expiresAt: ctx.now() + ctx.cfg.webauthnChallengeExpiry * 1000 }
  if (userId !== undefined) row.userId = userId
  ctx.store.passkeys.challenges.set(row.id, row)
  return row
}

/** The `{challenge_id, credential}` of a verify body, checked and its challenge consumed, in GoTrue's order. */
function consumeCeremony(ctx: Ctx, struct: string, type: PasskeyChallengeRow['type'], userId?: string): { row: PasskeyChallengeRow; credential: unknown } {
  const body = ctx.body()
  const challengeId = goString(body, 'challenge_id', struct)
  if (!challengeId) throw badRequest('challenge_id is required')
  if (body.credential === undefined) throw badRequest('credential is required')
  if (!isUuid(challengeId)) throw badRequest('challenge_id must be a valid UUID')
  const row = ctx.store.passkeys.consumeChallenge(challengeId.toLowerCase(), type, userId)
  if (!row) throw badRequest('Challenge not found or already used', 'webauthn_challenge_not_found')
  if (ctx.now() > row.expiresAt) throw badRequest('Challenge has expired', 'webauthn_challenge_expired')
  return { row, credential: body.credential }
}

/** Parse and verify failures as the passkey routes word them (400s, unlike MFA verify's 500s). */
async function ceremony<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof CredentialParseError) throw badRequest('Invalid credential response', 'webauthn_verification_failed')
    if (err instanceof CredentialRejectedError) throw badRequest('Credential verification failed', 'webauthn_verification_failed')
    if (err instanceof OptionalPackageMissing) throw unexpectedFailure(err.message)
    throw err
  }
}

/** GoTrue's options response: the bare options document, not wrapped in `publicKey` as MFA's are. */
function optionsReply(row: PasskeyChallengeRow, options: object): Reply {
  return json({ challenge_id: row.id, options, expires_at: Math.floor(row.expiresAt / 1000) })
}

async function registrationOptions(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const { user } = auth
  requireNotSso(user)
  requirePasskeyManagementAal(ctx, auth)
  const existing = ctx.store.passkeys.of(user.id)
  if (existing.length >= ctx.cfg.passkeyMaxPerUser) throw tooMany()
  const row = storeChallenge(ctx, 'registration', user.id)
  const exclude = existing.map((p) => descriptor(p.credential, []))
  return optionsReply(row, creationOptions(relyingParty(ctx.cfg), user, row.challenge, exclude, 'required'))
}

async function registrationVerify(ctx: Ctx): Promise<Reply> {
  const auth = await requireNonAnonymousUser(ctx)
  const { user } = auth
  requireNotSso(user)
  requirePasskeyManagementAal(ctx, auth)
  const { row, credential: raw } = consumeCeremony(ctx, 'PasskeyRegistrationVerifyParams', 'registration', user.id)
  const credential = await ceremony(async () => verifyRegistration(relyingParty(ctx.cfg), await parseRegistration(raw), row.challenge))
  const { passkeys } = ctx.store
  if (passkeys.of(user.id).length >= ctx.cfg.passkeyMaxPerUser) throw tooMany()
  if (passkeys.byCredentialId(credential.id)) throw unprocessable('This credential is already registered', 'webauthn_credential_exists')
  const t = ctx.now()
  const passkey: PasskeyRow = { id: uuid(), userId: user.id, credential, friendlyName: passkeyName(credential.aaguid), createdAt: t, updatedAt: t }
  passkeys.credentials.set(passkey.id, passkey)
  return json({ id: passkey.id, friendly_name: passkey.friendlyName, created_at: iso(passkey.createdAt) })
}

function authenticationOptions(ctx: Ctx): Reply {
  const row = storeChallenge(ctx, 'authentication')
  return optionsReply(row, requestOptions(relyingParty(ctx.cfg), row.challenge, []))
}

/** The user's confirmation and ban, checked only once the assertion verified, as GoTrue does. */
function requireSignInAllowed(ctx: Ctx, user: UserRow): void {
  if (user.email && user.emailConfirmedAt === undefined) throw forbidden('Email not confirmed', 'email_not_confirmed')
  if (user.phone && user.phoneConfirmedAt === undefined) throw forbidden('Phone not confirmed', 'phone_not_confirmed')
  if (isBanned(user, ctx.now())) throw forbidden('User is banned', 'user_banned')
}

async function authenticationVerify(ctx: Ctx): Promise<Reply> {
  const { row, credential: raw } = consumeCeremony(ctx, 'PasskeyAuthenticationVerifyParams', 'authentication')
  const { store } = ctx
  const { user, passkey, counter } = await ceremony(async () => {
    const parsed = await parseAssertion(raw)
    // A handle naming no user, a user without passkeys, a credential that is not theirs: go-webauthn's
    // discoverable lookup fails, which GoTrue reports as a failed verification.
    const user = store.users.get(userIdFromHandle(parsed.userHandle) ?? '')
    const passkey = store.passkeys.byCredentialId(parsed.credentialId)
    if (!user || !passkey || passkey.userId !== user.id) throw new CredentialRejectedError('no such discoverable credential')
    return { user, passkey, counter: await verifyAssertion(relyingParty(ctx.cfg), parsed, row.challenge, passkey.credential) }
  })
  requireSignInAllowed(ctx, user)
  passkey.credential.counter = counter
  passkey.lastUsedAt = ctx.now()
  passkey.updatedAt = ctx.now()
  return json(await issueSession(ctx, user, 'passkey'))
}

export const passkeyCeremonyRoutes: Route[] = [
  { method: 'POST', path: '/passkeys/registration/options', handler: registrationOptions },
  { method: 'POST', path: '/passkeys/registration/verify', handler: registrationVerify },
  { method: 'POST', path: '/passkeys/authentication/options', handler: authenticationOptions },
  { method: 'POST', path: '/passkeys/authentication/verify', handler: authenticationVerify },
]
