import { lookup } from 'node:dns/promises';
import type { AppConfig } from '../config/types.js';
import { canonicalName } from '../dns/targets.js';
import type { AuthoritativeDns, DnsAnswer } from '../ports/traffic-switch.js';

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
 * Queries per server with weighted records: Route 53 picks one healthy
 * record at random for each answer, so while the old and the new region are
 * both healthy a single answer names the target about as often as not. A
 * server counts for a region only when every one of its answers names it
 * (a both-healthy moment passes 3 queries with probability 1/8 per server).
 */
export const WEIGHTED_QUERIES = 3;

/**
 * Ask each of the zone's authoritative name servers, directly over DNS and
 * at once, which target the application's name has, and map each answer to
 * a region: a CNAME or a plain value names the region whose `dns.value` it
 * is; an alias is answered by Route 53 as its target's addresses (or, in the
 * simulated world, as a CNAME to it), so an alias region is named by its
 * target's name or by any of the addresses that name resolves to.
 */
export async function askNameServers(
  dns: AuthoritativeDns,
  servers: string[],
  app: AppConfig,
  resolve: NameResolver = systemResolver,
): Promise<ServerAnswer[]> {
  const { recordName, type, routing } = app.regions[0]!.dns;
  const queries = routing === 'weighted' ? WEIGHTED_QUERIES : 1;
  const answers = await Promise.all(servers.map((server) => askRepeatedly(dns, server, recordName, type, queries)));
  const aliasAddresses = new Map<string, Promise<string[]>>();
  const addressesOf = (name: string) => {
    if (!aliasAddresses.has(name))
      aliasAddresses.set(
        name,
        resolve(name).catch(() => []),
      );
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

/** One server asked `times` times in a row: its answer, or (answers that differ) all their values, which name no single region. */
async function askRepeatedly(
  dns: AuthoritativeDns,
  server: string,
  name: string,
  type: 'A' | 'AAAA' | 'CNAME',
  times: number,
): Promise<DnsAnswer> {
  const first = await dns.query(server, name, type, ANSWER_DEADLINE_MS);
  for (let i = 1; i < times && first.error === undefined; i++) {
    const next = await dns.query(server, name, type, ANSWER_DEADLINE_MS);
    if (next.error !== undefined) return next;
    if (next.values.join() !== first.values.join()) return { server, values: [...new Set([...first.values, ...next.values])] };
  }
  return first;
}

/** The one region every value of an answer names; none when a value names no region, or values name two. */
async function regionOfAnswer(
  app: AppConfig,
  values: string[],
  addressesOf: (name: string) => Promise<string[]>,
): Promise<string | undefined> {
  if (values.length === 0) return undefined;
  const regions = new Set<string>();
  for (const value of values) {
    const region = await regionOfValue(app, value, addressesOf);
    if (region === undefined) return undefined;
    regions.add(region);
  }
  return regions.size === 1 ? [...regions][0] : undefined;
}

async function regionOfValue(app: AppConfig, value: string, addressesOf: (name: string) => Promise<string[]>): Promise<string | undefined> {
  const address = isAddress(value);
  const answered = comparable(value);
  for (const region of app.regions) {
    const { value: configured, alias } = region.dns;
    if (configured !== undefined && answered === comparable(configured))
      return region.name;
    if (alias && answered === canonicalName(alias.dnsName)) return region.name;
  }
  if (!address) return undefined;
  for (const region of app.regions) {
    if (region.dns.alias && (await addressesOf(region.dns.alias.dnsName)).includes(answered)) return region.name;
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
  return answers
    .map((a) => `${a.server} → ${a.region ?? a.error ?? (a.values.length ? `${a.values.join(', ')} (no region's target)` : 'no record')}`)
    .join('; ');
}

/** An IPv4 or IPv6 address, as A and AAAA answers hold them. */
function isAddress(value: string): boolean {
  return /^[0-9.]+$/.test(value) || value.includes(':');
}

/** An address as it is; a name in Route 53's form (lower case, trailing dot). */
function comparable(value: string): string {
  return isAddress(value) ? value : canonicalName(value);
}
