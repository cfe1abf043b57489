/**
 * What to send to `setAll` so the browser ends up holding given values: the one pure step between stored
 * values and cookies, shared by the server (one batch per committed change) and the browser (each write).
 * @module
 */
import { isChunkOf, splitIntoChunks } from './chunks.js'
import { encodeCookieValue } from './cookie-format.js'
import type { CookieEncoding, CookieOptions, CookieToSet } from './types.js'

/**
 * The cookies to set and delete so that every key of `values` holds its value (`null`: holds nothing),
 * given the cookies the browser holds now (`jar`). Chunks a shorter value no longer needs are deleted,
 * chunks that already hold the right value are not sent again. Deletions come first, then sets, as
 * `@supabase/ssr` orders them; with a `domain`, each deletion is also sent without it, so a cookie written
 * host-only by an older setup goes too.
 *
 * @example
 * const list = cookieChanges(jar, new Map([['sb-abcd-auth-token', json]]), 'base64url', cookieAttributes(undefined))
 * cookies.setAll(list, { ...NO_CACHE_HEADERS })
 */
export function cookieChanges(
  jar: ReadonlyMap<string, string>,
  values: ReadonlyMap<string, string | null>,
  encoding: CookieEncoding,
  attributes: { set: CookieOptions; remove: CookieOptions },
): CookieToSet[] {
  const removals: string[] = []
  const sets: Array<{ name: string; value: string }> = []
  for (const [key, value] of values) {
    const held = [...jar.keys()].filter((name) => isChunkOf(name, key))
    if (value === null) {
      removals.push(...held)
      continue
    }
    const chunks = splitIntoChunks(key, encodeCookieValue(value, encoding))
    const names = new Set(chunks.map((chunk) => chunk.name))
    removals.push(...held.filter((name) => !names.has(name)))
    sets.push(...chunks.filter((chunk) => jar.get(chunk.name) !== chunk.value))
  }
  const { domain, ...hostOnly } = attributes.remove
  return [
    ...(domain ? removals.map((name) => ({ name, value: '', options: { ...hostOnly } })) : []),
    ...removals.map((name) => ({ name, value: '', options: { ...attributes.remove } })),
    ...sets.map(({ name, value }) => ({ name, value, options: { ...attributes.set } })),
  ]
}

/**
 * The jar once `changes` reached the browser.
 *
 * @example
 * applyChanges(jar, list)
 */
export function applyChanges(jar: Map<string, string>, changes: readonly CookieToSet[]): void {
  for (const { name, value, options } of changes) {
    if (value === '' || options.maxAge === 0) jar.delete(name)
    else jar.set(name, value)
  }
}
