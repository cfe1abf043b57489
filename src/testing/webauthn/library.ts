/**
 * Loads `@simplewebauthn/server` on first use. It is an optional peer dependency of the package: the local
 * server starts without it, and only the routes that verify an authenticator's response need it.
 * @module
 */
import type * as Server from '@simplewebauthn/server'
import type * as Helpers from '@simplewebauthn/server/helpers'
import { optionalPackage, type Importer } from '../server/optional-package.js'

export interface SimpleWebAuthn {
  server: typeof Server
  helpers: typeof Helpers
}

/** A dynamic import keeps the bundled `/testing` entry from requiring the package at load time. */
const importLibrary: Importer<SimpleWebAuthn> = async () => {
  const [server, helpers] = await Promise.all([import('@simplewebauthn/server'), import('@simplewebauthn/server/helpers')])
  return { server, helpers }
}

/**
 * The library, imported once; the error of a missing one names the package to install. An importer
 * replaces the import (tests).
 *
 * @example
 * const { server } = await loadSimpleWebAuthn()
 * await server.verifyAuthenticationResponse({ … })
 */
export const loadSimpleWebAuthn = optionalPackage(importLibrary, 'WebAuthn factors and passkeys', ['@simplewebauthn/server'])
