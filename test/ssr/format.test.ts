/**
 * The cookie format, byte for byte against `@supabase/ssr` 0.12.7's own functions: base64url, chunking
 * (escapes and UTF-8 sequences never split), joining, header parsing and serializing, attributes.
 */
import { combineChunks, createChunks, DEFAULT_COOKIE_OPTIONS as SSR_DEFAULTS, parseCookieHeader as ssrParse, serializeCookieHeader, stringFromBase64URL, stringToBase64URL } from '@supabase/ssr'
import { describe, expect, it } from 'vitest'
import { base64UrlToText, textToBase64Url } from '../../src/ssr/base64url.js'
import { isChunkOf, joinChunks, MAX_CHUNK_SIZE, splitIntoChunks } from '../../src/ssr/chunks.js'
import { cookieChanges } from '../../src/ssr/cookie-changes.js'
import { cookieAttributes, decodeCookieValue, DEFAULT_COOKIE_OPTIONS, encodeCookieValue, NO_CACHE_HEADERS } from '../../src/ssr/cookie-format.js'
import { parseCookieHeader, serializeCookie } from '../../src/ssr/index.js'

/** Deterministic pseudo-random text mixing ASCII, characters encodeURIComponent escapes, 2-, 3- and 4-byte UTF-8. */
function randomText(seed: number, length: number): string {
  const pool = ['a', 'Z', '9', '-', '_', ' ', '%', ';', '"', '{', 'é', 'ß', '€', '中', '😀', '𝄞', '\n']
  let state = seed
  let out = ''
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    out += pool[state % pool.length]
  }
  return out
}

describe('base64url', () => {
  it('encodes exactly as @supabase/ssr, and decodes what it encodes', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const text = randomText(seed, seed * 7)
      expect(textToBase64Url(text)).toBe(stringToBase64URL(text))
      expect(base64UrlToText(stringToBase64URL(text))).toBe(text)
      expect(stringFromBase64URL(textToBase64Url(text))).toBe(text)
    }
  })

  it('reads an invalid character or invalid UTF-8 as null instead of throwing (any visitor can edit a cookie)', () => {
    expect(base64UrlToText('eyJh*IjoxfQ')).toBeNull()
    expect(base64UrlToText('_w')).toBeNull() // 0xFF is never valid UTF-8
    expect(decodeCookieValue('base64-%%%')).toBeNull()
    expect(decodeCookieValue('{"raw":true}')).toBe('{"raw":true}')
    expect(base64UrlToText('eyJhIjoxfQ==\n')).toBe('{"a":1}') // padding and whitespace skipped, as @supabase/ssr does
  })

  it('prefixes encoded values with base64-', () => {
    expect(encodeCookieValue('{"a":1}', 'base64url')).toBe('base64-eyJhIjoxfQ')
    expect(encodeCookieValue('{"a":1}', 'raw')).toBe('{"a":1}')
  })
})

describe('chunks', () => {
  it('splits exactly as @supabase/ssr, never inside an escape or a UTF-8 sequence', () => {
    for (let seed = 1; seed <= 120; seed += 1) {
      const text = randomText(seed, 500 + seed * 83)
      const ours = splitIntoChunks('sb-x-auth-token', text)
      expect(ours).toEqual(createChunks('sb-x-auth-token', text))
      expect(ours.map((c) => c.value).join('')).toBe(text)
      for (const chunk of ours) expect(encodeURIComponent(chunk.value).length).toBeLessThanOrEqual(MAX_CHUNK_SIZE)
    }
  })

  it('keeps a value whose encoded form fits 3,180 characters in one cookie named by the key', () => {
    expect(splitIntoChunks('k', 'a'.repeat(3180))).toEqual([{ name: 'k', value: 'a'.repeat(3180) }])
    expect(splitIntoChunks('k', 'a'.repeat(3181)).map((c) => c.name)).toEqual(['k.0', 'k.1'])
  })

  it('joins as @supabase/ssr joins: the whole cookie first, then .0, .1, … up to the first gap', async () => {
    const jar = new Map([['k.0', 'ab'], ['k.1', 'cd'], ['k.3', 'zz']])
    expect(joinChunks('k', (n) => jar.get(n))).toBe('abcd')
    expect(await combineChunks('k', async (n) => jar.get(n) ?? null)).toBe('abcd')
    expect(joinChunks('k', (n) => new Map([['k', 'whole'], ['k.0', 'x']]).get(n))).toBe('whole')
    expect(joinChunks('k', () => undefined)).toBeNull()
  })

  it('knows the chunks of a key, and not its neighbours', () => {
    expect(isChunkOf('k', 'k')).toBe(true)
    expect(isChunkOf('k.12', 'k')).toBe(true)
    expect(isChunkOf('k.01', 'k')).toBe(false)
    expect(isChunkOf('k-code-verifier', 'k')).toBe(false)
  })
})

describe('headers', () => {
  it('parses Cookie headers as @supabase/ssr (the cookie package) does', () => {
    const header = 'a=1; b=x%20y; c=%E0%A4%A; d="q"; a=2;  e = spaced ; f=; =novalue; g'
    expect(parseCookieHeader(header)).toEqual(ssrParse(header))
    expect(parseCookieHeader(undefined)).toEqual([])
  })

  it('serializes Set-Cookie headers as @supabase/ssr does', () => {
    const expires = new Date(Date.UTC(2030, 0, 1))
    const cases = [
      { name: 'sb-x-auth-token', value: 'base64-eyJ', options: { ...DEFAULT_COOKIE_OPTIONS } },
      { name: 'a', value: 'b c;é', options: { domain: 'example.com', path: '/x', expires, httpOnly: true, secure: true, partitioned: true, priority: 'high' as const, sameSite: true } },
      { name: 'gone', value: '', options: { maxAge: 0, sameSite: 'none' as const } },
    ]
    for (const cookie of cases) expect(serializeCookie(cookie)).toBe(serializeCookieHeader(cookie.name, cookie.value, cookie.options))
  })
})

describe('attributes and batches', () => {
  it('defaults to @supabase/ssr options: path /, SameSite lax, not HttpOnly, 400 days', () => {
    expect(DEFAULT_COOKIE_OPTIONS).toEqual({ path: '/', sameSite: 'lax', httpOnly: false, maxAge: 400 * 24 * 60 * 60 })
    expect(DEFAULT_COOKIE_OPTIONS).toEqual(SSR_DEFAULTS)
    expect(NO_CACHE_HEADERS).toEqual({ 'Cache-Control': 'private, no-cache, no-store, must-revalidate, max-age=0', Expires: '0', Pragma: 'no-cache' })
  })

  it('keeps the 400-day lifetime and drops `name` from the attributes, as @supabase/ssr does', () => {
    const { set, remove } = cookieAttributes({ name: 'custom', maxAge: 10, secure: true })
    expect(set).toEqual({ path: '/', sameSite: 'lax', httpOnly: false, maxAge: 34560000, secure: true })
    expect(remove.maxAge).toBe(0)
    expect('name' in set).toBe(false)
  })

  it('deletes stale chunks when a value shrinks, and sends only chunks that changed', () => {
    const attributes = cookieAttributes(undefined)
    const big = 'x'.repeat(7000)
    const jar = new Map(splitIntoChunks('k', encodeCookieValue(big, 'raw')).map((c) => [c.name, c.value]))
    expect([...jar.keys()]).toEqual(['k.0', 'k.1', 'k.2'])
    const shrink = cookieChanges(jar, new Map([['k', 'small']]), 'raw', attributes)
    expect(shrink.map((c) => [c.name, c.value, c.options.maxAge])).toEqual([
      ['k.0', '', 0], ['k.1', '', 0], ['k.2', '', 0], ['k', 'small', 34560000],
    ])
    expect(cookieChanges(jar, new Map([['k', big]]), 'raw', attributes)).toEqual([])
    const withDomain = cookieChanges(jar, new Map([['k', null]]), 'raw', cookieAttributes({ domain: 'example.com' }))
    expect(withDomain.filter((c) => c.options.domain === undefined)).toHaveLength(3) // host-only deletions too
    expect(withDomain).toHaveLength(6)
  })
})
