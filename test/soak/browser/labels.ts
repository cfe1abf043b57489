/**
 * Short names for what reports mention: refresh tokens (by fingerprint) become `R1`, `R2`, … and server
 * sessions `S1`, `S2`, … in the order the walk first named them. Reports print only these, so a failure
 * message shows how tokens relate without showing any.
 */
import type { SessionRef } from './fingerprint.js'

/** Hands out the labels, first come first named. */
export class Labels {
  readonly #tokens = new Map<string, string>()
  readonly #sessions = new Map<string, string>()

  token(fp: string | undefined): string {
    if (fp === undefined) return 'none'
    let label = this.#tokens.get(fp)
    if (label === undefined) this.#tokens.set(fp, (label = `R${this.#tokens.size + 1}`))
    return label
  }

  session(id: string | undefined): string {
    if (id === undefined) return 'S?'
    let label = this.#sessions.get(id)
    if (label === undefined) this.#sessions.set(id, (label = `S${this.#sessions.size + 1}`))
    return label
  }

  /** `R4/S2`, or `none`. */
  ref(ref: SessionRef | null | undefined): string {
    return ref ? `${this.token(ref.fp)}/${this.session(ref.sessionId)}` : 'none'
  }
}
