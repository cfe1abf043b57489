/**
 * The rule tests run under both of GoTrue's refresh-token algorithms, each against a server of its own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { REFRESH_ALGORITHMS, targetRefreshAlgorithm, type RefreshAlgorithm } from './server-helpers.js'
import { openTarget, realGotrue, type Target } from './target.js'

/**
 * Declares `body` once per algorithm; `useTarget` receives each variant's target before its tests run. A
 * real server runs only one algorithm, so there the other variant's tests are skipped with the reason.
 */
export function forEachRefreshAlgorithm(useTarget: (target: Target) => void, body: () => void): void {
  describe.each(REFRESH_ALGORITHMS)('with $algorithm refresh tokens', ({ algorithm, options }) => {
    let target: Target | undefined
    let serverAlgorithm: RefreshAlgorithm = algorithm
    beforeAll(async () => {
      target = await openTarget(options)
      useTarget(target)
      if (realGotrue) serverAlgorithm = await targetRefreshAlgorithm(target)
    })
    afterAll(() => target?.close())
    beforeEach((ctx) => {
      ctx.skip(serverAlgorithm !== algorithm, `the server runs the ${serverAlgorithm} algorithm`)
    })

    it('runs against a server issuing tokens of this algorithm', async () => {
      expect(await targetRefreshAlgorithm(target!)).toBe(algorithm)
    })

    body()
  })
}
