/**
 * The app's HTML, rendered on the server: no script runs in the browser, so what the page shows is what
 * the server knew from the request's cookies. Every value from a user or the auth server is escaped.
 */

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c])

function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · SSR example</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1c1c1c }
  form { display: grid; gap: .5rem; margin: 1rem 0 }
  label { display: grid; gap: .25rem } input, button { font: inherit; padding: .4rem .6rem }
  .error { color: #b00020 } .note { color: #555 } dt { font-weight: 600 }
</style>
<h1>${escape(title)}</h1>
${body}
</html>`
}

/** `/` for a visitor without a session: password sign-in, and an email link that comes back to `/auth/callback`. */
export function signInPage({ error, email, linkSentTo } = {}) {
  return layout(
    'Sign in',
    `${error ? `<p id="error" class="error">${escape(error)}</p>` : ''}
${linkSentTo ? `<p id="link-sent" class="note">A sign-in link was sent to ${escape(linkSentTo)}.</p>` : ''}
<form id="sign-in-form" method="post" action="/sign-in">
  <label>Email <input id="email" name="email" type="email" autocomplete="username" required value="${escape(email)}"></label>
  <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
  <button id="sign-in-button">Sign in</button>
</form>
<form id="email-link-form" method="post" action="/sign-in/email-link">
  <label>Or get a sign-in link <input id="link-email" name="email" type="email" required value="${escape(email)}"></label>
  <button id="email-link-button">Email me a link</button>
</form>`,
  )
}

/** `/` for a signed-in visitor: the user as the auth server sees it now (`getUser`). */
export function homePage(user) {
  return layout(
    'Welcome back',
    `<p id="signed-in-as">Signed in as <strong>${escape(user.email)}</strong>.</p>
<p><a href="/account">Your account</a></p>
${signOutForm()}`,
  )
}

/** `/account`: the verified claims of the access token (`getClaims`), never the token itself. */
export function accountPage(claims) {
  const expires = new Date(Number(claims.exp) * 1000).toISOString()
  return layout(
    'Account',
    `<p id="signed-in-as">Signed in as <strong id="account-email">${escape(claims.email)}</strong>.</p>
<dl id="claims">
  <dt>User id</dt><dd id="claim-sub">${escape(claims.sub)}</dd>
  <dt>Assurance level</dt><dd id="claim-aal">${escape(claims.aal)}</dd>
  <dt>Access token expires</dt><dd id="claim-exp">${escape(expires)}</dd>
</dl>
${signOutForm()}`,
  )
}

/** The auth server could not be reached: the session is kept, and the visitor can simply retry. */
export function unavailablePage() {
  return layout('Try again', '<p id="error" class="error">The sign-in service is not answering right now. Reload in a moment.</p>')
}

function signOutForm() {
  return `<form method="post" action="/sign-out"><button id="sign-out-button">Sign out</button></form>`
}
