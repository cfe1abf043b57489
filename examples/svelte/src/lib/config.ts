/** Where the auth server is, read at start-up so one build runs against any server. */
export interface AuthConfig {
  url: string
  anonKey: string
}

/**
 * `/auth-config.json`, served next to the app (by `npm run dev` / `npm run preview`, or by whatever serves
 * the build). A real deployment would write its project URL and anon key there, or use Vite env variables.
 */
export async function loadConfig(): Promise<AuthConfig> {
  const response = await fetch('/auth-config.json', { cache: 'no-store' })
  if (!response.ok) throw new Error(`GET /auth-config.json answered ${response.status}`)
  const config = (await response.json()) as Partial<AuthConfig>
  if (typeof config.url !== 'string' || typeof config.anonKey !== 'string') throw new Error('/auth-config.json needs "url" and "anonKey"')
  return { url: config.url, anonKey: config.anonKey }
}
