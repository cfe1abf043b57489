/**
 * Passkeys and their pending ceremonies, kept apart from MFA factors as GoTrue keeps them in their own
 * tables (`webauthn_credentials`, `webauthn_challenges`).
 * @module
 */
import type { PasskeyChallengeRow, PasskeyRow } from './records.js'

export class PasskeyTables {
  readonly credentials = new Map<string, PasskeyRow>()
  readonly challenges = new Map<string, PasskeyChallengeRow>()

  /** The user's passkeys, oldest first. */
  of(userId: string): PasskeyRow[] {
    return [...this.credentials.values()].filter((p) => p.userId === userId).sort((a, b) => a.createdAt - b.createdAt)
  }

  /** The passkey `id` if it belongs to `userId`. */
  ownedBy(id: string, userId: string): PasskeyRow | undefined {
    const row = this.credentials.get(id)
    return row?.userId === userId ? row : undefined
  }

  /** Whoever's passkey holds this credential id (the id is unique across users). */
  byCredentialId(credentialId: string): PasskeyRow | undefined {
    for (const p of this.credentials.values()) if (p.credential.id === credentialId) return p
    return undefined
  }

  /**
   * Takes the challenge out if it has this type and user (`undefined`: a challenge bound to no user), as
   * GoTrue's `DELETE … RETURNING`: a matching challenge is gone after this, expired or not; a challenge
   * of another type or user is left alone and reported as missing.
   */
  consumeChallenge(id: string, type: PasskeyChallengeRow['type'], userId: string | undefined): PasskeyChallengeRow | undefined {
    const row = this.challenges.get(id)
    if (!row || row.type !== type || row.userId !== userId) return undefined
    this.challenges.delete(id)
    return row
  }

  /** The cascade of a hard user delete. */
  deleteUser(userId: string): void {
    for (const [id, p] of this.credentials) if (p.userId === userId) this.credentials.delete(id)
    for (const [id, c] of this.challenges) if (c.userId === userId) this.challenges.delete(id)
  }
}
