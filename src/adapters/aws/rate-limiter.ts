import type { Clock } from '../../ports/clock.js';

/**
 * A request-rate limiter for AWS APIs with a hard per-second quota: a bucket
 * of `requests` tokens in which every token comes back exactly `windowMs`
 * after it was taken. Unlike a bucket that refills continuously (which lets
 * a full burst plus the refill through, nearly twice the quota in one
 * window), this never lets more than `requests` calls start in any window
 * of `windowMs`, which is what "5 requests per second" means to the service
 * counting them. A burst up to the quota goes out at once; the rest waits.
 *
 * Waiting uses the Clock port, so tests drive it with a manual clock.
 * Callers are served in the order they ask: each `acquire` reserves its
 * start time synchronously, before anyone else can.
 */
export class RateLimiter {
  /** Start times handed out, oldest first; only the last `requests` matter. */
  private readonly starts: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly requests: number,
    private readonly windowMs = 1_000,
  ) {
    if (!Number.isInteger(requests) || requests < 1) throw new RangeError(`requests per window must be a positive integer, got ${requests}`);
  }

  /**
   * A limiter for `rate` requests per second, fractions included (a share of
   * an account's quota: 5 split between 3 stacks is 1.67). At one or more per
   * second: the whole requests of each second (2.5 → 2 in any 1 s window),
   * so that stacks that each keep to their share also keep to the quota in
   * every single second, not only on average. Below one per second: one
   * request per 1/rate seconds (0.5 → one in any 2 s).
   */
  static perSecond(clock: Clock, rate: number): RateLimiter {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`requests per second must be a positive number, got ${rate}`);
    return rate >= 1 ? new RateLimiter(clock, Math.floor(rate), 1_000) : new RateLimiter(clock, 1, Math.ceil(1_000 / rate));
  }

  /** Resolve when one more request may start. */
  async acquire(): Promise<void> {
    const now = this.clock.now();
    // The request that started `requests` slots ago must leave the window first.
    const blocker = this.starts.length >= this.requests ? this.starts[this.starts.length - this.requests] : undefined;
    const at = blocker === undefined ? now : Math.max(now, blocker + this.windowMs);
    this.starts.push(at);
    if (this.starts.length > this.requests) this.starts.splice(0, this.starts.length - this.requests);
    if (at > now) await this.clock.sleep(at - now);
  }
}
