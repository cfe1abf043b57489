/**
 * How a session another client announced is weighed against the one in hand (`machines/session-news.ts`).
 * Pure: sessions in, session out. Results are compared by identity where the rule says "itself", and by
 * labels (which side the tokens or the user came from) elsewhere, so a failure never prints a token.
 */
import { describe, expect, it } from 'vitest'
import { sameSignIn, sessionAfterNews } from '../../machines/session-news.js'
import type { Session } from '../../src/types.js'
import { fakeRotation as rotation, fakeSession } from '../support/fake-session.js'

const NOW = Math.floor(Date.now() / 1000)
const EARLIER = '2026-01-01T00:00:00Z'
const LATER = '2026-01-02T00:00:00Z'

/** A session whose access token is not a JWT: no session id can be read from it. */
function opaque(refreshToken: string, expiresAt = NOW + 3600): Session {
  return { ...fakeSession({ expiresAt, refreshToken }), access_token: 'not-a-jwt' }
}

/** Which input the result's tokens came from, and which input's user it carries. */
function origins(result: Session, inHand: Session, heard: Session): { tokens: string; user: string } {
  const tokens =
    result.access_token === inHand.access_token && result.refresh_token === inHand.refresh_token && result.expires_at === inHand.expires_at
      ? 'inHand'
      : result.access_token === heard.access_token && result.refresh_token === heard.refresh_token && result.expires_at === heard.expires_at
        ? 'heard'
        : 'neither'
  const user = result.user === inHand.user ? 'inHand' : result.user === heard.user ? 'heard' : 'neither'
  return { tokens, user }
}

describe('sameSignIn', () => {
  it('is true for two rotations of one sign-in (same session id, other tokens)', () => {
    expect(sameSignIn(rotation('sA', NOW + 100, 'r1'), rotation('sA', NOW + 200, 'r2'))).toBe(true)
  })

  it('is false for sessions of two sign-ins (other session ids), even of the same user', () => {
    expect(sameSignIn(rotation('sA', NOW + 100, 'r1'), rotation('sB', NOW + 100, 'r1'))).toBe(false)
  })

  it('is false when either access token cannot be decoded', () => {
    expect(sameSignIn(opaque('r1'), rotation('sA', NOW + 100, 'r2'))).toBe(false)
    expect(sameSignIn(rotation('sA', NOW + 100, 'r2'), opaque('r1'))).toBe(false)
  })

  it('is false for two undecodable tokens: no session id on either side is not the same session id', () => {
    const a = opaque('r1')
    expect(sameSignIn(a, a)).toBe(false)
    expect(sameSignIn(a, opaque('r2'))).toBe(false)
  })
})

describe('sessionAfterNews', () => {
  it('takes another sign-in whole: returns the heard session itself', () => {
    const inHand = rotation('sA', NOW + 3600, 'rA', LATER)
    const heard = rotation('sB', NOW + 60, 'rB', EARLIER) // older in every way, still another sign-in
    expect(sessionAfterNews(inHand, heard)).toBe(heard)
  })

  it('keeps the session in hand against late news of the sign-in it replaced (a user update made there)', () => {
    const inHand = rotation('sB', NOW + 3600, 'rB1', EARLIER)
    const late = rotation('sA', NOW + 1800, 'rA1', LATER) // the session in hand replaced rA1's sign-in
    expect(sessionAfterNews(inHand, late, 'rA1')).toBe(inHand)
    // Another sign-in that is not the one replaced still replaces it.
    expect(sessionAfterNews(inHand, late, 'rOther')).toBe(late)
  })

  it('with no session in hand returns the heard session itself', () => {
    const heard = rotation('sA', NOW + 3600, 'r1')
    expect(sessionAfterNews(null, heard)).toBe(heard)
  })

  it('takes a later rotation of the same sign-in whole: returns the heard session itself', () => {
    const inHand = rotation('sA', NOW + 1800, 'r1')
    const heard = rotation('sA', NOW + 3600, 'r2')
    expect(sessionAfterNews(inHand, heard)).toBe(heard)
  })

  it('keeps the in-hand session itself when the heard tokens are older and the users equally old', () => {
    const inHand = rotation('sA', NOW + 3600, 'r2', EARLIER)
    const heard = rotation('sA', NOW + 1800, 'r1', EARLIER)
    expect(sessionAfterNews(inHand, heard)).toBe(inHand)
  })

  it('keeps the in-hand session itself when neither user says when it was updated', () => {
    const inHand = rotation('sA', NOW + 3600, 'r2')
    const heard = rotation('sA', NOW + 1800, 'r1')
    expect(sessionAfterNews(inHand, heard)).toBe(inHand)
  })

  it('older heard tokens with a later-updated user: the in-hand tokens with the heard user, in a new object', () => {
    const inHand = rotation('sA', NOW + 3600, 'r2', EARLIER)
    const heard = rotation('sA', NOW + 1800, 'r1', LATER)
    const result = sessionAfterNews(inHand, heard)
    expect(result).not.toBe(inHand)
    expect(result).not.toBe(heard)
    expect(origins(result, inHand, heard)).toEqual({ tokens: 'inHand', user: 'heard' })
  })

  it('newer heard tokens with an older user than in hand: the heard tokens with the in-hand user', () => {
    const inHand = rotation('sA', NOW + 1800, 'r1', LATER)
    const heard = rotation('sA', NOW + 3600, 'r2', EARLIER)
    const result = sessionAfterNews(inHand, heard)
    expect(result).not.toBe(inHand)
    expect(result).not.toBe(heard)
    expect(origins(result, inHand, heard)).toEqual({ tokens: 'heard', user: 'inHand' })
  })

  it('newer heard tokens with a newer user: the heard session itself', () => {
    const inHand = rotation('sA', NOW + 1800, 'r1', EARLIER)
    const heard = rotation('sA', NOW + 3600, 'r2', LATER)
    expect(sessionAfterNews(inHand, heard)).toBe(heard)
  })

  describe('equal expiry (rotations a moment apart)', () => {
    const inHand = rotation('sA', NOW + 3600, 'r2')
    const heardSpent = rotation('sA', NOW + 3600, 'r1')
    const heardUnknown = rotation('sA', NOW + 3600, 'r3')

    it('the heard tokens win when nothing says which is older', () => {
      expect(sessionAfterNews(inHand, heardUnknown)).toBe(heardUnknown)
      expect(sessionAfterNews(inHand, heardUnknown, null)).toBe(heardUnknown)
    })

    it('the heard tokens win when they are not the ones the session in hand replaced', () => {
      expect(sessionAfterNews(inHand, heardUnknown, 'r1')).toBe(heardUnknown)
    })

    it('the session in hand stays when the heard refresh token is the one it replaced', () => {
      expect(sessionAfterNews(inHand, heardSpent, 'r1')).toBe(inHand)
    })

    it('the replaced tokens still bring a later-updated user', () => {
      const dated = rotation('sA', NOW + 3600, 'r2', EARLIER)
      const withNewerUser = rotation('sA', NOW + 3600, 'r1', LATER)
      const result = sessionAfterNews(dated, withNewerUser, 'r1')
      expect(origins(result, dated, withNewerUser)).toEqual({ tokens: 'inHand', user: 'heard' })
    })
  })

  describe('undecodable access tokens (no session id)', () => {
    it('are never the same sign-in: the heard session is taken whole, however old', () => {
      const inHand = opaque('r2', NOW + 3600)
      const heard = opaque('r1', NOW + 60)
      expect(sessionAfterNews(inHand, heard)).toBe(heard)
    })

    it('an undecodable heard session replaces a decodable one in hand, and the other way round', () => {
      const decodable = rotation('sA', NOW + 3600, 'r2')
      const undecodable = opaque('r1', NOW + 60)
      expect(sessionAfterNews(decodable, undecodable)).toBe(undecodable)
      expect(sessionAfterNews(undecodable, decodable)).toBe(decodable)
    })
  })

  it('mutates neither input', () => {
    const cases: Array<[Session, Session, string | undefined]> = [
      [rotation('sA', NOW + 3600, 'r2', EARLIER), rotation('sA', NOW + 1800, 'r1', LATER), undefined],
      [rotation('sA', NOW + 1800, 'r1', LATER), rotation('sA', NOW + 3600, 'r2', EARLIER), undefined],
      [rotation('sA', NOW + 3600, 'r2', EARLIER), rotation('sA', NOW + 3600, 'r1', LATER), 'r1'],
      [rotation('sA', NOW + 3600, 'r2'), rotation('sB', NOW + 3600, 'r9'), undefined],
    ]
    for (const [inHand, heard, replaced] of cases) {
      const inHandBefore = structuredClone(inHand)
      const heardBefore = structuredClone(heard)
      sessionAfterNews(inHand, heard, replaced)
      expect(inHand).toEqual(inHandBefore)
      expect(heard).toEqual(heardBefore)
    }
  })
})
