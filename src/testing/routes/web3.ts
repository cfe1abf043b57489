/**
 * `grant_type=web3`: sign-in with a wallet, which this server does not offer. It fails the way GoTrue fails
 * with both chains off (its default), so clients see the real error code (contract §4.3).
 * @module
 */
import { unprocessable, type Reply } from '../server/respond.js'

/** Both chains are off, which GoTrue checks before reading the body. */
export function web3Grant(): Reply {
  throw unprocessable('Web3 provider is disabled', 'web3_provider_disabled')
}
