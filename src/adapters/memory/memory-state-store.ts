import { ConflictError, FencedError } from '../../errors/errors.js';
import type { Decision } from '../../policy/decision.js';
import type { AppState, AuditRecord, Fence, IdempotencyClaim, IdempotencyRecord, Lease, LeaseResult, NetworkFenceRecord, ObservationRecord, RunSignal, SessionRecord, StateStore, TrafficIntent, TrafficSetup, WriterEpoch } from '../../ports/state-store.js';
import type { JournalEntry, RunRecord } from '../../runbook/run.js';
import { MemoryApiRecords } from './memory-api-records.js';
import { MemoryDrills } from './memory-drills.js';
import type { DrillRecord } from '../../drills/drill.js';
import type { WorldReport } from '../../readiness/world-report.js';
import { MemoryAvailability } from './memory-availability.js';
import type { LedgerBucket } from '../../availability/types.js';
import { MemoryFences } from './memory-fences.js';

/** How many decisions per application are kept in memory. */
const DECISIONS_KEPT = 500;
/** How many observations per app and region are kept in memory (a day at 5 s intervals, three vantage points). */
const OBSERVATIONS_KEPT = 50_000;

/**
 * StateStore in process memory, with the same conditional semantics as the
 * DynamoDB adapter (sequence-checked journal appends, fenced leases). For
 * tests and for this first slice of local mode; values are copied in and out
 * so that callers cannot mutate stored state by accident.
 */
export class MemoryStateStore implements StateStore {
  private readonly apps = new Map<string, AppState>();
  private readonly runs = new Map<string, RunRecord>();
  private readonly intents = new Map<string, TrafficIntent>();
  private readonly setups = new Map<string, TrafficSetup>();
  private readonly worlds = new Map<string, WorldReport>();
  private readonly journals = new Map<string, JournalEntry[]>();
  private readonly decisions = new Map<string, Decision[]>();
  private readonly leases = new Map<string, Lease>();
  private readonly signals = new Map<string, RunSignal[]>();
  private readonly observations = new Map<string, ObservationRecord[]>();
  private readonly api = new MemoryApiRecords();
  private readonly drills = new MemoryDrills();
  private readonly availability = new MemoryAvailability();
  private readonly fences = new MemoryFences();
  private tokens = 0;

  async getAppState(app: string): Promise<AppState | undefined> {
    return copy(this.apps.get(app));
  }

  async putAppState(state: AppState): Promise<void> {
    this.apps.set(state.app, copy(state));
  }

  async getTrafficIntent(app: string): Promise<TrafficIntent | undefined> {
    return copy(this.intents.get(app));
  }

  async putTrafficIntent(intent: TrafficIntent): Promise<void> {
    this.intents.set(intent.app, copy(intent));
  }

  async getTrafficSetup(app: string): Promise<TrafficSetup | undefined> {
    return copy(this.setups.get(app));
  }

  async putTrafficSetup(setup: TrafficSetup): Promise<void> {
    this.setups.set(setup.app, copy(setup));
  }

  async putWorldReport(report: WorldReport): Promise<void> {
    this.worlds.set(`${report.app}#${report.vantage}`, copy(report));
  }

  async listWorldReports(app: string): Promise<WorldReport[]> {
    return [...this.worlds.values()].filter((r) => r.app === app).map(copy);
  }

  async putRun(run: RunRecord): Promise<void> {
    this.runs.set(run.id, copy(run));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return copy(this.runs.get(id));
  }

  async listRuns(filter: { app?: string; limit: number }): Promise<RunRecord[]> {
    return [...this.runs.values()]
      .filter((r) => filter.app === undefined || r.app === filter.app)
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .slice(0, filter.limit)
      .map(copy);
  }

  async appendJournal(entry: JournalEntry, fence?: Fence): Promise<void> {
    if (fence && this.leases.get(fence.lease)?.token !== fence.token) {
      throw new FencedError(`journal of ${entry.runId}: lease ${fence.lease} is no longer held with token ${fence.token}`);
    }
    const journal = this.journals.get(entry.runId) ?? [];
    if (entry.seq !== journal.length + 1) {
      throw new ConflictError(`journal of ${entry.runId}: expected seq ${journal.length + 1}, got ${entry.seq}`);
    }
    journal.push(copy(entry));
    this.journals.set(entry.runId, journal);
  }

  async readJournal(runId: string): Promise<JournalEntry[]> {
    return (this.journals.get(runId) ?? []).map(copy);
  }

  async addRunSignal(signal: RunSignal): Promise<void> {
    this.signals.set(signal.runId, [...(this.signals.get(signal.runId) ?? []), copy(signal)]);
  }

  async listRunSignals(runId: string): Promise<RunSignal[]> {
    return (this.signals.get(runId) ?? []).map(copy);
  }

  async putObservations(observations: ObservationRecord[]): Promise<void> {
    for (const o of observations) {
      const key = `${o.app}/${o.region}`;
      const list = this.observations.get(key) ?? [];
      list.push(copy(o));
      if (list.length > OBSERVATIONS_KEPT) list.splice(0, list.length - OBSERVATIONS_KEPT);
      this.observations.set(key, list);
    }
  }

  async listObservations(filter: { app: string; region: string; since: number; vantage?: string }): Promise<ObservationRecord[]> {
    return (this.observations.get(`${filter.app}/${filter.region}`) ?? [])
      .filter((o) => o.at >= filter.since && (filter.vantage === undefined || o.vantage === filter.vantage))
      .sort((a, b) => a.at - b.at || a.vantage.localeCompare(b.vantage))
      .map(copy);
  }

  async addAvailability(increment: LedgerBucket): Promise<void> {
    this.availability.add(increment);
  }

  async listAvailability(filter: { app: string; fromHour: number; toHour: number }): Promise<LedgerBucket[]> {
    return this.availability.list(filter);
  }

  /** An upsert on (app, at), as DynamoDB's: a decision held on rewrites its entry under its first `at`. */
  async putDecision(decision: Decision): Promise<void> {
    const list = this.decisions.get(decision.app) ?? [];
    const same = list.findIndex((d) => d.at === decision.at);
    if (same >= 0) {
      list[same] = copy(decision);
      return;
    }
    list.push(copy(decision));
    if (list.length > DECISIONS_KEPT) list.splice(0, list.length - DECISIONS_KEPT);
    this.decisions.set(decision.app, list);
  }

  async listDecisions(filter: { app?: string; limit: number }): Promise<Decision[]> {
    const lists = filter.app === undefined ? [...this.decisions.values()] : [this.decisions.get(filter.app) ?? []];
    return lists
      .flat()
      .sort((a, b) => b.at - a.at)
      .slice(0, filter.limit)
      .map(copy);
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<LeaseResult> {
    const held = this.leases.get(name);
    if (held && held.expiresAt > now && held.owner !== owner) return { acquired: false, holder: { ...held } };
    const lease: Lease = { name, owner, token: ++this.tokens, expiresAt: now + ttlMs };
    this.leases.set(name, lease);
    return { acquired: true, lease: { ...lease } };
  }

  async releaseLease(lease: Lease): Promise<void> {
    const held = this.leases.get(lease.name);
    if (held && held.owner === lease.owner && held.token === lease.token) this.leases.delete(lease.name);
  }

  async claimIdempotencyKey(claim: Omit<IdempotencyRecord, 'state' | 'response'>, now: number): Promise<IdempotencyClaim> {
    return this.api.claim(claim, now);
  }

  async completeIdempotencyKey(caller: string, key: string, response: NonNullable<IdempotencyRecord['response']>, validUntil: number): Promise<void> {
    this.api.complete(caller, key, response, validUntil);
  }

  async releaseIdempotencyKey(caller: string, key: string): Promise<void> {
    this.api.release(caller, key);
  }

  async getIdempotencyKey(caller: string, key: string, now: number): Promise<IdempotencyRecord | undefined> {
    return this.api.get(caller, key, now);
  }

  async putSession(session: SessionRecord): Promise<void> {
    this.api.putSession(session);
  }

  async getSession(idHash: string, now: number): Promise<SessionRecord | undefined> {
    return this.api.getSession(idHash, now);
  }

  async deleteSessions(caller: string, now: number): Promise<number> {
    return this.api.deleteSessions(caller, now);
  }

  async putAudit(record: AuditRecord): Promise<void> {
    this.api.putAudit(record);
  }

  async listAudit(filter: { limit: number }): Promise<AuditRecord[]> {
    return this.api.listAudit(filter.limit);
  }

  async putDrill(drill: DrillRecord): Promise<void> {
    this.drills.put(drill);
  }

  async getDrill(id: string): Promise<DrillRecord | undefined> {
    return this.drills.get(id);
  }

  async listDrills(filter: { app?: string; limit: number }): Promise<DrillRecord[]> {
    return this.drills.list(filter);
  }

  async getWriterEpoch(app: string): Promise<WriterEpoch | undefined> {
    return this.fences.getEpoch(app);
  }

  async advanceWriterEpoch(next: WriterEpoch): Promise<void> {
    this.fences.advanceEpoch(next);
  }

  async getNetworkFence(app: string, region: string): Promise<NetworkFenceRecord | undefined> {
    return this.fences.getFence(app, region);
  }

  async putNetworkFence(record: NetworkFenceRecord): Promise<void> {
    this.fences.putFence(record);
  }

  async listNetworkFences(app: string): Promise<NetworkFenceRecord[]> {
    return this.fences.listFences(app);
  }
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
