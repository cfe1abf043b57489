/**
 * Reads the auth server's address from `/config.json` (served next to the app, so one build runs against
 * any server), then starts the app.
 */
import { bootstrapApplication } from '@angular/platform-browser'
import { App } from './app/app'
import { appConfig, type RuntimeConfig } from './app/app.config'

async function main(): Promise<void> {
  const response = await fetch('/config.json', { cache: 'no-store' })
  if (!response.ok) throw new Error(`GET /config.json answered ${response.status}`)
  const config = (await response.json()) as RuntimeConfig
  await bootstrapApplication(App, appConfig(config))
}

main().catch((error: unknown) => {
  document.body.textContent = `The app could not start: ${error instanceof Error ? error.message : String(error)}`
})
