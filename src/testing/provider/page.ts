/**
 * The built-in identity provider's sign-in page: a plain form a browser test can fill in. The request's
 * parameters ride along as hidden fields, so submitting it finishes the same authorization.
 * @module
 */

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Names of the form's visible fields, also what `POST /idp/authorize` reads. */
export const FORM_FIELDS = { sub: 'sub', email: 'email', emailVerified: 'email_verified', name: 'name', deny: 'deny' } as const

/** The sign-in form for an authorization request carrying `params` (client id, redirect URI, state, …). */
export function signInPage(action: string, params: URLSearchParams): string {
  const hidden = [...params]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n    ')
  const f = FORM_FIELDS
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in — local identity provider</title></head>
<body>
  <h1>Sign in to the local identity provider</h1>
  <form method="post" action="${escapeHtml(action)}">
    ${hidden}
    <p><label>Subject id <input name="${f.sub}" required></label></p>
    <p><label>Email <input name="${f.email}" type="email"></label></p>
    <p><label><input name="${f.emailVerified}" type="checkbox" value="true" checked> Email verified</label></p>
    <p><label>Name <input name="${f.name}"></label></p>
    <p><button type="submit">Sign in</button> <button type="submit" name="${f.deny}" value="1" formnovalidate>Cancel</button></p>
  </form>
</body>
</html>
`
}
