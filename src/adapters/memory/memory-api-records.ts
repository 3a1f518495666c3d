import type { AuditRecord, IdempotencyClaim, IdempotencyRecord, SessionRecord } from '../../ports/state-store.js';

/** How many audit records are kept in memory. */
const AUDIT_KEPT = 10_000;

/**
 * The API's records in process memory (idempotency keys, audit trail, sign-in sessions), with
 * the semantics of the DynamoDB adapter: a claim is atomic (JavaScript runs
 * it to the end without interleaving), and values are copied in and out.
 */
export class MemoryApiRecords {
  private readonly keys = new Map<string, IdempotencyRecord>();
  private readonly audit: AuditRecord[] = [];
  private readonly sessions = new Map<string, SessionRecord>();

  claim(claim: Omit<IdempotencyRecord, 'state' | 'response'>, now: number): IdempotencyClaim {
    const id = keyOf(claim.caller, claim.key);
    const existing = this.keys.get(id);
    if (existing && existing.validUntil > now) return { claimed: false, existing: structuredClone(existing) };
    this.keys.set(id, { ...structuredClone(claim), state: 'pending' });
    return { claimed: true };
  }

  complete(caller: string, key: string, response: NonNullable<IdempotencyRecord['response']>, validUntil: number): void {
    const record = this.keys.get(keyOf(caller, key));
    if (record) this.keys.set(keyOf(caller, key), { ...record, state: 'complete', response: structuredClone(response), validUntil });
  }

  release(caller: string, key: string): void {
    if (this.keys.get(keyOf(caller, key))?.state === 'pending') this.keys.delete(keyOf(caller, key));
  }

  get(caller: string, key: string, now: number): IdempotencyRecord | undefined {
    const record = this.keys.get(keyOf(caller, key));
    return record && record.validUntil > now ? structuredClone(record) : undefined;
  }

  putSession(session: SessionRecord): void {
    this.sessions.set(session.idHash, structuredClone(session));
  }

  getSession(idHash: string, now: number): SessionRecord | undefined {
    const session = this.sessions.get(idHash);
    return session && session.validUntil > now ? structuredClone(session) : undefined;
  }

  deleteSessions(caller: string, now: number): number {
    let live = 0;
    for (const [idHash, session] of this.sessions) {
      if (session.caller !== caller) continue;
      if (session.validUntil > now) live++;
      this.sessions.delete(idHash);
    }
    return live;
  }

  putAudit(record: AuditRecord): void {
    this.audit.push(structuredClone(record));
    if (this.audit.length > AUDIT_KEPT) this.audit.splice(0, this.audit.length - AUDIT_KEPT);
  }

  listAudit(limit: number): AuditRecord[] {
    return [...this.audit]
      .sort((a, b) => b.at - a.at || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
}

/** Caller names hold no newline; keys are printable: the pair cannot collide. */
function keyOf(caller: string, key: string): string {
  return `${caller}\n${key}`;
}
