import * as Type from 'typebox';
import type { Static } from 'typebox';
import type { LagConfig } from './types.js';

/**
 * `database.lag`: where the RPO guard and failback's wait read replication
 * progress. `cloudwatch` (the default): the RDS/Aurora lag metrics.
 * `heartbeat`: the application's replication endpoint in this region (see
 * src/lag/heartbeat.ts and README "Replication lag"), CloudWatch being the
 * fallback when it cannot be read.
 *
 * Enums and if/then rather than unions: `database` is a union already, and
 * a union nested in it multiplies the validator's errors past its limit of
 * eight, which would cut off the ones that name the problem.
 */
const LagSourceSchema = Type.Object(
  {
    source: Type.Unsafe<'cloudwatch' | 'heartbeat'>(Type.String({ enum: ['cloudwatch', 'heartbeat'], 'x-message': 'must be cloudwatch or heartbeat' })),
    /** With source heartbeat: this region's replication endpoint, answering `{"heartbeatAt": "<ISO time>"}` as this region's database has the heartbeat row. */
    url: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/\\S*)?$', 'x-message': 'must be an http(s) URL' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 20_000, default: 2_000 })),
  },
  {
    additionalProperties: false,
    if: { properties: { source: { const: 'heartbeat' } } },
    then: { required: ['url'] },
    'x-message': 'with source: heartbeat, url (the replication endpoint of this region) is required',
  },
);

/** The lag fields every `database` kind takes (spread into each). */
export const DATABASE_LAG_FIELDS = {
  /** mysql (MySQL, MariaDB, Aurora MySQL) or postgres (PostgreSQL, Aurora PostgreSQL): their lag metrics mean different things. */
  engineFamily: Type.Optional(Type.Unsafe<'mysql' | 'postgres'>(Type.String({ enum: ['mysql', 'postgres'], 'x-message': 'must be mysql or postgres' }))),
  lag: Type.Optional(LagSourceSchema),
};

/** The normalized lag settings of one region's database; undefined when neither field is set (CloudWatch, family unknown). */
export function normalizeLag(database: { engineFamily?: 'mysql' | 'postgres'; lag?: Static<typeof LagSourceSchema> }): LagConfig | undefined {
  if (database.engineFamily === undefined && database.lag === undefined) return undefined;
  const lag: LagConfig = { source: database.lag?.source ?? 'cloudwatch' };
  if (database.engineFamily !== undefined) lag.engineFamily = database.engineFamily;
  // The schema requires the url with source heartbeat.
  if (database.lag?.source === 'heartbeat' && database.lag.url !== undefined) lag.heartbeat = { url: database.lag.url, timeoutMs: database.lag.timeoutMs ?? 2_000 };
  return lag;
}
