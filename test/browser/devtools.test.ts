/**
 * The devtools panel in a real browser (Debian's chromium, headless), with no network beyond 127.0.0.1:
 * the highlighted shape of the chart follows the client's status through a sign-in and a sign-out, each
 * in-flight status held long enough to look at, and the last auth events are listed. The page records
 * every highlight the panel's DOM showed, so the full sequence is checked, not just the resting points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, SKIP_NOTE } from '../support/browser/browser-harness.js'
import { openDevtoolsWorld, type DevtoolsWorld } from '../support/browser/devtools-harness.js'

const PASSWORD = 'correct-horse-battery'
/** The highlighted outline of `panel-style.ts` (#b45309), as computed style reports it. */
const LIT_STROKE = 'rgb(180, 83, 9)'

describe.skipIf(!hasChromium)(`the devtools panel in a browser${SKIP_NOTE}`, () => {
  let world: DevtoolsWorld

  beforeAll(async () => {
    world = await openDevtoolsWorld()
  })
  afterAll(() => world?.close())

  it('moves the highlight with the status and lists the events, offline', async () => {
    const email = `devtools-${Date.now().toString(36)}-${process.pid}@example.com`
    await world.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const { page, d } = await world.open()
    const shows = (status: string) =>
      page.waitForFunction(
        ([d, status]) => {
          const now = d.read()
          return now.status === status && now.lit.length > 0 && now.lit.every((name) => name === status)
        },
        [d, status] as const,
      )

    await shows('signedOut')
    expect(await d.evaluate((d) => d.read().events)).toEqual(['INITIAL_SESSION'])

    await d.evaluate((d, credentials) => {
      d.hold()
      d.start((auth) => auth.signInWithPassword(credentials))
    }, { email, password: PASSWORD })
    await shows('signingIn')
    expect(await d.evaluate((d) => d.read().stroke)).toBe(LIT_STROKE)
    // The box is the status; the step inside it is marked too.
    expect(await d.evaluate((d) => d.read().steps)).toEqual(['credentials'])
    await d.evaluate((d) => {
      d.release()
      return d.settle()
    })
    await shows('authenticated')
    expect(await d.evaluate((d) => d.read().stroke)).toBe(LIT_STROKE)

    await d.evaluate((d) => {
      d.hold()
      d.start((auth) => auth.signOut())
    })
    await shows('signingOut')
    await d.evaluate((d) => {
      d.release()
      return d.settle()
    })
    await shows('signedOut')

    expect(await d.evaluate((d) => d.lit)).toEqual(['initializing', 'signedOut', 'signingIn', 'authenticated', 'signingOut', 'signedOut'])
    expect(await d.evaluate((d) => d.read().events)).toEqual(['SIGNED_OUT', 'SIGNED_IN', 'INITIAL_SESSION'])
    expect(await d.evaluate((d) => d.shortList())).toEqual(['SIGNED_OUT'])
    // Nothing of the session is on the page: the panel lists names and times only.
    const text = await d.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('[data-sam-devtools]')].map((host) => host.shadowRoot?.innerHTML ?? '').join(''))
    expect(text.includes(email), 'the panel shows the user').toBe(false)

    expect(world.refused).toEqual([])
    expect(world.requests.length).toBeGreaterThan(0)
    expect(world.requests.every((url) => new URL(url).hostname === '127.0.0.1')).toBe(true)

    await d.evaluate((d) => d.unmount())
    expect(await page.evaluate(() => document.querySelectorAll('[data-sam-devtools]').length)).toBe(0)
  })
})
