/**
 * Captured emails and SMS. Nothing is delivered: each message keeps its OTP and token hash so a test can
 * finish the flow with `/verify`, exactly as a user would from the email.
 * @module
 */

export type MessageType =
  | 'signup'
  | 'invite'
  | 'magiclink'
  | 'recovery'
  | 'email_change'
  | 'email_change_current'
  | 'email_change_new'
  | 'reauthentication'
  | 'sms'
  | 'phone_change'

export interface OutboxMessage {
  id: number
  channel: 'email' | 'sms'
  /** How an SMS-type message went out: `whatsapp` when a phone-factor challenge asked for it. */
  via?: 'sms' | 'whatsapp'
  /** Lower-cased email, or phone digits without `+`. */
  to: string
  type: MessageType
  otp: string
  /** The hash the link carries: `hex(SHA-224(address + otp))`, prefixed `pkce_` for PKCE flows. */
  tokenHash: string
  /** Email confirmation link (`<url>/verify?token=…&type=…&redirect_to=…`); absent for SMS and nonces. */
  link?: string
  /** Server clock, milliseconds. */
  sentAt: number
  /**
   * What GoTrue would have posted to a Send SMS hook for this message (`GOTRUE_HOOK_SEND_SMS_URI`), so a
   * test of a hook handler can be fed the real shape. Set for phone-factor challenges.
   */
  smsHook?: SendSmsHookPayload
}

/** GoTrue's Send SMS hook input (`v0hooks.SendSMSInput`). */
export interface SendSmsHookPayload {
  metadata: { uuid: string; time: string; name: 'send-sms'; ip_address: string }
  user: Record<string, unknown>
  sms: { otp: string; sms_type: 'mfa' | 'signup' | 'phone_change' | 'recovery'; phone: string }
}

export interface Outbox extends Iterable<OutboxMessage> {
  readonly length: number
  all(): OutboxMessage[]
  /** Newest message to an address (email, or phone with or without `+`), optionally of one type. */
  latest(to: string, type?: MessageType): OutboxMessage | undefined
  clear(): void
  /** Calls `listener` for each new message; returns an unsubscribe function. */
  subscribe(listener: (message: OutboxMessage) => void): () => void
}

export interface OutboxWriter extends Outbox {
  push(message: Omit<OutboxMessage, 'id'>): OutboxMessage
}

/** An address as the outbox stores it, so `latest` finds `Ada@Example.com` and `+1 555…` alike. */
function normalizeAddress(to: string): string {
  return to.includes('@') ? to.trim().toLowerCase() : to.replace(/[\s+]/g, '')
}

/**
 * @example
 * const mail = server.outbox.latest('ada@example.com', 'signup')
 * await fetch(`${server.url}/verify`, { method: 'POST', body: JSON.stringify({ type: 'email', email: mail.to, token: mail.otp }) })
 */
export function createOutbox(): OutboxWriter {
  let messages: OutboxMessage[] = []
  let nextId = 1
  const listeners = new Set<(m: OutboxMessage) => void>()
  return {
    get length() {
      return messages.length
    },
    [Symbol.iterator]: () => messages.slice()[Symbol.iterator](),
    all: () => messages.slice(),
    latest(to, type) {
      const addr = normalizeAddress(to)
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]!
        if (m.to === addr && (type === undefined || m.type === type)) return m
      }
      return undefined
    },
    clear() {
      messages = []
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    push(message) {
      const m: OutboxMessage = { id: nextId++, ...message }
      messages.push(m)
      for (const l of listeners) {
        try {
          l(m)
        } catch {
          // A broken listener must not break the request that sent the message.
        }
      }
      return m
    },
  }
}
