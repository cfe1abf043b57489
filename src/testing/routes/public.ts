/**
 * Unauthenticated info routes: health, settings, JWKS.
 * @module
 */

// The providers GoTrue's `/settings` reports, in its order (not every provider `/authorize` accepts).
import { isProviderEnabled } from '../config/providers.js'
import type { Route } from '../server/router.js'
import { json } from '../server/respond.js'

const PROVIDERS = [
  'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'snapchat', 'figma', 'fly', 'github', 'gitlab', 'google',
  'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc', 'workos', 'twitch',
  'twitter', 'zoom',
] as const

export const publicRoutes: Route[] = [
  {
    method: 'GET',
    path: '/health',
    handler: () =>
      json({ version: 'supabase-auth-machine-testing', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }),
  },
  {
    method: 'GET',
    path: '/settings',
    handler: ({ cfg }) => {
      const external: Record<string, boolean> = { anonymous_users: cfg.anonymousSignIns }
      for (const p of PROVIDERS) external[p] = isProviderEnabled(cfg, p)
      external.email = true
      external.phone = cfg.phoneSignups
      return json({
        external,
        disable_signup: cfg.disableSignup,
        mailer_autoconfirm: cfg.mailerAutoconfirm,
        phone_autoconfirm: cfg.smsAutoconfirm,
        sms_provider: cfg.phoneSignups ? cfg.smsProvider : '',
        saml_enabled: cfg.saml,
        saml_private_key_next_configured: false,
        passkeys_enabled: cfg.passkeyEnabled,
      })
    },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: ({ app }) => json(app.keys.jwks(), 200, { 'Cache-Control': 'public, max-age=600' }),
  },
]
