/**
 * `npm start`: a narrated walk through the whole lifecycle against a freshly started local auth server.
 * Every status change and auth event is printed with its time, so the chart can be watched at work.
 */
import { createAuthClient } from '../src/index.js'
import { getClaims } from '../src/jwt/index.js'
import { startAuthServer, totpCode } from '../src/testing/index.js'
import { mfa } from '../src/mfa/index.js'

const started = performance.now()
const stamp = () => `+${String(Math.round(performance.now() - started)).padStart(5)} ms`
const say = (text: string) => console.log(`\n${stamp()}  » ${text}`)

// ES256, as Supabase projects with asymmetric signing keys: getClaims can then verify without asking the server.
const server = await startAuthServer({ jwtAlgorithm: 'ES256' })
console.log(`Local auth server at ${server.url} (access tokens signed ES256)`)

const auth = createAuthClient({ url: server.url, apiKey: server.anonKey })
auth.state$.subscribe((state) => {
  const who = state.user?.email ? ` (${state.user.email}${state.aal ? `, ${state.aal}` : ''})` : ''
  const why = state.status === 'signedOut' ? ` reason=${state.reason}` : ''
  console.log(`${stamp()}    status  ${state.status}${who}${why}`)
})
auth.events$.subscribe(({ event }) => console.log(`${stamp()}    event   ${event}`))

const email = 'ada@example.com'
const password = 'correct-horse-battery'
let exitCode = 0
try {
  await auth.ready
  say('Sign up (the local server confirms emails automatically, like the Supabase CLI)')
  await auth.signUp({ email, password })

  say('Sign out, then sign in with the password')
  await auth.signOut()
  await auth.signInWithPassword({ email, password })

  say('Enrol a TOTP factor and verify it with a code from the authenticator')
  const factor = await mfa(auth).enroll({ factorType: 'totp', friendlyName: 'Walkthrough phone' })
  if (!('totp' in factor)) throw new Error('expected a TOTP factor')
  await mfa(auth).challengeAndVerify({ factorId: factor.id, code: totpCode(factor.totp.secret) })

  say('Sign out, and sign in again: the password alone now leads to mfaChallenge')
  await auth.signOut()
  await auth.signInWithPassword({ email, password })

  say('Answer the challenge with a fresh TOTP code')
  const challenge = await mfa(auth).challenge({ factorId: factor.id })
  await mfa(auth).verify({ factorId: factor.id, challengeId: challenge.id, code: totpCode(factor.totp.secret) })

  say('Read the verified claims three times: the key set is fetched once, the signatures are checked here')
  for (let i = 0; i < 3; i++) {
    const { claims } = await getClaims(auth)
    console.log(`${stamp()}    claims  sub=${claims.sub} aal=${claims.aal} role=${claims.role}`)
  }

  say('Rotate the refresh token')
  await auth.refreshSession()

  say('Sign out')
  await auth.signOut()

  const counted = server.requests.all().map((r) => `${r.method} ${r.path}${r.grantType ? `?grant_type=${r.grantType}` : ''} → ${r.status}`)
  console.log(`\n${counted.length} requests reached the server:\n  ${counted.join('\n  ')}`)
} catch (error) {
  exitCode = 1
  console.error('\nWalkthrough failed:', error instanceof Error ? `${error.name}: ${error.message}` : error)
} finally {
  auth.dispose()
  await server.close()
}
process.exitCode = exitCode
