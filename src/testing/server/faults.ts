/**
 * Fault hooks for reliability tests: make a matching request slow, fail, hang, lose its answer, or answer
 * garbage.
 * @module
 */

export type FaultAction =
  | { delay: number }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { dropAfterCommit: true }
  | { garbage: string; status?: number }

export interface FaultRule {
  method?: string
  /** Path after `/auth/v1`, e.g. `/token`; a RegExp matches e.g. `/factors/<id>/verify`. */
  path: string | RegExp
  /** Only for `/token`: the `grant_type` query value. */
  grantType?: string
  /** How many matching requests to affect; default unlimited. */
  times?: number
  action: FaultAction
}

export interface Faults {
  /** Installs a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void
  clear(): void
}

interface Installed {
  rule: FaultRule
  remaining: number
}

export interface FaultRegistry extends Faults {
  /** Takes the first matching rule (counting down `times`). */
  take(method: string, path: string, grantType: string | undefined): FaultAction | undefined
}

/**
 * @example
 * const remove = server.faults.add({ path: '/token', grantType: 'refresh_token', times: 1, action: { status: 503 } })
 */
export function createFaults(): FaultRegistry {
  let rules: Installed[] = []
  return {
    add(rule) {
      const installed: Installed = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }
      rules.push(installed)
      return () => {
        rules = rules.filter((r) => r !== installed)
      }
    },
    clear() {
      rules = []
    },
    take(method, path, grantType) {
      for (const r of rules) {
        const { rule } = r
        if (r.remaining <= 0) continue
        if (rule.method && rule.method.toUpperCase() !== method) continue
        if (typeof rule.path === 'string' ? rule.path !== path : !rule.path.test(path)) continue
        if (rule.grantType !== undefined && rule.grantType !== grantType) continue
        r.remaining -= 1
        return rule.action
      }
      return undefined
    },
  }
}
