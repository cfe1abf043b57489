/**
 * Raw-HTTP walking of OAuth and SSO flows against the local server: follow every redirect that stays on
 * the server (authorize → identity provider → callback) by hand, and stop at the one that leaves it for the
 * app, or at a page.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { AuthServer } from '../../src/testing/index.js'

export interface Hop {
  status: number
  /** `Location`, `''` when not a redirect. */
  location: string
  text: string
}

export const APP = 'http://localhost:3000'

export async function hop(url: string, init: RequestInit = {}): Promise<Hop> {
  const res = await fetch(url, { ...init, redirect: 'manual' })
  return { status: res.status, location: res.headers.get('location') ?? '', text: await res.text() }
}

/** Follows redirects while they point into the server; returns the last hop (leaving it, or a page). */
export async function walk(server: AuthServer, start: string, init: RequestInit = {}): Promise<Hop> {
  let current = await hop(start.startsWith('http') ? start : `${server.url}${start}`, init)
  for (let i = 0; i < 10 && current.location.startsWith(server.url); i++) current = await hop(current.location)
  return current
}

/** The fragment of a redirect as a record. */
export function fragment(location: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(location.split('#')[1] ?? ''))
}

/** The query of a redirect (before any fragment) as a record. */
export function query(location: string): Record<string, string> {
  return Object.fromEntries(new URL(location.split('#')[0] ?? '').searchParams)
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex')

let counter = 0
/** A provider subject id no other test uses. */
export function uniqueSub(prefix = 'sub'): string {
  counter += 1
  return `${prefix}-${counter}-${randomBytes(4).toString('hex')}`
}
