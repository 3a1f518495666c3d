import type { LedgerBucket, LedgerMinute } from '../../availability/types.js';

/**
 * The availability ledger of the memory store: one bucket per app, hour and
 * vantage point, increments added field by field like DynamoDB's ADD.
 */
export class MemoryAvailability {
  private readonly buckets = new Map<string, LedgerBucket>();

  add(increment: LedgerBucket): void {
    const key = `${increment.app}\u0000${increment.hourStart}\u0000${increment.vantage}`;
    const held = this.buckets.get(key) ?? { ...increment, upMs: 0, downMs: 0, unmeasuredMs: 0, minutes: [] };
    const minutes = new Map<number, LedgerMinute>(held.minutes.map((m) => [m.minute, { ...m }]));
    for (const m of increment.minutes) {
      const sum = minutes.get(m.minute) ?? { minute: m.minute, measuredMs: 0, downMs: 0 };
      minutes.set(m.minute, { minute: m.minute, measuredMs: sum.measuredMs + m.measuredMs, downMs: sum.downMs + m.downMs });
    }
    this.buckets.set(key, {
      ...held,
      upMs: held.upMs + increment.upMs,
      downMs: held.downMs + increment.downMs,
      unmeasuredMs: held.unmeasuredMs + increment.unmeasuredMs,
      minutes: [...minutes.values()].sort((a, b) => a.minute - b.minute),
    });
  }

  list(filter: { app: string; fromHour: number; toHour: number }): LedgerBucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.app === filter.app && b.hourStart >= filter.fromHour && b.hourStart <= filter.toHour)
      .sort((a, b) => a.hourStart - b.hourStart || a.vantage.localeCompare(b.vantage))
      .map((b) => structuredClone(b));
  }
}
