/**
 * The heartbeat lag source: what the application's replication endpoint
 * serves, and how its answer is read.
 *
 * The application's writer (the user's app, or a tiny job beside it)
 * updates one row every second with the time it writes it. Each region's
 * endpoint (for example `GET /replication`) answers with that row as the
 * region's own database has it: the writer, the newest heartbeat it wrote;
 * a replica, the newest it has replayed. Because the heartbeat is a write
 * like any other, a replica that has replayed it has replayed every write
 * committed before it, whatever the engine, and whether or not the
 * application is idle (PostgreSQL's ReplicaLag is the time since the last
 * replayed transaction, so an idle primary reads as lag).
 *
 * Why an HTTP endpoint of the application, and not a SQL client in the
 * controller or a CloudWatch custom metric: the controller holds no
 * database credentials and needs no network path to the databases; the
 * endpoint lives next to the health checks the probes already reach, in
 * the region that survives an outage; and it is read at the moment it is
 * needed, to the millisecond, where a custom metric would arrive a minute
 * late in one-minute periods, too coarse for failback's comparison of two
 * positions read together (README: "Replication lag").
 */

/** The body the endpoint answers with (200, JSON). */
export interface HeartbeatBody {
  /** The heartbeat row as this region's database has it: an ISO 8601 time with its zone, e.g. `2026-11-24T12:00:03.000Z`. */
  heartbeatAt: string;
  /** Optional: `writer` or `replica`, what this region's database is; checked when given. */
  role?: 'writer' | 'replica';
}

/** One heartbeat as read from a region's endpoint. */
export interface HeartbeatReading {
  url: string;
  /** The heartbeat this region's database holds (ms since epoch, the writer's clock). */
  heartbeatAt: number;
  /** What the endpoint said the database is, when it said. */
  role?: 'writer' | 'replica';
  /** When the controller asked (its own clock). */
  readAt: number;
}

/** A reading, or why there is none (the endpoint down, a bad answer): never a guess. */
export type HeartbeatResult = { ok: true; reading: HeartbeatReading } | { ok: false; url: string; reason: string };

/** ISO 8601 with a zone (`Z` or `±hh:mm`): a time without one would be read in the controller's zone. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Read the endpoint's JSON body; a string says what is wrong with it.
 * `expectRole` refuses an answer from the wrong kind of database (a replica
 * asked for the writer's position, or the other way round).
 */
export function parseHeartbeatBody(text: string, expectRole?: 'writer' | 'replica'): Omit<HeartbeatReading, 'url' | 'readAt'> | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the answer is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the answer is not a JSON object';
  const { heartbeatAt, role } = body as Record<string, unknown>;
  if (typeof heartbeatAt !== 'string' || !ISO_WITH_ZONE.test(heartbeatAt)) return 'heartbeatAt must be an ISO 8601 time with its zone, such as 2026-11-24T12:00:03.000Z';
  const at = Date.parse(heartbeatAt);
  if (!Number.isFinite(at)) return `heartbeatAt ${JSON.stringify(heartbeatAt)} is not a time`;
  if (role !== undefined && role !== 'writer' && role !== 'replica') return 'role must be writer or replica';
  if (expectRole && role !== undefined && role !== expectRole) return `the endpoint says its database is the ${role}, not the ${expectRole}`;
  return { heartbeatAt: at, ...(role !== undefined ? { role } : {}) };
}

/** `12:00:03.250Z`: the time of day, to the millisecond when it has one (heartbeats are compared to it). */
export function timeOfDay(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(11, 19)}Z` : iso.slice(11);
}
