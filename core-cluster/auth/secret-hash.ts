/** Stored secrets: scrypt password hashes and sha256 token hashes as self-describing strings, checked in constant time. */

import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * scrypt cost: N = 2^ln, block size r, parallelism p (RFC 7914). The default, ln=15 r=8 p=1, takes
 * 32 MiB and about 0.1 s on one core: RFC 7914 section 2 names N=2^14..2^20 for interactive use.
 */
export interface ScryptCost {
  ln: number
  r: number
  p: number
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 15, r: 8, p: 1 }

/** The bounds a stored hash's cost must keep (a bigger one would let a file stall the process). */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const
const KEY_BYTES = 32
const SALT_BYTES = 16

/** base64 without padding, as the PHC string format writes salts and hashes. */
function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '')
}

/** A parsed `$scrypt$ln=..,r=..,p=..$<salt>$<hash>` string. */
interface ScryptHash extends ScryptCost {
  salt: Buffer
  hash: Buffer
}

const SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{43,88})$/
const SHA256 = /^\$sha256\$([A-Za-z0-9+/]{43})$/

/** Parses an scrypt hash string. @returns the reason it is unusable, or the hash */
function parseScrypt(encoded: string): ScryptHash | string {
  const m = SCRYPT.exec(encoded)
  if (!m) return 'expected an scrypt hash such as $scrypt$ln=15,r=8,p=1$<salt>$<hash>'
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (
    ln < LIMITS.ln[0] ||
    ln > LIMITS.ln[1] ||
    r < LIMITS.r[0] ||
    r > LIMITS.r[1] ||
    p < LIMITS.p[0] ||
    p > LIMITS.p[1]
  )
    return `scrypt cost ln=${ln},r=${r},p=${p} is outside ln=10..20, r=1..32, p=1..16`
  return { ln, r, p, salt: Buffer.from(m[4], 'base64'), hash: Buffer.from(m[5], 'base64') }
}

/** Why a stored password hash is unusable, or undefined when it is a well-formed scrypt hash. */
export function passwordHashProblem(encoded: string): string | undefined {
  const parsed = parseScrypt(encoded)
  return typeof parsed === 'string' ? parsed : undefined
}

/** Why a stored token hash is unusable, or undefined when it is a well-formed sha256 hash. */
export function tokenHashProblem(encoded: string): string | undefined {
  return SHA256.test(encoded) ? undefined : 'expected a token hash such as $sha256$<43 base64 characters>'
}

function derive(password: string, h: ScryptCost & { salt: Buffer }, keylen: number): Promise<Buffer> {
  const N = 2 ** h.ln
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      h.salt,
      keylen,
      { N, r: h.r, p: h.p, maxmem: 256 * N * h.r + 1024 * 1024 },
      (e, key) => (e ? reject(e) : resolve(key)),
    ),
  )
}

/**
 * Hashes a password with scrypt and a random 16-byte salt, as a PHC string
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding). The password is NFC-normalized first
 * (RFC 7613's OpaqueString profile asks for it), so the same text typed on two systems matches.
 */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(password, { ...cost, salt }, KEY_BYTES)
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(hash)}`
}

/**
 * True when `password` hashes to `encoded` (scrypt with the string's own cost and salt), compared in
 * constant time (`crypto.timingSafeEqual` on equal-length digests). A malformed `encoded` is false.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parseScrypt(encoded)
  if (typeof h === 'string') return false
  const key = await derive(password, h, h.hash.length)
  return key.length === h.hash.length && timingSafeEqual(key, h.hash)
}

/** The sha256 digest of a secret's UTF-8 bytes. */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * Hashes a token as `$sha256$<base64>`. Tokens are random (see {@link newSecret}), so a fast hash is
 * enough to keep the stored form useless to a reader, as for API keys; people's passwords take scrypt.
 */
export function hashToken(token: string): string {
  return `$sha256$${b64(sha256(token))}`
}

/** True when `token` hashes to `encoded` (`$sha256$...`), compared in constant time. */
export function verifyToken(token: string, encoded: string): boolean {
  const m = SHA256.exec(encoded)
  if (!m) return false
  const want = Buffer.from(m[1], 'base64')
  const got = sha256(token)
  return want.length === got.length && timingSafeEqual(got, want)
}

/** Constant-time equality of two secrets of any length: their sha256 digests are compared. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b))
}

/** A new random secret: 32 bytes from the OS CSPRNG as base64url (43 characters), with an optional prefix. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}
