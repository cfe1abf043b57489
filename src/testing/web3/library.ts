/**
 * Loads `@noble/curves` and `@noble/hashes` on first use. They are optional peer dependencies of the
 * package: the local server starts without them, and only a web3 grant that gets as far as checking a
 * signature needs them.
 * @module
 */
import type { ed25519 as Ed25519 } from '@noble/curves/ed25519.js'
import type { secp256k1 as Secp256k1 } from '@noble/curves/secp256k1.js'
import type { keccak_256 as Keccak256 } from '@noble/hashes/sha3.js'
import { optionalPackage, type Importer } from '../server/optional-package.js'

export interface Noble {
  secp256k1: typeof Secp256k1
  ed25519: typeof Ed25519
  keccak_256: typeof Keccak256
}

/** Dynamic imports keep the bundled `/testing` entry from requiring the packages at load time. */
const importNoble: Importer<Noble> = async () => {
  const [curvesK1, curvesEd, hashes] = await Promise.all([
    import('@noble/curves/secp256k1.js'),
    import('@noble/curves/ed25519.js'),
    import('@noble/hashes/sha3.js'),
  ])
  return { secp256k1: curvesK1.secp256k1, ed25519: curvesEd.ed25519, keccak_256: hashes.keccak_256 }
}

/**
 * The libraries, imported once; the error of a missing one names what to install. An importer replaces the
 * import (tests).
 *
 * @example
 * const { secp256k1, keccak_256 } = await loadNoble()
 */
export const loadNoble = optionalPackage(importNoble, 'Checking wallet signatures (web3 sign-in)', ['@noble/curves', '@noble/hashes'])
