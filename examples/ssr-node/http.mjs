/**
 * The few HTTP answers the app gives, on plain `node:http`: a page, JSON, a redirect, and reading a form.
 */

/** Pages differ per visitor; keep them out of shared caches unless the auth entry already set stricter headers. */
function privateByDefault(res) {
  if (!res.hasHeader('cache-control')) res.setHeader('cache-control', 'private, no-cache')
}

export function sendHtml(res, status, html) {
  privateByDefault(res)
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html)
}

export function sendJson(res, status, body) {
  privateByDefault(res)
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/** 303: after a form post the browser follows with a GET, so a reload never re-posts the password. */
export function redirect(res, location) {
  privateByDefault(res)
  res.writeHead(303, { location }).end()
}

const FORM_LIMIT = 16 * 1024

/** An `application/x-www-form-urlencoded` body, at most 16 KB (a sign-in form is a few hundred bytes). */
export async function readForm(req) {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > FORM_LIMIT) throw Object.assign(new Error('form too large'), { status: 413 })
  }
  return new URLSearchParams(body)
}

/** The origin the browser used, for links back to this app (the auth server checks them against its allow list). */
export function originOf(req) {
  return `http://${req.headers.host ?? '127.0.0.1'}`
}
