/** Parsing the HTTP `Authorization` header: Basic (RFC 7617) and Bearer (RFC 6750) credentials, refusing anything malformed. */

/** Credentials a request presents. */
export type PresentedCredential =
  | { scheme: 'basic'; user: string; password: string }
  | { scheme: 'bearer'; token: string }

/** What {@link parseAuthorization} found: credentials, or why the header is unusable. */
export type ParsedAuthorization = { ok: true; credential: PresentedCredential } | { ok: false; reason: string }

/** The longest `Authorization` header read (characters); longer ones are refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 4096

/** RFC 7617 section 2: the user-id and the password are TEXT without control characters (CTLs: 0-31 and 127). */
export function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}
/** RFC 4648 section 4 base64 with its padding, as RFC 7617 sends `user:password`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** RFC 6750 section 2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses an `Authorization` header value: `Basic <base64(user:password)>` (RFC 7617) or
 * `Bearer <token>` (RFC 6750); the scheme is case-insensitive, one or more spaces follow it.
 * Refused, with the reason: a value over {@link MAX_AUTHORIZATION_LENGTH} characters, another
 * scheme, base64 that is not canonical RFC 4648, bytes that are not UTF-8, no `:`, an empty user
 * or password, control characters, a token outside RFC 6750's alphabet.
 * @returns undefined when there is no header (or it is empty): the request carries no credentials
 */
export function parseAuthorization(header: string | null | undefined): ParsedAuthorization | undefined {
  if (header === undefined || header === null || header.trim() === '') return undefined
  if (header.length > MAX_AUTHORIZATION_LENGTH)
    return { ok: false, reason: `the Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters` }
  const m = /^\s*([A-Za-z][A-Za-z0-9-]*) +(\S+)\s*$/.exec(header)
  if (!m) return { ok: false, reason: 'the Authorization header is not "<scheme> <credentials>"' }
  const scheme = m[1].toLowerCase()
  const value = m[2]
  if (scheme === 'bearer') {
    if (!B64TOKEN.test(value)) return { ok: false, reason: 'the bearer token has characters RFC 6750 does not allow' }
    return { ok: true, credential: { scheme: 'bearer', token: value } }
  }
  if (scheme !== 'basic')
    return {
      ok: false,
      reason: `the Authorization scheme "${m[1].slice(0, 20)}" is not supported; use Basic or Bearer`,
    }
  if (!BASE64.test(value)) return { ok: false, reason: 'the Basic credentials are not base64' }
  let text: string
  try {
    text = utf8.decode(Buffer.from(value, 'base64'))
  } catch {
    return { ok: false, reason: 'the Basic credentials are not UTF-8' }
  }
  const colon = text.indexOf(':')
  if (colon < 0) return { ok: false, reason: 'the Basic credentials have no ":" between user and password' }
  const user = text.slice(0, colon)
  const password = text.slice(colon + 1)
  if (user === '') return { ok: false, reason: 'the Basic credentials have an empty user' }
  if (password === '') return { ok: false, reason: 'the Basic credentials have an empty password' }
  if (hasControlCharacters(user) || hasControlCharacters(password))
    return { ok: false, reason: 'the Basic credentials contain control characters' }
  return { ok: true, credential: { scheme: 'basic', user, password } }
}

/** `Basic <base64(user:password)>`, the header value a client sends (RFC 7617, UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
