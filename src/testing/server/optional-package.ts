/**
 * Loading the optional peer dependencies of `/testing` (`@simplewebauthn/server` for WebAuthn, `@noble/*`
 * for web3) on first use. The local server starts without them; only the routes that check a signature
 * need them, and a missing one becomes a 500 that says what to install, as the route chooses to word it.
 * @module
 */

/** The import, replaceable in tests. */
export type Importer<T> = () => Promise<T>

/** An optional package that is not installed; `message` says which and how to install it. */
export class OptionalPackageMissing extends Error {
  override readonly name = 'OptionalPackageMissing'
}

/**
 * Imports once per importer and keeps the result; a failed import is not remembered, so installing the
 * package while a server runs works.
 *
 * @example
 * const loadLibrary = optionalPackage(() => import('@noble/hashes/sha3.js'), 'web3 sign-in', ['@noble/hashes'])
 * const { keccak_256 } = await loadLibrary()
 */
export function optionalPackage<T>(defaultImporter: Importer<T>, feature: string, packages: readonly string[]): (importer?: Importer<T>) => Promise<T> {
  const loaded = new WeakMap<Importer<T>, T>()
  return async (importer = defaultImporter) => {
    const cached = loaded.get(importer)
    if (cached !== undefined) return cached
    try {
      const library = await importer()
      loaded.set(importer, library)
      return library
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      const names = packages.join(' and ')
      throw new OptionalPackageMissing(`${feature} needs the optional ${packages.length > 1 ? 'packages' : 'package'} ${names}; install ${packages.length > 1 ? 'them' : 'it'} (npm i -D ${packages.join(' ')}) to use it. (${reason})`)
    }
  }
}
