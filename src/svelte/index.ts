/**
 * `supabase-auth-machine/svelte`: the client in Svelte 5 and SvelteKit apps.
 *
 * - {@link authStores}: `state`, `status`, `session`, `user` as Svelte stores (`$status`, `get`, `fromStore`).
 * - {@link useAuth}: a reactive object (`.current`, `.status`, `.user`, `.session`) for runes code.
 * - {@link provideAuth} / {@link getAuthClient}: the client in component context, one per request on a
 *   server and one per tab in the browser, never a module-level singleton.
 *
 * `svelte` (≥ 5.7) is an optional peer dependency: only apps that import this entry need it, and the main
 * entry never imports it.
 *
 * @example
 * ```html
 * <script lang="ts">
 *   import { useAuth } from 'supabase-auth-machine/svelte'
 *   const auth = useAuth()
 * </script>
 * {#if auth.status === 'authenticated'}Signed in as {auth.user?.email}{/if}
 * ```
 * @module
 */
export { authStores, type AuthStore, type AuthStores } from './stores.js'
export { ReactiveAuth, useAuth } from './reactive.js'
export { getAuthClient, provideAuth } from './context.js'
