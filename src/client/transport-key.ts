/**
 * How companion entries (`supabase-auth-machine/jwt`) reach a client's transport without it being public
 * API. `Symbol.for` gives the same key in every bundle that holds a copy of this module.
 * @module
 */
export const TRANSPORT: unique symbol = Symbol.for('supabase-auth-machine.transport')
