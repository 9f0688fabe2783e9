/** Offers held while a new KRaft quorum waits for a host per voter (gang placement), released after a while. */

import type { Offer } from '../../core-cluster/proto/index.js'

/** How long offers are held for a quorum placement before they are declined (ms). */
export const QUORUM_HOLD_MS = 15_000

/**
 * The offers held for a gang placement (quorum/gang.ts): offers die with the subscription and
 * with a rescind; held ones are released (declined by the caller) {@link QUORUM_HOLD_MS} after the
 * first hold if no placement appeared.
 */
export class HeldOffers {
  private offers: Offer[] = []
  private timer?: NodeJS.Timeout

  /** The held offers, now no longer held. */
  take(): Offer[] {
    const held = this.offers
    this.offers = []
    return held
  }

  /** Holds `offers`; the first hold arms the release timer, which calls `release` with what is held then. */
  hold(offers: Offer[], release: (held: Offer[]) => void): void {
    this.offers = offers
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        release(this.take())
      }, QUORUM_HOLD_MS)
      this.timer.unref()
    }
  }

  /** A placement was found: the release timer is not needed. */
  placed(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The master took one offer back. */
  rescind(offerId: string): void {
    this.offers = this.offers.filter((o) => o.id.value !== offerId)
  }

  /** The subscription ended: its offers are gone. */
  drop(): void {
    this.offers = []
  }
}
