import type { DrillRecord } from '../../drills/drill.js';
import { ConflictError } from '../../errors/errors.js';

/**
 * Game-day drills in process memory, with the DynamoDB adapter's versioned
 * writes (a save must name the next version). Values are copied in and out.
 */
export class MemoryDrills {
  private readonly drills = new Map<string, DrillRecord>();

  put(drill: DrillRecord): void {
    const stored = this.drills.get(drill.id)?.version ?? 0;
    if (drill.version !== stored + 1) {
      throw new ConflictError(`drill ${drill.id}: version ${drill.version} does not follow the stored version ${stored}; read it again`);
    }
    this.drills.set(drill.id, structuredClone(drill));
  }

  get(id: string): DrillRecord | undefined {
    const drill = this.drills.get(id);
    return drill && structuredClone(drill);
  }

  list(filter: { app?: string; limit: number }): DrillRecord[] {
    return [...this.drills.values()]
      .filter((d) => filter.app === undefined || d.app === filter.app)
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .slice(0, filter.limit)
      .map((d) => structuredClone(d));
  }
}
