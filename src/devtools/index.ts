/**
 * `supabase-auth-machine/devtools`: a development panel that draws the client's lifecycle chart with the
 * current status highlighted live and the last auth events listed. Self-contained (the chart is embedded),
 * so it works offline; its own entry, so the main one never carries the ~8 KB drawing.
 *
 * @example
 * ```ts
 * import { mountLifecyclePanel } from 'supabase-auth-machine/devtools'
 * const unmount = mountLifecyclePanel(auth, document.querySelector('#auth-devtools')!)
 * ```
 * @module
 */
export { mountLifecyclePanel } from './panel.js'
export type { LifecyclePanelOptions } from './panel.js'
