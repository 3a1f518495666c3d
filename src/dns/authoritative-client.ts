import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import type { AuthoritativeDns, DnsAnswer } from '../ports/traffic-switch.js';

/** Resolves a name server's host name to one address (node's `dns.lookup` by default; injected in tests). */
export type HostLookup = (hostname: string) => Promise<{ address: string; family: number }>;

/** Record types {@link UdpAuthoritativeDns} asks for. */
export type AuthoritativeQueryType = 'A' | 'AAAA' | 'CNAME';

const DNS_PORT = 53;
/** EDNS with the DNS Flag Day 2020 payload size, so a large A set is not truncated at 512 bytes. */
const EDNS_OPT: dnsPacket.OptAnswer = {
  type: 'OPT',
  name: '.',
  udpPayloadSize: 1232,
  extendedRcode: 0,
  ednsVersion: 0,
  flags: 0,
  flag_do: false,
  options: [],
};

/**
 * Asks one authoritative name server directly over UDP (RD off), the way a
 * switch is verified where clients see it. Uses `dns-packet` for the wire
 * format; one socket per query, connected to the server so the kernel drops
 * datagrams from anyone else, and always closed.
 */
export class UdpAuthoritativeDns implements AuthoritativeDns {
  private readonly lookup: HostLookup;

  constructor(lookup?: HostLookup) {
    this.lookup = lookup ?? ((hostname) => dnsLookup(hostname));
  }

  /** See {@link AuthoritativeDns.query}. Never throws: every failure is an answer with `error`. */
  async query(server: string, name: string, type: AuthoritativeQueryType, deadlineMs: number): Promise<DnsAnswer> {
    const fail = (error: string): DnsAnswer => ({ server, values: [], error });
    try {
      const target = parseServer(server);
      if (target === undefined) return fail(`invalid server "${server}": expected host, host:port, an IP address or [v6]:port`);
      if (!isValidName(name)) return fail(`invalid DNS name "${name}"`);
      const started = performance.now();
      const timeout = `no answer within ${deadlineMs} ms`;
      let address = target.host;
      let family = isIP(address);
      if (family === 0) {
        // The lookup counts against the deadline: a stuck resolver must not stretch a verification.
        const resolved = await withDeadline(this.lookup(target.host), deadlineMs);
        if (resolved === 'deadline') return fail(`${timeout} (resolving ${target.host})`);
        if ('error' in resolved) return fail(`cannot resolve ${target.host}: ${describe(resolved.error)}`);
        address = resolved.value.address;
        family = resolved.value.family === 6 || isIP(address) === 6 ? 6 : 4;
      }
      const remaining = deadlineMs - (performance.now() - started);
      if (remaining <= 0) return fail(timeout);
      const retryAt = Math.max(0, deadlineMs / 2 - (performance.now() - started));
      const reply = await exchange({ address, family, port: target.port }, name, type, remaining, retryAt);
      if (typeof reply === 'string') return fail(reply === 'deadline' ? timeout : `${timeout} (${reply})`);
      return interpret(server, name, type, reply);
    } catch (err) {
      return fail(describe(err));
    }
  }
}

/** Splits `host`, `host:port`, an IPv4/IPv6 address or `[v6]:port`; undefined when malformed. */
function parseServer(server: string): { host: string; port: number } | undefined {
  const text = server.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 ? withPort(bracketed[1] ?? '', bracketed[2]) : undefined;
  if (isIP(text) !== 0) return { host: text, port: DNS_PORT };
  const parts = text.split(':');
  if (parts.length > 2 || (parts[0] ?? '') === '') return undefined;
  return withPort(parts[0] ?? '', parts[1]);
}

function withPort(host: string, port: string | undefined): { host: string; port: number } | undefined {
  if (port === undefined) return { host, port: DNS_PORT };
  const value = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  return value >= 1 && value <= 65535 ? { host, port: value } : undefined;
}

/** dns-packet does not check label lengths, and an over-long label would corrupt the query. */
function isValidName(name: string): boolean {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > 253) return false;
  return bare.split('.').every((label) => label.length >= 1 && Buffer.byteLength(label) <= 63);
}

type Settled<T> = { value: T } | { error: unknown };

function withDeadline<T>(work: Promise<T>, ms: number): Promise<Settled<T> | 'deadline'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), ms)));
  const settled = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
}

/**
 * One query, sent again once at `retryAtMs` (UDP may drop either way); resolves with
 * the first matching reply, 'deadline', or the last socket error seen at the deadline.
 */
function exchange(
  to: { address: string; family: number; port: number },
  name: string,
  type: AuthoritativeQueryType,
  deadlineMs: number,
  retryAtMs: number,
): Promise<dnsPacket.DecodedPacket | string> {
  const { address, family, port } = to;
  const id = randomInt(0, 65536);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: 0, // RD off: the authoritative server answers from its own zone, never recursing.
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ ...EDNS_OPT, options: [] }],
  });
  return new Promise((resolve) => {
    const socket: Socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    const timers: NodeJS.Timeout[] = [];
    let lastError: string | undefined;
    let done = false;
    const finish = (result: dnsPacket.DecodedPacket | string): void => {
      if (done) return;
      done = true;
      timers.forEach(clearTimeout);
      try {
        socket.close();
      } catch {
        // Already closed (e.g. after a bind failure): nothing left to release.
      }
      resolve(result);
    };
    // A port with nothing listening shows as ECONNREFUSED on a connected socket; the retry may still
    // reach a server that was restarting, so remember it and report it at the deadline.
    socket.on('error', (err) => (lastError = describe(err)));
    socket.on('message', (message: Buffer) => {
      const reply = decodeReply(message);
      if (reply !== undefined && matches(reply, id, name, type)) finish(reply);
    });
    const send = (): void => socket.send(query, (err) => err && (lastError = describe(err)));
    timers.push(setTimeout(() => finish(lastError ?? 'deadline'), deadlineMs));
    // On failure node calls this with the error instead of emitting 'connect' (the typings omit the argument).
    socket.connect(port, address, (err?: Error) => {
      if (err) return finish(describe(err));
      if (done) return;
      send();
      if (retryAtMs > 0 && retryAtMs < deadlineMs) timers.push(setTimeout(send, retryAtMs));
    });
  });
}

function decodeReply(message: Buffer): dnsPacket.DecodedPacket | undefined {
  try {
    return dnsPacket.decode(message);
  } catch {
    return undefined; // Garbage on the wire is not an answer; keep waiting for one.
  }
}

/** A reply is ours when it is a response with our id and echoes our one question. */
function matches(reply: dnsPacket.DecodedPacket, id: number, name: string, type: string): boolean {
  const question = reply.questions?.[0];
  return (
    reply.type === 'response' &&
    reply.id === id &&
    reply.questions?.length === 1 &&
    question !== undefined &&
    question.type === type &&
    sameName(question.name, name)
  );
}

const RCODES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH' };

function interpret(server: string, name: string, type: AuthoritativeQueryType, reply: dnsPacket.DecodedPacket): DnsAnswer {
  const rcode = (reply.flags ?? 0) & 0xf;
  // NXDOMAIN is read like NOERROR: a CNAME whose in-zone target does not exist comes back NXDOMAIN *with* the CNAME (RFC 6604).
  if (rcode !== 0 && rcode !== 3) return { server, values: [], error: `server answered ${RCODES[rcode] ?? `RCODE ${rcode}`}` };
  const answers = reply.answers ?? [];
  const owned = answers.filter((a): a is dnsPacket.StringAnswer => ['A', 'AAAA', 'CNAME'].includes(a.type) && sameName(a.name, name));
  // Asked for an address of a name that is a CNAME, the zone's own server answers the CNAME:
  // its target is what callers compare, not addresses from another zone.
  const cname = owned.find((a) => a.type === 'CNAME');
  if (cname !== undefined || type === 'CNAME') return { server, values: cname ? [canonical(cname.data)] : [] };
  const values = owned.filter((a) => a.type === type).map((a) => a.data);
  if (values.length === 0 && reply.flag_tc) return { server, values: [], error: 'answer truncated (TC) and TCP is not used' };
  return { server, values };
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function sameName(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  return code === undefined || err.message.includes(code) ? err.message : `${code}: ${err.message}`;
}
