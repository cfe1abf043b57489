/**
 * The app's routes. Each gets the request's own auth client (`auth`); cookies it changes are already on
 * `res` when the awaited call returns, so every route reads or changes the session before it answers.
 */
import { isAuthError, isAuthRetryableFetchError } from '../../dist/index.js'
import { exchangeCodeForSession } from '../../dist/handoff.js'
import { getClaims } from '../../dist/jwt.js'
import { originOf, readForm, redirect, sendHtml, sendJson } from './http.mjs'
import { accountPage, homePage, signInPage } from './pages.mjs'

/**
 * The request carries no usable session: none, an expired or forged token, a refresh the server refused.
 * A network failure or a 5xx is not that: the session is kept and the error page says to retry.
 */
export function isSignedOut(error) {
  return isAuthError(error) && !isAuthRetryableFetchError(error)
}

/** `GET /`: the user as the auth server sees them now (`getUser` asks it), or the sign-in forms. */
async function home({ res, auth }) {
  try {
    const { user } = await auth.getUser()
    sendHtml(res, 200, homePage(user))
  } catch (error) {
    if (!isSignedOut(error)) throw error
    sendHtml(res, 200, signInPage())
  }
}

/** `POST /sign-in`: the session lands in cookies, then the browser GETs the account page. */
async function signIn({ req, res, auth }) {
  const form = await readForm(req)
  const email = form.get('email') ?? ''
  try {
    await auth.signInWithPassword({ email, password: form.get('password') ?? '' })
  } catch (error) {
    if (!isSignedOut(error)) throw error
    sendHtml(res, 400, signInPage({ error: error.message, email }))
    return
  }
  redirect(res, '/account')
}

/**
 * `POST /sign-in/email-link`: a PKCE email link. The verifier is stored in a cookie of this browser, so
 * only the browser that asked can finish the sign-in at `/auth/callback`.
 */
async function emailLink({ req, res, auth }) {
  const form = await readForm(req)
  const email = form.get('email') ?? ''
  try {
    await auth.signInWithOtp({ email, options: { emailRedirectTo: `${originOf(req)}/auth/callback` } })
  } catch (error) {
    if (!isSignedOut(error)) throw error
    sendHtml(res, 400, signInPage({ error: error.message, email }))
    return
  }
  sendHtml(res, 200, signInPage({ linkSentTo: email }))
}

/**
 * `GET /auth/callback?code=…`: where email links and OAuth providers come back. The code is traded on the
 * server with the verifier cookie; the browser never sees a token in a URL.
 */
async function callback({ res, url, auth }) {
  const code = url.searchParams.get('code')
  if (!code) {
    sendHtml(res, 400, signInPage({ error: url.searchParams.get('error_description') ?? 'The sign-in link has no code.' }))
    return
  }
  try {
    await exchangeCodeForSession(auth, code)
  } catch (error) {
    if (!isSignedOut(error)) throw error
    sendHtml(res, 400, signInPage({ error: error.message }))
    return
  }
  redirect(res, '/account')
}

/** `GET /account`, protected: the access token's claims, verified (locally for ES256/RS256 projects). */
async function account({ res, auth }) {
  let claims
  try {
    ;({ claims } = await getClaims(auth))
  } catch (error) {
    if (!isSignedOut(error)) throw error
    redirect(res, '/')
    return
  }
  sendHtml(res, 200, accountPage(claims))
}

/** `POST /sign-out`: the server session ends and the cookies are cleared, whatever the server answered. */
async function signOut({ res, auth }) {
  await auth.signOut()
  redirect(res, '/')
}

/** `GET /api/whoami`: the same check as `/account`, as JSON, for scripts and `fetch`. */
async function whoami({ res, auth }) {
  try {
    const { claims } = await getClaims(auth)
    sendJson(res, 200, { email: claims.email, sub: claims.sub, exp: claims.exp })
  } catch (error) {
    if (!isSignedOut(error)) throw error
    sendJson(res, 401, { error: 'signed_out' })
  }
}

/** `METHOD path` → handler. */
export const routes = new Map([
  ['GET /', home],
  ['POST /sign-in', signIn],
  ['POST /sign-in/email-link', emailLink],
  ['GET /auth/callback', callback],
  ['GET /account', account],
  ['POST /sign-out', signOut],
  ['GET /api/whoami', whoami],
])
