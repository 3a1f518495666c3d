import type { Clock } from '../../src/ports/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that only moves when the test says so. `advance` fires sleepers in
 * time order and lets the code they wake run to its next sleep before moving
 * on, so hours of controller time take milliseconds and are deterministic.
 * `busy` tells it about real I/O still in flight (loopback HTTP probes) that
 * must finish before time may move.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(
    start = Date.UTC(2026, 10, 24, 12, 0, 0),
    private readonly busy: () => boolean = () => false,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How many sleepers are waiting. */
  pending(): number {
    return this.timers.length;
  }

  /** Let everything that can run without time passing run (microtasks, loopback I/O). */
  async settle(): Promise<void> {
    let quiet = 0;
    // Several consecutive quiet turns of the event loop: promise chains that
    // hop through setImmediate or socket callbacks get to finish.
    while (quiet < 5) {
      await new Promise((r) => setImmediate(r));
      quiet = this.busy() ? 0 : quiet + 1;
    }
  }

  /** Move time forward by `ms`, waking sleepers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.resolve();
      await this.settle();
    }
    this.current = end;
    await this.settle();
  }

  /** Advance in steps of `stepMs` until `done()` holds or `maxMs` has passed; returns whether it held. */
  async advanceUntil(done: () => boolean | Promise<boolean>, options: { stepMs: number; maxMs: number }): Promise<boolean> {
    const end = this.current + options.maxMs;
    while (this.current < end) {
      if (await done()) return true;
      await this.advance(options.stepMs);
    }
    return done();
  }
}
