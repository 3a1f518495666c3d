import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/errors/errors.js';
import { AuthoritativeDnsServer, type SimZoneAnswer } from '../../../src/sim/authoritative-dns-server.js';

const zone: SimZoneAnswer = (name, type) => {
  if (name === 'app.example.com') return [{ type: 'CNAME', ttl: 60, values: ['App-East.Example.com'] }];
  if (name === 'app-east.example.com') return type === 'A' ? [{ type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] }] : [];
  if (name === 'big.example.com') return [{ type: 'A', ttl: 60, values: Array.from({ length: 60 }, (_, i) => `198.51.100.${i}`) }];
  if (name === 'broken.example.com') throw new Error('zone bug');
  return undefined;
};

/** Sends raw bytes to the server and resolves with the decoded reply, or undefined after `waitMs`. */
function exchange(port: number, packet: Buffer, waitMs = 300): Promise<dnsPacket.DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => done(undefined), waitMs);
    const done = (reply: dnsPacket.DecodedPacket | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    socket.on('message', (message) => done(dnsPacket.decode(message)));
    socket.send(packet, port, '127.0.0.1');
  });
}

function query(name: string, type: dnsPacket.RecordType, extra: Partial<dnsPacket.Packet> = {}): Buffer {
  const questions: dnsPacket.Question[] = [{ type, name, class: 'IN' }];
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions, ...extra });
}

const rcode = (reply: dnsPacket.DecodedPacket | undefined): number => (reply?.flags ?? -1) & 0xf;

describe('AuthoritativeDnsServer', () => {
  const servers: AuthoritativeDnsServer[] = [];

  async function started(answer: SimZoneAnswer = zone, port = 0): Promise<AuthoritativeDnsServer> {
    const server = new AuthoritativeDnsServer(answer, 'Example.COM.', { port });
    servers.push(server);
    await server.start();
    return server;
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('answers with AA, echoing id, question and RD, and reports where it listens', async () => {
    const server = await started();
    const { host, port } = server.address();
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(server.server()).toBe(`127.0.0.1:${port}`);
    const reply = await exchange(port, query('APP-east.example.com.', 'A'));
    expect(reply).toMatchObject({ type: 'response', id: 4242, flag_aa: true, flag_rd: true, flag_ra: false });
    expect(reply?.questions).toEqual([{ name: 'APP-east.example.com', type: 'A', class: 'IN' }]);
    expect(rcode(reply)).toBe(0);
    expect(reply?.answers?.map((a) => 'data' in a && a.data)).toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('hands the zone callback lower-case names without the trailing dot', async () => {
    const asked: [string, string][] = [];
    const server = await started((name, type) => {
      asked.push([name, type]);
      return [];
    });
    await exchange(server.address().port, query('WWW.Example.Com.', 'AAAA'));
    expect(asked).toEqual([['www.example.com', 'AAAA']]);
  });

  it('answers a CNAME for an A query on an aliased name', async () => {
    const server = await started();
    const reply = await exchange(server.address().port, query('app.example.com', 'A'));
    expect(reply?.answers).toMatchObject([{ type: 'CNAME', name: 'app.example.com', ttl: 60, data: 'App-East.Example.com' }]);
  });

  it('says NXDOMAIN and NODATA with the zone SOA in the authority section', async () => {
    const server = await started();
    const missing = await exchange(server.address().port, query('nope.example.com', 'A'));
    expect(rcode(missing)).toBe(3);
    expect(missing?.flag_aa).toBe(true);
    expect(missing?.answers).toEqual([]);
    expect(missing?.authorities).toMatchObject([{ type: 'SOA', name: 'example.com' }]);
    const empty = await exchange(server.address().port, query('app-east.example.com', 'AAAA'));
    expect(rcode(empty)).toBe(0);
    expect(empty?.answers).toEqual([]);
    expect(empty?.authorities).toMatchObject([{ type: 'SOA', name: 'example.com' }]);
  });

  it('refuses names outside its zone, without AA', async () => {
    const server = await started();
    const reply = await exchange(server.address().port, query('example.org', 'A'));
    expect(rcode(reply)).toBe(5);
    expect(reply?.flag_aa).toBe(false);
    const lookalike = await exchange(server.address().port, query('notexample.com', 'A'));
    expect(rcode(lookalike)).toBe(5);
  });

  it('answers every question of a query', async () => {
    const server = await started();
    const twoQuestions = dnsPacket.encode({
      type: 'query', id: 7, questions: [{ type: 'A', name: 'app-east.example.com' }, { type: 'CNAME', name: 'app.example.com' }],
    });
    const reply = await exchange(server.address().port, twoQuestions);
    expect(reply?.answers?.map((a) => a.type)).toEqual(['A', 'A', 'CNAME']);
  });

  it('answers SERVFAIL when the zone callback throws', async () => {
    const server = await started();
    expect(rcode(await exchange(server.address().port, query('broken.example.com', 'A')))).toBe(2);
  });

  it('truncates an answer too large for 512 bytes unless EDNS allows it', async () => {
    const server = await started();
    const plain = await exchange(server.address().port, query('big.example.com', 'A'));
    expect(plain).toMatchObject({ flag_tc: true, answers: [] });
    const opt: dnsPacket.OptAnswer = {
      type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [],
    };
    const edns = await exchange(server.address().port, query('big.example.com', 'A', { additionals: [opt] }));
    expect(edns?.flag_tc).toBe(false);
    expect(edns?.answers).toHaveLength(60);
  });

  it('ignores malformed packets and responses, and keeps answering', async () => {
    const server = await started();
    const port = server.address().port;
    expect(await exchange(port, Buffer.from('not a dns packet'), 100)).toBeUndefined();
    expect(await exchange(port, Buffer.alloc(3), 100)).toBeUndefined();
    const truncatedQuestion = query('app.example.com', 'A').subarray(0, 20);
    expect(await exchange(port, truncatedQuestion, 100)).toBeUndefined();
    const response = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'app.example.com' }] });
    expect(await exchange(port, response, 100)).toBeUndefined();
    expect(server.stats()).toEqual({ ignored: 4, answered: 0 });
    const reply = await exchange(port, query('app.example.com', 'CNAME'));
    expect(reply?.answers).toHaveLength(1);
    expect(server.stats()).toEqual({ ignored: 4, answered: 1 });
  });

  it('rejects with a user error naming the port when the port is taken', async () => {
    const first = await started();
    const port = first.address().port;
    const second = new AuthoritativeDnsServer(zone, 'example.com', { port });
    const failure = second.start();
    await expect(failure).rejects.toBeInstanceOf(UserInputError);
    await expect(failure).rejects.toThrow(`127.0.0.1:${port}`);
    expect(() => second.address()).toThrow(/not started/);
    // The first server is unaffected.
    expect((await exchange(port, query('app.example.com', 'A')))?.answers).toHaveLength(1);
  });

  it('listens again on the same fixed port after a stop, and stop is idempotent', async () => {
    const server = await started();
    const port = server.address().port;
    await server.stop();
    await server.stop();
    expect(() => server.address()).toThrow(/start\(\)/);
    const again = await started(zone, port);
    expect(again.address().port).toBe(port);
  });
});
