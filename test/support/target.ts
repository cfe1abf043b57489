/**
 * Where integration tests send their requests: the local auth server (default), or a real GoTrue when
 * `GOTRUE_URL` is set (with `GOTRUE_SERVICE_ROLE_KEY` and `GOTRUE_JWT_SECRET`). Tests ask this module
 * for codes and links instead of reading an inbox, so the same test runs unchanged against both.
 */
import { SignJWT } from 'jose'
import { createAdminClient, type AdminClient } from '../../src/admin/index.js'
import { createAuthClient, type AuthClient, type AuthClientOptions } from '../../src/index.js'
import { startAuthServer, type AuthServer, type AuthServerOptions } from '../../src/testing/index.js'

export interface Target {
  url: string
  anonKey: string
  serviceRoleKey: string
  admin: AdminClient
  /** The local server, when the tests run against it; null against a real GoTrue. */
  local: AuthServer | null
  client(options?: Partial<AuthClientOptions>): AuthClient
  /** A code for `verifyOtp` that the server would have sent to `email` for `type`. */
  emailOtp(email: string, type: 'signup' | 'magiclink' | 'recovery' | 'invite'): Promise<string>
  /** The newest SMS code to `phone` (local server only). */
  smsOtp(phone: string): string
  close(): Promise<void>
}

export const realGotrue = process.env['GOTRUE_URL'] !== undefined && process.env['GOTRUE_URL'] !== ''

let counter = 0
/** An address no other test (or earlier run against a real server) has used. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`
}

export function uniquePhone(): string {
  counter += 1
  return `1555${String(Date.now() % 1_000_000).padStart(6, '0')}${String(counter % 10)}`
}

export const PASSWORD = 'correct-horse-battery'

async function anonKeyFor(secret: string): Promise<string> {
  return new SignJWT({ role: 'anon' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('10y')
    .sign(new TextEncoder().encode(secret))
}

/** Starts (or connects to) the server for one test file. Call `close()` in `afterAll`. */
export async function openTarget(serverOptions: AuthServerOptions = {}): Promise<Target> {
  const clients: AuthClient[] = []
  let local: AuthServer | null = null
  let url: string
  let anonKey: string
  let serviceRoleKey: string
  if (realGotrue) {
    url = process.env['GOTRUE_URL'] as string
    serviceRoleKey = process.env['GOTRUE_SERVICE_ROLE_KEY'] ?? ''
    anonKey = process.env['GOTRUE_ANON_KEY'] ?? (await anonKeyFor(process.env['GOTRUE_JWT_SECRET'] ?? ''))
  } else {
    local = await startAuthServer(serverOptions)
    url = local.url
    anonKey = local.anonKey
    serviceRoleKey = local.serviceRoleKey
  }
  const admin = createAdminClient({ url, serviceRoleKey })
  return {
    url,
    anonKey,
    serviceRoleKey,
    admin,
    local,
    client(options = {}) {
      const client = createAuthClient({ url, apiKey: anonKey, ...options })
      clients.push(client)
      return client
    },
    async emailOtp(email, type) {
      if (local) {
        const mail = local.outbox.latest(email, type === 'signup' ? 'signup' : type)
        if (!mail) throw new Error(`no ${type} email to ${email} in the outbox`)
        return mail.otp
      }
      const { properties } = await admin.generateLink(
        type === 'signup' ? { type: 'signup', email, password: PASSWORD } : { type, email },
      )
      return properties.email_otp
    },
    smsOtp(phone) {
      const sms = local?.outbox.latest(phone)
      if (!sms) throw new Error(`no SMS to ${phone}`)
      return sms.otp
    },
    async close() {
      for (const client of clients) client.dispose()
      await local?.close()
    },
  }
}
