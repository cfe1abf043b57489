/**
 * A software WebAuthn authenticator for tests: it makes real key pairs (P-256 or RSA 2048) and answers
 * registrations and assertions exactly as a platform authenticator would, so a server verifies them with
 * an ordinary WebAuthn library. `register`/`authenticate` speak the JSON forms; `container()` stands in
 * for `navigator.credentials`, with the prompt outcomes a browser has (cancelled, left open, aborted).
 *
 * @example
 * const key = new SoftAuthenticator({ origin: 'http://localhost:3000' })
 * const registration = key.register(options.publicKey)            // send as credential_response
 * const assertion = key.authenticate(requestOptions)              // counter 1, then 2, …
 * const credentials = key.container()                             // for code that calls navigator.credentials
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'
import { encodeCbor, type CborKey, type CborValue } from './cbor.js'

export type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON }

export interface SoftAuthenticatorOptions {
  /** The origin written into clientDataJSON (e.g. 'http://localhost:3000'). */
  origin: string
  /** Key type of new credentials: 'ES256' (P-256, COSE alg -7, default) or 'RS256' (RSA 2048, alg -257). */
  alg?: 'ES256' | 'RS256'
  /** Attestation statement format: 'none' (default) or 'packed' (self attestation, signed with the credential key). */
  attestation?: 'none' | 'packed'
  /** The authenticator model it claims (AAGUID, UUID form); default all zeros, i.e. not saying. */
  aaguid?: string
}

export interface SoftCredential {
  /** Base64url. */
  id: string
  rpId: string
  /** Base64url of `user.id` from the registration options. */
  userHandle: string
  signCount: number
  alg: 'ES256' | 'RS256'
}

/** What a `navigator.credentials` stand-in offers: the two calls, plus the prompt outcomes a test sets up. */
export interface SoftCredentialsContainer {
  create(options: CredentialCreationOptions): Promise<Credential | null>
  get(options: CredentialRequestOptions): Promise<Credential | null>
  /** The next call rejects with `NotAllowedError`, as when the user cancels the prompt. */
  refuseNext(): void
  /** The next call waits until its signal aborts, as a prompt left open. */
  holdNext(): void
}

const COSE_ALG = { ES256: -7, RS256: -257 } as const
const FLAG_UP = 0x01
const FLAG_UV = 0x04
const FLAG_AT = 0x40
const TRANSPORTS = ['internal']

interface Held {
  info: SoftCredential
  privateKey: KeyObject
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest()

function counterBytes(count: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(count >>> 0)
  return out
}

function aaguidBytes(aaguid: string | undefined): Buffer {
  return aaguid ? Buffer.from(aaguid.replaceAll('-', ''), 'hex') : Buffer.alloc(16)
}

/** A new key pair and its public key as a COSE key map. */
function newKey(alg: 'ES256' | 'RS256'): { privateKey: KeyObject; cose: Uint8Array } {
  if (alg === 'ES256') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const cose = new Map<CborKey, CborValue>([
      [1, 2], // kty: EC2
      [3, COSE_ALG.ES256],
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x ?? '', 'base64url')],
      [-3, Buffer.from(jwk.y ?? '', 'base64url')],
    ])
    return { privateKey, cose: encodeCbor(cose) }
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' })
  const cose = new Map<CborKey, CborValue>([
    [1, 3], // kty: RSA
    [3, COSE_ALG.RS256],
    [-1, Buffer.from(jwk.n ?? '', 'base64url')],
    [-2, Buffer.from(jwk.e ?? '', 'base64url')],
  ])
  return { privateKey, cose: encodeCbor(cose) }
}

/** ECDSA signatures are DER, as WebAuthn wants them; RSA ones PKCS #1 v1.5. */
function signWith(privateKey: KeyObject, data: Uint8Array): Buffer {
  return sign('sha256', data, privateKey)
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8')
}

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name)
}

export class SoftAuthenticator {
  readonly #options: SoftAuthenticatorOptions
  readonly #held: Held[] = []

  constructor(options: SoftAuthenticatorOptions) {
    this.#options = options
  }

  /** Every credential made so far, oldest first (snapshots). */
  get credentials(): readonly SoftCredential[] {
    return this.#held.map((h) => ({ ...h.info }))
  }

  /**
   * `navigator.credentials.create` over JSON. Honors `excludeCredentials` (throws `InvalidStateError`
   * when it holds one of them) and `pubKeyCredParams` (throws `NotSupportedError` without its key type).
   */
  register(options: PublicKeyCredentialCreationOptionsJSON, overrides: { origin?: string; challenge?: string } = {}): RegistrationResponseJSON {
    const origin = overrides.origin ?? this.#options.origin
    const rpId = options.rp.id ?? new URL(origin).hostname
    const excluded = new Set((options.excludeCredentials ?? []).map((d) => d.id))
    if (this.#held.some((h) => h.info.rpId === rpId && excluded.has(h.info.id))) {
      throw domError('InvalidStateError', 'The authenticator already holds one of the excluded credentials.')
    }
    const alg = this.#options.alg ?? 'ES256'
    if (!options.pubKeyCredParams.some((p) => p.alg === COSE_ALG[alg])) {
      throw domError('NotSupportedError', `The relying party does not accept ${alg} keys.`)
    }
    const { privateKey, cose } = newKey(alg)
    const credentialId = randomBytes(32)
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(credentialId.length)
    const authData = Buffer.concat([
      sha256(rpId),
      Uint8Array.of(FLAG_UP | FLAG_UV | FLAG_AT),
      counterBytes(0),
      aaguidBytes(this.#options.aaguid),
      idLength,
      credentialId,
      cose,
    ])
    const clientDataJSON = clientData('webauthn.create', overrides.challenge ?? options.challenge, origin)
    const packed = this.#options.attestation === 'packed'
    const attStmt = packed
      ? new Map<CborKey, CborValue>([
          ['alg', COSE_ALG[alg]],
          ['sig', signWith(privateKey, Buffer.concat([authData, sha256(clientDataJSON)]))],
        ])
      : new Map<CborKey, CborValue>()
    const attestationObject = encodeCbor(
      new Map<CborKey, CborValue>([
        ['fmt', packed ? 'packed' : 'none'],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    )
    const id = b64url(credentialId)
    this.#held.push({ info: { id, rpId, userHandle: options.user.id, signCount: 0, alg }, privateKey })
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: [...TRANSPORTS] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /**
   * `navigator.credentials.get` over JSON: the newest matching credential signs. `signCount` reports that
   * counter instead of the next one (a cloned authenticator) and leaves the stored counter as it was.
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: { origin?: string; challenge?: string; signCount?: number } = {},
  ): AuthenticationResponseJSON {
    const origin = overrides.origin ?? this.#options.origin
    const rpId = options.rpId ?? new URL(origin).hostname
    const allowed = new Set((options.allowCredentials ?? []).map((d) => d.id))
    const held = this.#held.filter((h) => h.info.rpId === rpId && (allowed.size === 0 || allowed.has(h.info.id))).at(-1)
    if (!held) throw domError('NotAllowedError', 'No credential of this authenticator matches the request.')
    let count = overrides.signCount
    if (count === undefined) count = ++held.info.signCount
    const authenticatorData = Buffer.concat([sha256(rpId), Uint8Array.of(FLAG_UP | FLAG_UV), counterBytes(count)])
    const clientDataJSON = clientData('webauthn.get', overrides.challenge ?? options.challenge, origin)
    const signature = signWith(held.privateKey, Buffer.concat([authenticatorData, sha256(clientDataJSON)]))
    return {
      id: held.info.id,
      rawId: held.info.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: held.info.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /**
   * A stand-in for `navigator.credentials` over this authenticator's keys. `overrides.origin` makes it
   * answer as if the page were another origin (a phishing page), with the same keys.
   */
  container(overrides: { origin?: string } = {}): SoftCredentialsContainer {
    let next: 'refuse' | 'hold' | undefined
    const run = (signal: AbortSignal | undefined, work: () => Credential): Promise<Credential | null> =>
      new Promise((resolve, reject) => {
        const abort = (): void => reject(domError('AbortError', 'The operation was aborted.'))
        if (signal?.aborted) return abort()
        const outcome = next
        next = undefined
        if (outcome === 'refuse') return reject(domError('NotAllowedError', 'The operation either timed out or was not allowed.'))
        if (outcome === 'hold') return void signal?.addEventListener('abort', abort, { once: true })
        // A browser answers after the prompt, never synchronously: an abort right after the call lands
        // first. A microtask rather than a timer keeps this working under fake timers.
        queueMicrotask(() => {
          if (signal?.aborted) return abort()
          try {
            resolve(work())
          } catch (err) {
            reject(err)
          }
        })
      })
    return {
      create: (options) => {
        const publicKey = options.publicKey
        if (!publicKey) return Promise.reject(new TypeError('publicKey options are required'))
        return run(options.signal ?? undefined, () => registrationCredential(this.register(creationJSON(publicKey), overrides)))
      },
      get: (options) => {
        const publicKey = options.publicKey
        if (!publicKey) return Promise.reject(new TypeError('publicKey options are required'))
        return run(options.signal ?? undefined, () => assertionCredential(this.authenticate(requestJSON(publicKey), overrides)))
      },
      refuseNext: () => void (next = 'refuse'),
      holdNext: () => void (next = 'hold'),
    }
  }
}

function fromSource(source: BufferSource): string {
  const view = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
  return b64url(view)
}

function toBuffer(base64url: string): ArrayBuffer {
  return Uint8Array.from(Buffer.from(base64url, 'base64url')).buffer
}

function creationJSON(o: PublicKeyCredentialCreationOptions): PublicKeyCredentialCreationOptionsJSON {
  return {
    rp: { name: o.rp.name, ...(o.rp.id === undefined ? {} : { id: o.rp.id }) },
    user: { id: fromSource(o.user.id), name: o.user.name, displayName: o.user.displayName },
    challenge: fromSource(o.challenge),
    pubKeyCredParams: o.pubKeyCredParams.map((p) => ({ type: 'public-key', alg: p.alg })),
    excludeCredentials: (o.excludeCredentials ?? []).map((d) => ({ type: 'public-key', id: fromSource(d.id) })),
  }
}

function requestJSON(o: PublicKeyCredentialRequestOptions): PublicKeyCredentialRequestOptionsJSON {
  return {
    challenge: fromSource(o.challenge),
    ...(o.rpId === undefined ? {} : { rpId: o.rpId }),
    allowCredentials: (o.allowCredentials ?? []).map((d) => ({ type: 'public-key', id: fromSource(d.id) })),
  }
}

/** The `PublicKeyCredential` a browser returns from `create`, with `toJSON()` giving `json` back. */
function registrationCredential(json: RegistrationResponseJSON): Credential {
  const transports = json.response.transports ?? []
  const credential = {
    id: json.id,
    rawId: toBuffer(json.rawId),
    type: 'public-key',
    authenticatorAttachment: json.authenticatorAttachment ?? null,
    response: {
      clientDataJSON: toBuffer(json.response.clientDataJSON),
      attestationObject: toBuffer(json.response.attestationObject),
      getTransports: (): string[] => [...transports],
    },
    getClientExtensionResults: (): AuthenticationExtensionsClientOutputs => ({}),
    toJSON: (): RegistrationResponseJSON => json,
  }
  return credential
}

/** The `PublicKeyCredential` a browser returns from `get`, with `toJSON()` giving `json` back. */
function assertionCredential(json: AuthenticationResponseJSON): Credential {
  const { userHandle } = json.response
  const credential = {
    id: json.id,
    rawId: toBuffer(json.rawId),
    type: 'public-key',
    authenticatorAttachment: json.authenticatorAttachment ?? null,
    response: {
      clientDataJSON: toBuffer(json.response.clientDataJSON),
      authenticatorData: toBuffer(json.response.authenticatorData),
      signature: toBuffer(json.response.signature),
      userHandle: userHandle === undefined ? null : toBuffer(userHandle),
    },
    getClientExtensionResults: (): AuthenticationExtensionsClientOutputs => ({}),
    toJSON: (): AuthenticationResponseJSON => json,
  }
  return credential
}
