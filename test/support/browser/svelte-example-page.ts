/**
 * The Svelte example's screens as the browser test drives them: what a user types and clicks, and what
 * the page shows (the status line, the signed-in address, the QR code), never the app's internals.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

/** Screenshots of the key screens, for a person to look at (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/svelte/', import.meta.url))

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Waits until the status line shows `status`. */
export async function statusShown(page: Page, status: string): Promise<void> {
  await page.locator(`#status[data-status="${status}"]`).waitFor()
}

/** The status line's trail of recent statuses, e.g. `signedOut → signingIn → authenticated`. */
export async function trail(page: Page): Promise<string[]> {
  return (await page.locator('#status-trail').innerText()).split(' → ').map((s) => s.trim())
}

export async function fillCredentials(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
}

/** The TOTP secret the enrolment screen shows under its QR code. */
export async function enrolmentSecret(page: Page): Promise<string> {
  return (await page.locator('#totp-secret').innerText()).trim()
}

/** Whether the QR code image decoded (an SVG data URI with a real size). */
export async function qrCodeLoaded(page: Page): Promise<boolean> {
  return page.locator('#totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith('data:image/'))
}
