/**
 * The walk's only source of randomness: a seeded sfc32 generator. Every choice the walk makes (which action,
 * which tab, how far the clock jumps, which fault) is drawn from here, so a seed replays the same sequence
 * of steps. `Math.random` stays untouched: the chart's backoff jitter uses it, and replays do not depend on
 * the jitter because the walk moves the clock by amounts it chose itself.
 */

/** A 32-bit seed from a number or any string (the env var may hold either). */
export function seedFrom(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value >>> 0
  const text = String(value)
  if (/^\d+$/.test(text)) return Number(text) >>> 0
  // FNV-1a: a stable hash, so `SOAK_SEED=nightly` means the same walk everywhere.
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export class Prng {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(readonly seed: number) {
    this.#a = 0x9e3779b9
    this.#b = 0x243f6a88
    this.#c = 0xb7e15162
    this.#d = seed >>> 0
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 15; i += 1) this.next()
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Prng.pick: nothing to pick from')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** One of `entries`, each drawn in proportion to its weight (weights ≤ 0 never). */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0)
    if (total <= 0) throw new Error('Prng.weighted: every weight is zero')
    let roll = this.next() * total
    for (const [value, weight] of entries) {
      if (weight <= 0) continue
      roll -= weight
      if (roll < 0) return value
    }
    return entries.findLast(([, w]) => w > 0)![0]
  }
}
