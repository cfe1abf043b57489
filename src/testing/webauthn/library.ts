/**
 * Loads `@simplewebauthn/server` on first use. It is an optional peer dependency of the package: the local
 * server starts without it, and only the routes that verify an authenticator's response need it.
 * @module
 */
import type * as Server from '@simplewebauthn/server'
import type * as Helpers from '@simplewebauthn/server/helpers'
import { WebAuthnUnavailableError } from './errors.js'

export interface SimpleWebAuthn {
  server: typeof Server
  helpers: typeof Helpers
}

export type LibraryImporter = () => Promise<SimpleWebAuthn>

const PACKAGE = '@simplewebauthn/server'

// A dynamic import keeps the bundled `/testing` entry from requiring the package at load time.
const importLibrary: LibraryImporter = async () => {
  const [server, helpers] = await Promise.all([import('@simplewebauthn/server'), import('@simplewebauthn/server/helpers')])
  return { server, helpers }
}

const loaded = new WeakMap<LibraryImporter, SimpleWebAuthn>()

/**
 * The library, imported once. A failed import is not remembered, so installing the package mid-session
 * works; the error names the package to install. `importer` replaces the import (tests).
 *
 * @example
 * const { server } = await loadSimpleWebAuthn()
 * await server.verifyAuthenticationResponse({ … })
 */
export async function loadSimpleWebAuthn(importer: LibraryImporter = importLibrary): Promise<SimpleWebAuthn> {
  const cached = loaded.get(importer)
  if (cached) return cached
  try {
    const library = await importer()
    loaded.set(importer, library)
    return library
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new WebAuthnUnavailableError(
      `WebAuthn verification needs the optional package ${PACKAGE}; install it (npm i -D ${PACKAGE}) to use WebAuthn factors or passkeys. (${reason})`,
    )
  }
}
