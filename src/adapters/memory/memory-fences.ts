import { ConflictError } from '../../errors/errors.js';
import type { NetworkFenceRecord, WriterEpoch } from '../../ports/state-store.js';

/**
 * Fencing epochs and network fences in process memory, with the DynamoDB
 * adapter's conditional writes (the next epoch, the next version). Values
 * are copied in and out.
 */
export class MemoryFences {
  private readonly epochs = new Map<string, WriterEpoch>();
  private readonly fences = new Map<string, NetworkFenceRecord>();

  getEpoch(app: string): WriterEpoch | undefined {
    const epoch = this.epochs.get(app);
    return epoch && structuredClone(epoch);
  }

  advanceEpoch(next: WriterEpoch): void {
    const stored = this.epochs.get(next.app)?.epoch ?? 0;
    if (next.epoch !== stored + 1) throw new ConflictError(`fencing epoch of ${next.app}: ${next.epoch} does not follow the stored epoch ${stored}; read it again`);
    this.epochs.set(next.app, structuredClone(next));
  }

  getFence(app: string, region: string): NetworkFenceRecord | undefined {
    const fence = this.fences.get(`${app}/${region}`);
    return fence && structuredClone(fence);
  }

  putFence(record: NetworkFenceRecord): void {
    const key = `${record.app}/${record.region}`;
    const stored = this.fences.get(key)?.version ?? 0;
    if (record.version !== stored + 1) {
      throw new ConflictError(`network fence of ${record.app} in ${record.region}: version ${record.version} does not follow the stored version ${stored}; read it again`);
    }
    this.fences.set(key, structuredClone(record));
  }

  listFences(app: string): NetworkFenceRecord[] {
    return [...this.fences.values()]
      .filter((f) => f.app === app)
      .sort((a, b) => a.region.localeCompare(b.region))
      .map((f) => structuredClone(f));
  }
}
