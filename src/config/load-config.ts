import { readConfigText } from './read-config-text.js';
import Value from 'typebox/value';
import { parseDocument } from 'yaml';
import type { DatabaseRef } from '../ports/database-provider.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { Static } from 'typebox';
import type { ProbeTarget } from '../probes/types.js';
import { ConfigSchema, type ConfigInput, type ProbeTargetSchema } from './schema.js';
import { schemaIssues } from './schema-errors.js';
import type { AppConfig, Config } from './types.js';
import { semanticIssues } from './semantic-checks.js';
import { normalizeApi } from './api-config.js';
import { normalizeFence } from './fence-config.js';
import { normalizeTraffic } from './traffic-config.js';
import { normalizeLag } from './lag-schema.js';
import { normalizeRoute53 } from './route53-config.js';
import { normalizeRunbooks, type RunbooksConfig } from './runbooks-config.js';
import { normalizeSimResources } from './sim-resources.js';

/** Read, parse and validate a failover.yaml. Throws ConfigError listing every problem. */
export async function loadConfig(path: string): Promise<Config> {
  const text = await readConfigText(path);
  return parseConfig(text, path);
}

/** Parse and validate configuration text (YAML or JSON). */
export function parseConfig(text: string, source = 'failover.yaml'): Config {
  // NUL or other C0 controls besides tab, newline and CR: not a text file, whatever the YAML parser would make of it.
  if (/[\x00-\x08\x0e-\x1f]/.test(text)) throw new ConfigError(source, [{ path: '', message: `the file is not text (it holds control bytes): ${SHAPE_HINT}` }]);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // The yaml library refuses documents whose aliases would expand without bound ("billion laughs").
    throw new ConfigError(source, [{ path: '', message: `YAML: ${(err as Error).message.split('\n')[0]}; write the values out instead of through so many aliases` }]);
  }
  const shape = documentShapeProblem(value);
  if (shape) throw new ConfigError(source, [{ path: '', message: shape }]);
  return validateConfig(value, source);
}

const SHAPE_HINT = 'a config is a YAML (or JSON) mapping with at least `applications:`; see examples/failover.yaml';

/**
 * A config is one mapping with `applications`: say what the file is instead
 * (empty, binary, a list, a scalar), and what it should look like, rather
 * than only "must be object" with no path.
 */
function documentShapeProblem(value: unknown): string | undefined {
  const hint = SHAPE_HINT;
  if (value === null || value === undefined) return `the file is empty (or only comments): ${hint}`;
  if (Array.isArray(value)) return `the file holds a list, not a mapping: ${hint}`;
  if (typeof value !== 'object') return `the file holds a single ${typeof value} (${JSON.stringify(value).slice(0, 40)}), not a mapping: ${hint}`;
  return undefined;
}

/** Validate an already parsed configuration object and fill in the defaults. */
export function validateConfig(input: unknown, source = 'config'): Config {
  const structural = schemaIssues(ConfigSchema, input);
  if (structural.length > 0) throw new ConfigError(source, structural);
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(input)) as ConfigInput;
  const config = normalize(withDefaults, source);
  const semantic: ConfigIssue[] = semanticIssues(config);
  if (semantic.length > 0) throw new ConfigError(source, semantic);
  return config;
}

function normalize(input: ConfigInput, source: string): Config {
  return {
    provider: input.provider ?? 'sim',
    vantage: input.vantage ?? 'local',
    probeConcurrency: input.probeConcurrency ?? 64,
    endpoints: { ...input.endpoints },
    route53: normalizeRoute53(input.route53, input.applications.flatMap((app) => app.regions.map((r) => r.name))),
    witness: (input.witness ?? []).map(probeTarget),
    notifications: { ...input.notifications },
    api: normalizeApi(input.api),
    simulation: {
      ...(input.simulation?.dnsPort !== undefined ? { dnsPort: input.simulation.dnsPort } : {}),
      delays: { ...input.simulation?.delays },
      resources: normalizeSimResources(input.simulation),
    },
    applications: input.applications.map(
      (app): AppConfig => ({
        name: app.name,
        fence: normalizeFence(app.fence),
        traffic: normalizeTraffic(app.traffic),
        ...withRunbooks(normalizeRunbooks(app.runbooks, source)),
        policy: {
          probeIntervalSeconds: app.policy?.probeIntervalSeconds ?? 5,
          fallThreshold: app.policy?.fallThreshold ?? 3,
          riseThreshold: app.policy?.riseThreshold ?? 3,
          rtoSeconds: app.policy?.rtoSeconds ?? 300,
          rpoSeconds: app.policy?.rpoSeconds ?? 60,
          automaticFailover: app.policy?.automaticFailover ?? true,
          failback: app.policy?.failback ?? 'manual',
          failbackHoldDownSeconds: app.policy?.failbackHoldDownSeconds ?? 1800,
          cooldownSeconds: app.policy?.cooldownSeconds ?? 600,
          maxAutomaticFailoversPerDay: app.policy?.maxAutomaticFailoversPerDay ?? 2,
          flapWindowRounds: app.policy?.flapWindowRounds ?? 20,
          flapMinFailures: app.policy?.flapMinFailures ?? 2,
          quorum: app.policy?.quorum ?? 1,
          maxLagSampleAgeSeconds: app.policy?.maxLagSampleAgeSeconds ?? 300,
          approvalTimeoutSeconds: app.policy?.approvalTimeoutSeconds ?? 1800,
          separateApprover: app.policy?.separateApprover ?? false,
          availabilityTargetPercent: app.policy?.availabilityTargetPercent ?? 99.95,
        },
        regions: app.regions.map((r) => ({
          name: r.name,
          probes: r.probes.map(probeTarget),
          database:
            r.database.engine === 'rds'
              ? ({ engine: 'rds', region: r.name, instanceId: r.database.instanceId, ...(r.database.kmsKeyId ? { kmsKeyId: r.database.kmsKeyId } : {}) } satisfies DatabaseRef)
              : ({ engine: 'aurora-global', region: r.name, globalClusterId: r.database.globalClusterId, clusterId: r.database.clusterId } satisfies DatabaseRef),
          compute: { ...r.compute, minShareBeforeDns: r.compute.minShareBeforeDns ?? 0.9, standbyMinSize: r.compute.standbyMinSize ?? r.compute.standbyCapacity },
          dns: {
            hostedZoneId: r.dns.hostedZoneId.replace(/^\/hostedzone\//, ''),
            recordName: fqdn(r.dns.recordName),
            type: r.dns.type,
            routing: r.dns.routing ?? 'simple',
            ttl: r.dns.ttl ?? 60,
            ...(r.dns.value !== undefined ? { value: r.dns.value } : {}),
            ...(r.dns.alias ? { alias: { dnsName: fqdn(r.dns.alias.dnsName), hostedZoneId: r.dns.alias.hostedZoneId, evaluateTargetHealth: r.dns.alias.evaluateTargetHealth ?? false } } : {}),
            ...(r.dns.setIdentifier !== undefined ? { setIdentifier: r.dns.setIdentifier } : {}),
            ...(r.dns.healthCheckId !== undefined ? { healthCheckId: r.dns.healthCheckId } : {}),
          },
          ...withLag(normalizeLag(r.database)),
        })),
      }),
    ),
  };
}

/** Route 53 returns names lower case with a trailing dot; compare in that form. */
export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function probeTarget(p: Static<typeof ProbeTargetSchema>): ProbeTarget {
  // Three attempts by default: enough for a round to tell a flapping endpoint (some fail) from a dead one (all fail).
  return { url: p.url, method: p.method ?? 'GET', expectStatus: p.expectStatus ?? 200, timeoutMs: p.timeoutMs ?? 2_000, attempts: p.attempts ?? 3, ...(p.bodyMatch !== undefined ? { bodyMatch: p.bodyMatch } : {}) };
}

/** A region's `lag` only when the config sets it, so regions without it stay as they were. */
function withLag(lag: ReturnType<typeof normalizeLag>): { lag?: NonNullable<ReturnType<typeof normalizeLag>> } {
  return lag ? { lag } : {};
}

/** Spread into an AppConfig: its own runbooks, when it names any. */
function withRunbooks(runbooks: RunbooksConfig | undefined): { runbooks?: RunbooksConfig } {
  return runbooks ? { runbooks } : {};
}
