/** Path tokens: a capability for one download path, an HMAC the scheduler puts in the URIs of the tasks it launches. */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The query parameter that carries a path token (`?km_token=...`). */
export const PATH_TOKEN_PARAM = 'km_token'

/**
 * Mints and checks path tokens: `base64url(HMAC-SHA256(key, path))` for one URL path such as
 * `/kafka/kafka_2.13-4.4.0.tgz`. A Mesos CommandInfo.URI carries no header, so a fetching agent
 * cannot send a credential; the token in the URI is that credential, good for that one path. The
 * same path always gets the same token under one key, so agents' fetch caches keep working.
 */
export class PathTokens {
  private readonly key: Buffer

  /** @param key the HMAC key; default: 32 random bytes (tokens then change when the process restarts) */
  constructor(key?: Buffer | string) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key)
  }

  /** The key derived from a daemon's own secret, so that its tokens survive its restarts. */
  static fromSecret(secret: string): PathTokens {
    return new PathTokens(createHmac('sha256', secret).update('kafka-mesos path tokens').digest())
  }

  /** The token for a URL path (decoded, as the router sees it). */
  mint(path: string): string {
    return createHmac('sha256', this.key).update(path, 'utf8').digest('base64url')
  }

  /** The path with its token as a query string: `/kafka/x.tgz?km_token=...`. */
  withToken(path: string): string {
    return `${path}?${PATH_TOKEN_PARAM}=${this.mint(path)}`
  }

  /** True when `token` is the token of `path`, compared in constant time. */
  check(path: string, token: string | undefined): boolean {
    if (!token) return false
    const want = Buffer.from(this.mint(path), 'utf8')
    const got = Buffer.from(token, 'utf8')
    return got.length === want.length && timingSafeEqual(got, want)
  }
}
