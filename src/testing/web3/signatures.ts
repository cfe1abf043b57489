/**
 * Checking a wallet's signature over a sign-in message, as GoTrue does. Ethereum: the `personal_sign`
 * signature `r‖s‖v` recovers a public key from the EIP-191 hash of the message; its address must be the
 * message's (compared without regard to case). Solana: the ed25519 signature must verify under the
 * public key the base58 address decodes to.
 *
 * Where GoTrue's Go code panics (a signature that is not `0x` hex, a key it cannot recover, an address that
 * is not a 32-byte key), the server answers a bare 500; these throw {@link SignaturePanic} for that.
 * @module
 */
import { base58Decode } from '../crypto/base58.js'
import type { Noble } from './library.js'

/** A case GoTrue does not handle: its handler panics and the request ends in a 500. */
export class SignaturePanic extends Error {
  override readonly name = 'SignaturePanic'
}

function hexBytes(hex: string): Uint8Array {
  if (!hex.startsWith('0x') || !/^[0-9a-fA-F]*$/.test(hex.slice(2))) throw new SignaturePanic('siwe: signature must be a 65-byte hex string')
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}

/**
 * The EIP-191 `personal_sign` digest: keccak-256 of `"\x19Ethereum Signed Message:\n" + byte length + message`.
 *
 * @example
 * const digest = personalMessageHash(noble, message)
 */
export function personalMessageHash(noble: Noble, message: string): Uint8Array {
  const bytes = new TextEncoder().encode(message)
  const prefix = new TextEncoder().encode(`\x19Ethereum Signed Message:\n${bytes.length}`)
  const data = new Uint8Array(prefix.length + bytes.length)
  data.set(prefix)
  data.set(bytes, prefix.length)
  return noble.keccak_256(data)
}

/**
 * The address (`0x` + 40 lower-case hex) of an uncompressed secp256k1 public key.
 *
 * @example
 * ethereumAddress(noble, secp256k1.getPublicKey(secretKey, false))
 */
export function ethereumAddress(noble: Noble, publicKey: Uint8Array): string {
  return `0x${Buffer.from(noble.keccak_256(publicKey.subarray(1)).subarray(12)).toString('hex')}`
}

/**
 * Whether `signature` (`0x` + 130 hex) was made by `address` over `message`.
 *
 * @example
 * if (!verifyEthereum(noble, parsed.raw, body.signature, parsed.address)) throw invalidGrant(…)
 */
export function verifyEthereum(noble: Noble, message: string, signature: string, address: string): boolean {
  const sig = hexBytes(signature)
  // GoTrue takes v as 27/28 or 0/1, and libsecp256k1 refuses a recovery id above 3.
  const recovery = sig[64]! >= 27 ? sig[64]! - 27 : sig[64]!
  if (recovery > 3) throw new SignaturePanic('siwe: failed to recover public key: invalid signature recovery id')
  const recovered = new Uint8Array(65)
  recovered[0] = recovery
  recovered.set(sig.subarray(0, 64), 1)
  let publicKey: Uint8Array
  try {
    const point = noble.secp256k1.Signature.fromBytes(recovered, 'recovered').recoverPublicKey(personalMessageHash(noble, message))
    publicKey = point.toBytes(false)
  } catch (err) {
    throw new SignaturePanic(`siwe: failed to recover public key: ${err instanceof Error ? err.message : String(err)}`)
  }
  return ethereumAddress(noble, publicKey) === address.toLowerCase()
}

/**
 * Whether the 64-byte ed25519 `signature` over `message` verifies under the base58 `address`. RFC 8032's
 * strict rules (not ZIP-215), as Go's `crypto/ed25519`.
 *
 * @example
 * if (!verifySolana(noble, parsed.raw, signatureBytes, parsed.address)) throw invalidGrant(…)
 */
export function verifySolana(noble: Noble, message: string, signature: Uint8Array, address: string): boolean {
  const publicKey = base58Decode(address)
  if (publicKey.length !== 32) throw new SignaturePanic(`ed25519: bad public key length: ${publicKey.length}`)
  if (signature.length !== 64) return false
  try {
    return noble.ed25519.verify(signature, new TextEncoder().encode(message), publicKey, { zip215: false })
  } catch {
    // A key that is no curve point: Go's Verify answers false.
    return false
  }
}
