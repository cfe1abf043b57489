/**
 * The CBOR subset WebAuthn authenticators write (RFC 8949): unsigned and negative integers, byte and text
 * strings, arrays and maps with integer or text keys. Maps keep the caller's key order, so the caller
 * decides the canonical order (attestation objects: `fmt`, `attStmt`, `authData`; COSE keys: 1, 3, -1, …).
 *
 * @example
 * encodeCbor(new Map<CborKey, CborValue>([[1, 2], [3, -7]]))   // a2 01 02 03 26
 */

export type CborKey = number | string
export type CborValue = number | string | Uint8Array | CborValue[] | Map<CborKey, CborValue>

/** A major type's head: the type in the top three bits, the argument inline or in 1, 2, 4 or 8 bytes. */
function head(major: number, argument: number): Uint8Array {
  const type = major << 5
  if (argument < 24) return Uint8Array.of(type | argument)
  if (argument < 0x100) return Uint8Array.of(type | 24, argument)
  if (argument < 0x10000) return Uint8Array.of(type | 25, argument >> 8, argument & 0xff)
  if (argument < 0x100000000) {
    const out = new Uint8Array(5)
    out[0] = type | 26
    new DataView(out.buffer).setUint32(1, argument)
    return out
  }
  const out = new Uint8Array(9)
  out[0] = type | 27
  new DataView(out.buffer).setBigUint64(1, BigInt(argument))
  return out
}

function parts(value: CborValue, out: Uint8Array[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`CBOR: only integers are supported, got ${value}`)
    out.push(value >= 0 ? head(0, value) : head(1, -1 - value))
  } else if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value)
    out.push(head(3, bytes.length), bytes)
  } else if (value instanceof Uint8Array) {
    out.push(head(2, value.length), value)
  } else if (Array.isArray(value)) {
    out.push(head(4, value.length))
    for (const item of value) parts(item, out)
  } else {
    out.push(head(5, value.size))
    for (const [key, item] of value) {
      parts(key, out)
      parts(item, out)
    }
  }
}

/**
 * Encodes `value` as definite-length CBOR.
 *
 * @example
 * encodeCbor(new Map<CborKey, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: Uint8Array[] = []
  parts(value, out)
  const total = out.reduce((n, p) => n + p.length, 0)
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const p of out) {
    bytes.set(p, offset)
    offset += p.length
  }
  return bytes
}
