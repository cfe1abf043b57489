/**
 * Page parameters and the pagination GoTrue reports in headers (`X-Total-Count`, and a `Link` header with
 * `rel="next"` / `rel="last"` URLs), as auth-js's admin lists return them: `{ nextPage, lastPage, total }`.
 * @module
 */
import { AuthInvalidCredentialsError } from '../errors.js'

export interface PageParams {
  /** 1-based page number (server default 1). */
  page?: number
  /** Items per page (server default 50). */
  perPage?: number
}

/** auth-js `Pagination`. */
export interface Pagination {
  /** The next page number, or null on the last page. */
  nextPage: number | null
  /** The number of the last page (0 when there are no items). */
  lastPage: number
  /** Items across all pages. */
  total: number
}

function positiveInt(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new AuthInvalidCredentialsError(`${name} must be a positive integer`)
  }
  return String(value)
}

/**
 * `page` / `per_page` query values, refused locally unless positive integers.
 *
 * @example
 * pageQuery({ page: 2, perPage: 100 })   // { page: '2', per_page: '100' }
 */
export function pageQuery(p: PageParams | undefined): { page: string | undefined; per_page: string | undefined } {
  if (p !== undefined && (typeof p !== 'object' || p === null)) throw new AuthInvalidCredentialsError('params must be an object')
  return { page: positiveInt(p?.page, 'page'), per_page: positiveInt(p?.perPage, 'perPage') }
}

/** The `page` query value of a link target; a target that is no URL (`<http://[::1>`) has none. */
function pageParam(target: string): string | null {
  try {
    return new URL(target, 'http://link.invalid').searchParams.get('page')
  } catch {
    return null
  }
}

/**
 * Reads `page` and `rel` from each `<url>; rel="x"` entry. auth-js takes only the first digit of the page
 * number; this parses the whole query value.
 */
function parseLinkHeader(value: string): { next: number | null; last: number } {
  const pages: Record<string, number> = {}
  for (const part of value.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part)
    if (!match) continue
    const page = Number.parseInt(pageParam(match[1] ?? '') ?? '', 10)
    if (Number.isInteger(page)) pages[match[2] ?? ''] = page
  }
  return { next: pages['next'] ?? null, last: pages['last'] ?? 0 }
}

/**
 * The pagination of a list response holding `count` items. When the server sends neither header (a list
 * it does not paginate) the items are all there is: one page, `total = count` (auth-js reports `total: 0`).
 *
 * @example
 * const { nextPage, lastPage, total } = paginationFrom(headers, body.users.length)
 */
export function paginationFrom(headers: Headers, count: number): Pagination {
  const totalHeader = headers.get('x-total-count')
  const link = headers.get('link')
  if (totalHeader === null && link === null) return { nextPage: null, lastPage: count > 0 ? 1 : 0, total: count }
  const total = Number.parseInt(totalHeader ?? '', 10)
  const { next, last } = parseLinkHeader(link ?? '')
  return { nextPage: next, lastPage: last, total: Number.isNaN(total) ? 0 : total }
}
