/**
 * API throughput: `tsx bench/api-throughput.ts [--seconds 1]`.
 *
 * GET /status of the real API (buildApp over a controller on the simulated
 * world, its loop running) under autocannon, against a bare Fastify route
 * set up the same way (same process composition, same Fastify options,
 * returning the same /status JSON taken at start). Each server runs in its
 * own process (bench/lib/api-server-child.ts, bundled with esbuild and run
 * with plain `node`); autocannon runs here, on
 * loopback. Both servers start together and take the load in turns
 * (alternating which goes first), after a 1 s warm-up of each; three fresh
 * pairs of server processes, since one process's speed is not the next one's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { BENCH_TOKEN } from './lib/bench-token.js';
import { bundleChild } from './lib/bundle-child.js';
import { type Headline, machine, measuredLine, median, ms, pinForLoopback, pinned, ROOT, saveHeadlines, writeSection, yesNo } from './lib/report.js';

const CONNECTIONS = 10;
const TURNS = 3;
/** Fresh server processes per pair: one pair can differ from the next by 20% or more for its whole life. */
const PAIRS = 3;
const TARGET_RATIO = 0.5;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds);
if (!(seconds >= 1 && seconds <= 60)) throw new Error(`--seconds: must be between 1 and 60, got ${values.seconds}`);

type Variant = 'status' | 'bare';
interface Server {
  variant: Variant;
  child: ChildProcess;
  url: string;
  bytes: number;
}

async function startServer(variant: Variant): Promise<Server> {
  const [command, args] = pinned(process.execPath, [childFile, variant]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code} before listening`)));
  });
  const { port, bytes } = JSON.parse(line) as { port: number; bytes: number };
  return { variant, child, url: `http://127.0.0.1:${port}/status`, bytes };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const load = machine();
const pin = pinForLoopback();
const childFile = await bundleChild('bench/lib/api-server-child.ts');
// The real API checks a bearer token on every read; the bare route gets the same header and ignores it.
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };
const results: Record<Variant, Result[]> = { status: [], bare: [] };
/** Per pair of server processes, the median ratio of its turns. */
const pairMedians: number[] = [];
let bytes = 0;
for (let pair = 0; pair < PAIRS; pair++) {
  const servers = await Promise.all((['status', 'bare'] as const).map(startServer));
  try {
    bytes = servers.find((s) => s.variant === 'status')!.bytes;
    for (const server of servers) await autocannon({ url: server.url, headers: AUTH, connections: CONNECTIONS, duration: 1 });
    const mine: Record<Variant, Result[]> = { status: [], bare: [] };
    for (let turn = 0; turn < TURNS; turn++) {
      // Alternate which goes first, so that neither always follows the other.
      for (const server of turn % 2 === 0 ? servers : [...servers].reverse()) {
        mine[server.variant].push(await autocannon({ url: server.url, headers: AUTH, connections: CONNECTIONS, duration: seconds }));
      }
    }
    pairMedians.push(median(mine.status.map((r, i) => r.requests.total / r.duration / (mine.bare[i]!.requests.total / mine.bare[i]!.duration))));
    results.status.push(...mine.status);
    results.bare.push(...mine.bare);
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

const sum = (rs: Result[]) => {
  const requests = rs.reduce((n, r) => n + r.requests.total, 0);
  const duration = rs.reduce((n, r) => n + r.duration, 0);
  return {
    perSecond: requests / duration,
    p99: Math.max(...rs.map((r) => r.latency.p99)),
    bad: rs.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
    requests,
    turns: rs.map((r) => r.requests.total / r.duration),
  };
};
const status = sum(results.status);
const bare = sum(results.bare);
// Per turn against the adjacent bare turn, then the median: load from elsewhere on the machine hits adjacent turns alike.
const pairRatios = status.turns.map((t, i) => t / bare.turns[i]!);
const ratio = median(pairRatios);
const ok = ratio >= TARGET_RATIO && status.bad === 0;

const body = [
  '## API throughput: GET /status under load',
  '',
  '```sh',
  `npm run bench            # runs tsx bench/api-throughput.ts --seconds ${seconds}`,
  '```',
  '',
  `${measuredLine(load)}`,
  '',
  `autocannon (${CONNECTIONS} connections, keep-alive, no pipelining) on loopback against two servers, each in its own \`node\` process (bundled with esbuild), both composing the same controller on the simulated world with its loop running (two regions, probe interval 1 s, rise threshold 1 so that it is ready at once, both healthy): ` +
    `the real API (\`buildApp\`, GET /status, whose view the controller builds and serialises once per change: every probe round here, so once a second, and at every step of a run; see src/api/status-snapshot.ts) and, as the baseline, a bare Fastify instance with the options \`buildApp\` uses and one route returning the same /status JSON (${bytes.toLocaleString('en-US')} bytes) taken at start. ` +
    `The servers take the load in turns (status then bare, then bare then status, and so on), ${TURNS} turns of ${seconds} s each after a 1 s warm-up of each; short turns, because this machine's speed drifts within seconds. ` +
    `That is repeated with ${PAIRS} fresh pairs of server processes, because on this machine one pair of processes can differ from the next by 20% or more for its whole life, for the same code. The ratio is the median over all turns of a /status turn's rate against the adjacent bare turn (load from elsewhere on the machine hits adjacent turns alike); the rates are requests over time across all turns; p99 is the worst turn's (autocannon's latency resolution is 1 ms). ${pin.note}`,
  '',
  '| figure | GET /status | bare Fastify route | ratio | target | met |',
  '|---|---|---|---|---|---|',
  `| requests per second (median ratio of adjacent turns) | ${Math.round(status.perSecond).toLocaleString('en-US')} | ${Math.round(bare.perSecond).toLocaleString('en-US')} | ${ratio.toFixed(2)} x | ≥ ${TARGET_RATIO} x bare | ${yesNo(ratio >= TARGET_RATIO)} |`,
  `| ratio per pair of server processes (median of its turns) | | | ${pairMedians.map((r) => r.toFixed(2)).join(', ')} | | |`,
  `| latency p99 | ${ms(status.p99, 1)} | ${ms(bare.p99, 1)} | | (reported) | |`,
  `| time per request at that rate (1 / rate) | ${((1 / status.perSecond) * 1e6).toFixed(0)} µs | ${((1 / bare.perSecond) * 1e6).toFixed(0)} µs | | | |`,
  `| errors, timeouts, non-2xx | ${status.bad} | ${bare.bad} | | 0 | ${yesNo(status.bad === 0)} |`,
  '',
  ratio >= TARGET_RATIO
    ? `The target is met: a request to /status costs about ${Math.max(0, (1 / status.perSecond - 1 / bare.perSecond) * 1e6).toFixed(0)} µs more (1 / rate, across all turns) than the bare route's. That is the security every answer carries (the bearer token hashed with SHA-256 and compared in constant time with each configured hash, twelve security headers, validation of the empty query and params) and one more hook pass; the view itself (the controller's judgement of every region, the store's latest run, the availability report) is built and serialised once per change, not per request (src/api/status-snapshot.ts). Built per request, as before that, /status measured 0.41 x here: building the view and serialising a fresh object cost about half of each request.`
    : `The target is missed: a request to /status costs ${((1 / status.perSecond - 1 / bare.perSecond) * 1e6).toFixed(0)} µs more (1 / rate) than the bare route's. ` +
      'The view is already built and serialised once per change (src/api/status-snapshot.ts), so what is left per request is the security envelope (token hash and constant-time comparison, security headers, validation of the empty query and params) and the hooks that carry it. ' +
      'Find where it goes with a CPU profile of the /status server under the same load: `sleep 40 | node --cpu-prof --import tsx bench/lib/api-server-child.ts status` and autocannon against the port it prints.',
].join('\n');

writeSection('api-throughput', body);
saveHeadlines('api-throughput', [
  { benchmark: 'API throughput', anchor: 'api-throughput-get-status-under-load', figure: `GET /status ${Math.round(status.perSecond).toLocaleString('en-US')} req/s = ${ratio.toFixed(2)} x bare; p99 ${ms(status.p99, 1)}`, target: `≥ ${TARGET_RATIO} x`, pass: ok },
] satisfies Headline[]);
process.stdout.write(`${body}\n`);
