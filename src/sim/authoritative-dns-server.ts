import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import { UserInputError } from '../errors/errors.js';

/** One record set the simulated zone answers with. */
export interface SimDnsRecordSet {
  type: 'A' | 'AAAA' | 'CNAME';
  ttl: number;
  values: string[];
}

/**
 * The zone's content: the record sets answering `name` (lower case, no trailing dot) and `type`
 * (as asked: 'A', 'AAAA', 'CNAME', 'SOA'...). `undefined`: the name is not in the zone (NXDOMAIN);
 * `[]`: the name exists without records of that type (NODATA). For an A query on a name that is a
 * CNAME, return the CNAME set, as a real authoritative server does.
 */
export type SimZoneAnswer = (name: string, type: string) => SimDnsRecordSet[] | undefined;

/** Where to listen. */
export interface AuthoritativeDnsServerOptions {
  /** Default 127.0.0.1 (an IPv6 address listens on udp6). */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
}

const [NOERROR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED] = [0, 2, 3, 4, 5] as const;
const AA = dnsPacket.AUTHORITATIVE_ANSWER;
/** Without EDNS a UDP answer may not exceed 512 bytes (RFC 1035); larger ones are sent truncated. */
const CLASSIC_UDP_LIMIT = 512;
/** Route 53's SOA timers: the 86 400 s minimum (capped by the SOA's 900 s TTL) is how long NXDOMAIN is cached. */
const SOA_TIMERS = { refresh: 7200, retry: 900, expire: 1_209_600, minimum: 86_400 };

/**
 * The zone's authoritative name server in the simulated world: a real UDP DNS
 * server on loopback (dgram + dns-packet), so the real verification client is
 * exercised over real sockets. It answers with AA set, refuses names outside
 * its zone, and ignores packets it cannot parse.
 */
export class AuthoritativeDnsServer {
  private readonly zone: string;
  private readonly host: string;
  private readonly requestedPort: number;
  private socket: Socket | undefined;
  private boundPort: number | undefined;
  private ignoredPackets = 0;
  private answeredQueries = 0;

  constructor(
    private readonly answer: SimZoneAnswer,
    zoneApex: string,
    options: AuthoritativeDnsServerOptions = {},
  ) {
    this.zone = bare(zoneApex);
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
  }

  /** Bind and serve. Rejects (a UserInputError naming the port) when the port is taken. */
  async start(): Promise<{ host: string; port: number }> {
    if (this.socket !== undefined) return this.address();
    const socket = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) => {
        socket.removeAllListeners('error');
        try {
          socket.close();
        } catch {
          // A socket whose bind failed may already count as closed.
        }
        reject(this.bindError(err));
      });
      socket.bind(this.requestedPort, this.host, () => {
        socket.removeAllListeners('error');
        resolve();
      });
    });
    // After binding, a send error (e.g. ICMP from a vanished client) must not crash the process.
    socket.on('error', () => undefined);
    socket.on('message', (message, peer) => this.handle(message, peer));
    this.socket = socket;
    this.boundPort = socket.address().port;
    return this.address();
  }

  /** Stop listening. Safe to call twice. */
  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.boundPort = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(resolve));
  }

  /** Where it listens. Throws before start(). */
  address(): { host: string; port: number } {
    if (this.boundPort === undefined) throw new Error('the authoritative DNS server is not started: call start() first');
    return { host: this.host, port: this.boundPort };
  }

  /** `host:port` (or `[v6]:port`), the form AuthoritativeDns.query takes. */
  server(): string {
    const { host, port } = this.address();
    return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  }

  /** `ignored`: packets dropped as not parseable queries; `answered`: queries answered, whatever the rcode. */
  stats(): { ignored: number; answered: number } {
    return { ignored: this.ignoredPackets, answered: this.answeredQueries };
  }

  private bindError(err: NodeJS.ErrnoException): Error {
    const where = `UDP ${this.host}:${this.requestedPort}`;
    const who = 'the simulated authoritative DNS server cannot listen on';
    if (err.code === 'EADDRINUSE') return new UserInputError(`${who} ${where}: another process holds it; free it or choose another port`);
    if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL')
      return new UserInputError(`${who} ${where} (${err.code}); pick another port`);
    return err;
  }

  private handle(message: Buffer, peer: RemoteInfo): void {
    const query = decodeOrUndefined(message);
    // Garbage, responses (answering those could ping-pong forever between two servers) and empty queries are dropped.
    if (query === undefined || query.type !== 'query' || (query.questions ?? []).length === 0) {
      this.ignoredPackets++;
      return;
    }
    let reply: Buffer;
    try {
      reply = this.reply(query);
    } catch {
      // A record the codec refuses (say, a bad address from the zone callback) is a SERVFAIL, not a crash.
      reply = dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: AA | SERVFAIL, questions: query.questions ?? [] });
    }
    this.socket?.send(reply, peer.port, peer.address);
    this.answeredQueries++;
  }

  private reply(query: dnsPacket.DecodedPacket): Buffer {
    const questions = query.questions ?? [];
    const opcode = ((query.flags ?? 0) >> 11) & 0xf;
    const answers: dnsPacket.Answer[] = [];
    let rcode: number = opcode === 0 ? NOERROR : NOTIMP;
    for (const [index, question] of opcode === 0 ? questions.entries() : []) {
      const result = this.lookup(question);
      // Queries carry one question in practice; the first one sets the rcode, every one is answered.
      if (index === 0) rcode = result.rcode;
      answers.push(...result.answers);
    }
    const empty = answers.length === 0 && (rcode === NOERROR || rcode === NXDOMAIN);
    const packet: dnsPacket.Packet = {
      type: 'response',
      id: query.id ?? 0,
      // AA for the zone's own answers (not on refusing a name outside it, like Route 53); RD copied (RFC 1035); no RA.
      flags: (rcode === REFUSED ? 0 : AA) | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | (opcode << 11) | rcode,
      questions,
      answers,
      authorities: empty ? [this.soa()] : [],
    };
    const encoded = dnsPacket.encode(packet);
    const opt = query.additionals?.find((a) => a.type === 'OPT');
    const limit = Math.max(CLASSIC_UDP_LIMIT, opt !== undefined && 'udpPayloadSize' in opt ? opt.udpPayloadSize : 0);
    if (encoded.length <= limit) return encoded;
    return dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
  }

  private lookup(question: dnsPacket.Question): { rcode: number; answers: dnsPacket.Answer[] } {
    const name = bare(question.name);
    if (name !== this.zone && !name.endsWith(`.${this.zone}`)) return { rcode: REFUSED, answers: [] };
    let sets: SimDnsRecordSet[] | undefined;
    try {
      sets = this.answer(name, question.type);
    } catch {
      return { rcode: SERVFAIL, answers: [] }; // A broken zone callback is the server's failure, not the process's.
    }
    if (sets === undefined) return { rcode: NXDOMAIN, answers: [] };
    const answers = sets.flatMap((set) =>
      set.values.map((data): dnsPacket.Answer => ({ type: set.type, name: question.name, ttl: set.ttl, class: 'IN', data })),
    );
    return { rcode: NOERROR, answers };
  }

  /** The SOA in the authority section of NXDOMAIN/NODATA, so resolvers can cache the negative answer (RFC 2308). */
  private soa(): dnsPacket.Answer {
    const data = { mname: `ns-1.${this.zone}`, rname: `hostmaster.${this.zone}`, serial: 1, ...SOA_TIMERS };
    return { type: 'SOA', name: this.zone, ttl: 900, class: 'IN', data };
  }
}

function decodeOrUndefined(message: Buffer): dnsPacket.DecodedPacket | undefined {
  try {
    return dnsPacket.decode(message);
  } catch {
    return undefined;
  }
}

/** Lower case without the trailing dot: how names are compared and handed to the zone callback. */
function bare(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
