import { lookup } from 'node:dns/promises';
import type { AppConfig } from '../config/types.js';
import { canonicalName } from '../dns/targets.js';
import type { AuthoritativeDns } from '../ports/traffic-switch.js';

/** What one authoritative server answered, and the region that is. */
export interface ServerAnswer {
  server: string;
  values: string[];
  /** The region whose target the answer names; absent when it names none (or failed). */
  region?: string;
  error?: string;
}

/** Resolves a name to addresses through the system resolver (for alias targets, answered as addresses on AWS). */
export type NameResolver = (name: string) => Promise<string[]>;

const systemResolver: NameResolver = async (name) => (await lookup(name, { all: true })).map((a) => a.address);

/** How long one server gets to answer (the step polls again after it). */
export const ANSWER_DEADLINE_MS = 2_000;

/**
 * Ask each of the zone's authoritative name servers, directly over DNS and
 * at once, which target the application's name has, and map each answer to
 * a region: a CNAME or a plain value names the region whose `dns.value` it
 * is; an alias is answered by Route 53 as its target's addresses (or, in the
 * simulated world, as a CNAME to it), so an alias region is named by its
 * target's name or by any of the addresses that name resolves to.
 */
export async function askNameServers(dns: AuthoritativeDns, servers: string[], app: AppConfig, resolve: NameResolver = systemResolver): Promise<ServerAnswer[]> {
  const { recordName, type } = app.regions[0]!.dns;
  const answers = await Promise.all(servers.map((server) => dns.query(server, recordName, type, ANSWER_DEADLINE_MS)));
  const aliasAddresses = new Map<string, Promise<string[]>>();
  const addressesOf = (name: string) => {
    if (!aliasAddresses.has(name)) aliasAddresses.set(name, resolve(name).catch(() => []));
    return aliasAddresses.get(name)!;
  };
  return Promise.all(
    answers.map(async (answer): Promise<ServerAnswer> => {
      const out: ServerAnswer = { server: answer.server, values: answer.values };
      if (answer.error !== undefined) out.error = answer.error;
      const region = await regionOfAnswer(app, answer.values, addressesOf);
      if (region !== undefined) out.region = region;
      return out;
    }),
  );
}

async function regionOfAnswer(app: AppConfig, values: string[], addressesOf: (name: string) => Promise<string[]>): Promise<string | undefined> {
  if (values.length === 0) return undefined;
  const answered = new Set(values.map((v) => (v.includes(':') || /^[0-9.]+$/.test(v) ? v : canonicalName(v))));
  for (const region of app.regions) {
    const { value, alias } = region.dns;
    if (value !== undefined && answered.has(/^[0-9.:]+$/.test(value) ? value : canonicalName(value))) return region.name;
    if (alias && answered.has(canonicalName(alias.dnsName))) return region.name;
  }
  for (const region of app.regions) {
    const alias = region.dns.alias;
    if (alias && (await addressesOf(alias.dnsName)).some((a) => answered.has(a))) return region.name;
  }
  return undefined;
}

/** The region a strict majority of the servers answer with, if any. */
export function majorityRegion(answers: ServerAnswer[]): string | undefined {
  const counts = new Map<string, number>();
  for (const a of answers) if (a.region !== undefined) counts.set(a.region, (counts.get(a.region) ?? 0) + 1);
  for (const [region, count] of counts) if (count * 2 > answers.length) return region;
  return undefined;
}

/** `ns1 → eu-west-1; ns2 → no answer within 2000 ms` */
export function describeAnswers(answers: ServerAnswer[]): string {
  return answers.map((a) => `${a.server} → ${a.region ?? (a.error ?? (a.values.length ? `${a.values.join(', ')} (no region's target)` : 'no record'))}`).join('; ');
}
