/**
 * Options for Web3 sign-in (`grant_type=web3`), named after GoTrue's settings. Both chains are off by
 * default, as on GoTrue. Checking a wallet's signature needs the optional packages `@noble/curves` and
 * `@noble/hashes`; only a web3 grant loads them.
 * @module
 */

export interface Web3Options {
  /**
   * Sign-In with Ethereum, GoTrue `EXTERNAL_WEB3_ETHEREUM_ENABLED`; default false. With both chains off,
   * every web3 grant answers `422 web3_provider_disabled` "Web3 provider is disabled"; with this one off,
   * an Ethereum grant answers it with "Ethereum Web3 provider is disabled".
   *
   * @example
   * const server = await startAuthServer({ web3Ethereum: true, web3Solana: true })
   */
  web3Ethereum?: boolean
  /** Sign-In with Solana, GoTrue `EXTERNAL_WEB3_SOLANA_ENABLED`; default false. */
  web3Solana?: boolean
  /**
   * Seconds a signed message stays usable after its `Issued At` (and how far ahead of the server's clock
   * it may be issued), GoTrue `EXTERNAL_WEB3_<CHAIN>_MAXIMUM_VALIDITY_DURATION`, one value for both
   * chains here; default 600.
   */
  web3MaximumValidity?: number
}

export interface Web3Config {
  web3Ethereum: boolean
  web3Solana: boolean
  web3MaximumValidity: number
}

/**
 * Fills the Web3 options with their defaults.
 *
 * @example
 * resolveWeb3Options({ web3Solana: true }).web3MaximumValidity   // 600
 */
export function resolveWeb3Options(o: Web3Options): Web3Config {
  return {
    web3Ethereum: o.web3Ethereum ?? false,
    web3Solana: o.web3Solana ?? false,
    web3MaximumValidity: o.web3MaximumValidity ?? 600,
  }
}
