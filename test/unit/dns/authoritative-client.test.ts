import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UdpAuthoritativeDns, type HostLookup } from '../../../src/dns/authoritative-client.js';
import { AuthoritativeDnsServer, type SimZoneAnswer } from '../../../src/sim/authoritative-dns-server.js';

const zone: SimZoneAnswer = (name, type) => {
  if (name === 'app.example.com') return [{ type: 'CNAME', ttl: 60, values: ['App-East.Example.com'] }];
  if (name === 'app-east.example.com') {
    if (type === 'A') return [{ type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] }];
    if (type === 'AAAA') return [{ type: 'AAAA', ttl: 60, values: ['2001:db8::1'] }];
    return [];
  }
  return undefined;
};

/** A UDP peer on loopback whose replies the test writes; it records every query it receives. */
type Replier = (query: dnsPacket.DecodedPacket) => dnsPacket.Packet[];
type FakeServer = { socket: Socket; port: number; queries: dnsPacket.DecodedPacket[] };

async function fakeServer(reply: Replier): Promise<FakeServer> {
  const socket = createSocket('udp4');
  const queries: dnsPacket.DecodedPacket[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    queries.push(query);
    for (const packet of reply(query)) socket.send(dnsPacket.encode(packet), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, queries };
}

const response = (query: dnsPacket.DecodedPacket, extra: Partial<dnsPacket.Packet>): dnsPacket.Packet => ({
  type: 'response', id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: query.questions, ...extra,
});

describe('UdpAuthoritativeDns', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  async function realServer(): Promise<string> {
    const server = new AuthoritativeDnsServer(zone, 'example.com');
    cleanups.push(() => server.stop());
    await server.start();
    return server.server();
  }

  async function fake(reply: Replier): Promise<FakeServer> {
    const peer = await fakeServer(reply);
    cleanups.push(() => peer.socket.close());
    return peer;
  }

  const dns = new UdpAuthoritativeDns();

  it('returns a CNAME target in lower case with a trailing dot', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'app.example.com', 'CNAME', 1_000)).toEqual({ server, values: ['app-east.example.com.'] });
  });

  it('returns the CNAME target when asked for A on an aliased name', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'app.example.com', 'A', 1_000)).toEqual({ server, values: ['app-east.example.com.'] });
  });

  it('returns A and AAAA addresses', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'app-east.example.com', 'A', 1_000)).toEqual({ server, values: ['192.0.2.1', '192.0.2.2'] });
    expect(await dns.query(server, 'app-east.example.com', 'AAAA', 1_000)).toEqual({ server, values: ['2001:db8::1'] });
  });

  it('answers no values for NXDOMAIN and for a name without records of the type', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'nope.example.com', 'A', 1_000)).toEqual({ server, values: [] });
    expect(await dns.query(server, 'app-east.example.com', 'CNAME', 1_000)).toEqual({ server, values: [] });
  });

  it('matches names in another case and with a trailing dot', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'APP.Example.COM.', 'CNAME', 1_000)).toEqual({ server, values: ['app-east.example.com.'] });
    expect(await dns.query(server, 'App-East.EXAMPLE.com', 'A', 1_000)).toEqual({ server, values: ['192.0.2.1', '192.0.2.2'] });
  });

  it('reports REFUSED from a server that is not authoritative for the name', async () => {
    const server = await realServer();
    expect(await dns.query(server, 'example.org', 'A', 1_000)).toEqual({ server, values: [], error: 'server answered REFUSED' });
  });

  it('reads the CNAME of an NXDOMAIN answer whose in-zone target does not exist', async () => {
    const dangling: dnsPacket.Answer = { type: 'CNAME', name: 'app.example.com', data: 'Gone.example.com' };
    const peer = await fake((q) => [response(q, { flags: dnsPacket.AUTHORITATIVE_ANSWER | 3, answers: [dangling] })]);
    const answer = await dns.query(`127.0.0.1:${peer.port}`, 'app.example.com', 'A', 1_000);
    expect(answer).toEqual({ server: `127.0.0.1:${peer.port}`, values: ['gone.example.com.'] });
  });

  it('reports SERVFAIL', async () => {
    const peer = await fake((q) => [response(q, { flags: 2 })]);
    const answer = await dns.query(`127.0.0.1:${peer.port}`, 'app.example.com', 'A', 1_000);
    expect(answer.values).toEqual([]);
    expect(answer.error).toContain('SERVFAIL');
  });

  it('gives up at the deadline when nothing answers, after sending the query twice with RD off', async () => {
    const peer = await fake(() => []);
    const server = `127.0.0.1:${peer.port}`;
    expect(await dns.query(server, 'app.example.com', 'CNAME', 200)).toEqual({ server, values: [], error: 'no answer within 200 ms' });
    await vi.waitFor(() => expect(peer.queries).toHaveLength(2));
    const [first, retry] = peer.queries;
    expect(first).toMatchObject({ type: 'query', flag_rd: false, questions: [{ name: 'app.example.com', type: 'CNAME', class: 'IN' }] });
    expect(retry?.id).toBe(first?.id);
  });

  it('reports the port-unreachable seen on the way when the deadline passes', async () => {
    const closed = await fake(() => []);
    const port = closed.port;
    await new Promise<void>((resolve) => closed.socket.close(() => resolve()));
    cleanups.pop();
    const answer = await dns.query(`127.0.0.1:${port}`, 'app.example.com', 'A', 200);
    expect(answer.values).toEqual([]);
    expect(answer.error).toMatch(/^no answer within 200 ms/);
  });

  it('ignores replies with another id or another question, and takes the matching one', async () => {
    const peer = await fake((q) => [
      response(q, { id: ((q.id ?? 0) + 1) % 65536, answers: [{ type: 'CNAME', name: 'app.example.com', data: 'wrong-id.example.com' }] }),
      // Same id, but the question of someone else's query.
      response(q, {
        questions: [{ type: 'CNAME', name: 'other.example.com' }],
        answers: [{ type: 'CNAME', name: 'app.example.com', data: 'other-question.example.com' }],
      }),
      response(q, { answers: [{ type: 'CNAME', name: 'app.example.com', data: 'Right.Example.com' }] }),
    ]);
    const answer = await dns.query(`127.0.0.1:${peer.port}`, 'app.example.com', 'CNAME', 1_000);
    expect(answer).toEqual({ server: `127.0.0.1:${peer.port}`, values: ['right.example.com.'] });
  });

  it('times out when the only reply carries a wrong id', async () => {
    const peer = await fake((q) => [response(q, { id: ((q.id ?? 0) + 1) % 65536 })]);
    expect((await dns.query(`127.0.0.1:${peer.port}`, 'app.example.com', 'A', 200)).error).toBe('no answer within 200 ms');
  });

  it('resolves a host-name server through the lookup first', async () => {
    const server = await realServer();
    const port = server.split(':')[1];
    const lookup = vi.fn<HostLookup>(async () => ({ address: '127.0.0.1', family: 4 }));
    const answer = await new UdpAuthoritativeDns(lookup).query(`ns-123.awsdns-45.com:${port}`, 'app.example.com', 'A', 1_000);
    expect(answer).toEqual({ server: `ns-123.awsdns-45.com:${port}`, values: ['app-east.example.com.'] });
    expect(lookup).toHaveBeenCalledWith('ns-123.awsdns-45.com');
  });

  it('reports a host name that does not resolve, or resolves too late', async () => {
    const failing = new UdpAuthoritativeDns(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND ns-1.invalid'), { code: 'ENOTFOUND' });
    });
    const unresolved = await failing.query('ns-1.invalid', 'app.example.com', 'A', 500);
    expect(unresolved.error).toBe('cannot resolve ns-1.invalid: getaddrinfo ENOTFOUND ns-1.invalid');
    const stuck = new UdpAuthoritativeDns(() => new Promise(() => undefined));
    const late = await stuck.query('ns-1.example.net', 'app.example.com', 'A', 200);
    expect(late.error).toBe('no answer within 200 ms (resolving ns-1.example.net)');
  });

  it('answers an error for a malformed server or name, without sending anything', async () => {
    const lookup = vi.fn<HostLookup>();
    const strict = new UdpAuthoritativeDns(lookup);
    for (const server of ['', 'host:0', 'host:99999', 'a:b:c', '[not-v6]:53', 'host:port']) {
      expect((await strict.query(server, 'app.example.com', 'A', 200)).error).toMatch(/^invalid server/);
    }
    expect((await strict.query('127.0.0.1', `${'x'.repeat(64)}.example.com`, 'A', 200)).error).toMatch(/^invalid DNS name/);
    expect((await strict.query('127.0.0.1', 'a..example.com', 'A', 200)).error).toMatch(/^invalid DNS name/);
    expect(lookup).not.toHaveBeenCalled();
  });
});
