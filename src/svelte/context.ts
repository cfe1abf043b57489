/**
 * The client in Svelte's component context, so that nothing holds it at module level: a module-level
 * client on a SvelteKit server is shared by every request, and one user's session would be rendered for
 * the next. Created in the root layout's script, the client lives exactly as long as that component: once
 * per request on the server (each server render runs the script again, and `onDestroy` runs when the
 * render ends), once per tab in the browser (the root layout stays mounted across navigations).
 * @module
 */
import { getContext, hasContext, onDestroy, setContext } from 'svelte'
import type { AuthClient } from '../client/auth-client.js'

// `Symbol.for`, not `Symbol()`: a dev server that loads this module twice (pre-bundled and not) still
// finds the client a parent provided. The key is a name, not state: the client is in each render's context.
const AUTH_CONTEXT = Symbol.for('supabase-auth-machine/svelte:auth-client')

/**
 * Creates the client with `create`, makes it the one `getAuthClient()`, `useAuth()` and `authStores()`
 * find below this component, and disposes it when the component is destroyed (on a server: when the
 * render ends, so no timer of a request's client outlives it). Call it during component initialisation,
 * in the root `+layout.svelte`; pass a factory rather than a client made at module level.
 *
 * @example
 * ```html
 * <!-- src/routes/+layout.svelte -->
 * <script lang="ts">
 *   import { createAuthClient } from 'supabase-auth-machine'
 *   import { provideAuth } from 'supabase-auth-machine/svelte'
 *   import { PUBLIC_AUTH_URL, PUBLIC_ANON_KEY } from '$env/static/public'
 *   let { children } = $props()
 *   provideAuth(() => createAuthClient({ url: PUBLIC_AUTH_URL, apiKey: PUBLIC_ANON_KEY }))
 * </script>
 * {@render children()}
 * ```
 */
export function provideAuth(create: () => AuthClient): AuthClient {
  const auth = create()
  setContext(AUTH_CONTEXT, auth)
  onDestroy(() => auth.dispose())
  return auth
}

/**
 * The client a parent component provided with {@link provideAuth}. Call it during component
 * initialisation (like Svelte's `getContext`); throws when no parent provided one.
 *
 * @example
 * ```html
 * <script lang="ts">
 *   import { getAuthClient } from 'supabase-auth-machine/svelte'
 *   const auth = getAuthClient()
 * </script>
 * <button onclick={() => auth.signOut()}>Sign out</button>
 * ```
 */
export function getAuthClient(): AuthClient {
  const auth = hasContext(AUTH_CONTEXT) ? getContext<AuthClient | undefined>(AUTH_CONTEXT) : undefined
  if (auth === undefined) {
    throw new Error('No auth client in the component context: call provideAuth(() => createAuthClient(…)) in a parent component, e.g. the root +layout.svelte')
  }
  return auth
}
