/**
 * The rig of a model path (see `test/support/rig.ts`), able to start the client under test as an app
 * opened at a callback URL: what a provider or an emailed link sent the browser back to.
 */
import { createAuthClient, type AuthClient } from '../../src/index.js'
import { Rig, STORAGE_KEY } from '../support/rig.js'

export class ModelRig extends Rig {
  #landed: AuthClient | undefined

  /**
   * Creates the client under test as `Rig.start` does, opened at `pageUrl` (read as the page's URL) with
   * `flowType`: PKCE (what the rest of the paths use) or implicit (tokens come back in the fragment).
   */
  startAt(pageUrl: string, flowType: 'pkce' | 'implicit'): AuthClient {
    this.#landed = createAuthClient({
      url: this.env.url,
      apiKey: this.env.anonKey,
      storage: this.storage,
      storageKey: STORAGE_KEY,
      clock: this.clock,
      fetch: this.http.fetch,
      storageTimeoutMs: Number.POSITIVE_INFINITY,
      inspect: this.recorder.observe,
      redactInspection: false,
      pageUrl,
      flowType,
    })
    return this.#landed
  }

  override get auth(): AuthClient {
    return this.#landed ?? super.auth
  }

  override dispose(): void {
    this.#landed?.dispose()
    super.dispose()
  }
}
