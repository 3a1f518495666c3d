/**
 * The server of the status-page memory benchmark, in its own process:
 * `node --expose-gc --import tsx bench/lib/status-page-child.ts [unfixed]`.
 *
 * Local mode as `npm start` runs it: startLocal() with examples/failover.yaml
 * (its regions moved to free loopback ports), a fresh state directory, the
 * embedded dynalite on disk, the simulated world and the controller loop
 * running, the API on an ephemeral port. It prints
 * `{"url":…,"token":…}` once listening, then answers each `measure` line
 * on stdin with `{"heapMiB":…,"rssMiB":…,"openIterators":…}`, taken after
 * two full garbage collections. It stops when its stdin closes.
 *
 * `unfixed` starts dynalite without src/local/dynalite-iterators.ts, to
 * show the leak it closes (it marks dynalite's db module as already wrapped,
 * by the registry symbol that module checks).
 *
 * Not bundled like the other children: classic-level (dynalite's leveldb)
 * loads a native addon from its own directory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { systemClock } from '../../src/adapters/system-clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startLocal } from '../../src/local/start-local.js';
import { freePort } from '../../test/support/free-port.js';
import { ROOT } from './report.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
if (process.argv[2] === 'unfixed') (fromDynalite('./db/index.js') as Record<symbol, unknown>)[Symbol.for('failover-controller.dynalite-iterators')] = true;
const openIterators = countOpenIterators();

const dir = await mkdtemp(join(tmpdir(), 'status-page-memory-'));
// The example config with its two regions on ports nothing else uses (another `npm start` may hold 18101/18102).
const example = await readFile(join(ROOT, 'examples', 'failover.yaml'), 'utf8');
const yaml = example.replace(/127\.0\.0\.1:18101/g, `127.0.0.1:${await freePort()}`).replace(/127\.0\.0\.1:18102/g, `127.0.0.1:${await freePort()}`);
await writeFile(join(dir, 'failover.yaml'), yaml);
const config = await loadConfig(join(dir, 'failover.yaml'));
const stateDir = join(dir, 'state');
const local = await startLocal(config, { clock: systemClock, log: pino({ level: 'silent' }), stateDir, port: 0 });
const token = (await readFile(join(stateDir, 'api-token'), 'utf8')).trim();
process.stdout.write(`${JSON.stringify({ url: local.address, token })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'measure') return;
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ heapMiB: heapUsed / 2 ** 20, rssMiB: rss / 2 ** 20, openIterators: openIterators() })}\n`);
});
// The benchmark holds our stdin: when it is done (or dies), stop.
lines.on('close', () => {
  void local
    .close()
    .then(() => rm(dir, { recursive: true, force: true }))
    .finally(() => process.exit(0));
});

/** Open leveldb iterators, counted through abstract-level's public attachResource/detachResource on the database class dynalite loads. */
function countOpenIterators(): () => number {
  type Hooks = { attachResource(r: object): void; detachResource(r: object): void };
  const { Level } = fromDynalite('level') as { Level: { prototype: object } };
  const proto = Object.getPrototypeOf(Level.prototype) as Hooks;
  const { attachResource, detachResource } = proto;
  const isIterator = (r: object) => typeof (r as { next?: unknown }).next === 'function';
  let open = 0;
  proto.attachResource = function (this: Hooks, r) {
    if (isIterator(r)) open++;
    attachResource.call(this, r);
  };
  proto.detachResource = function (this: Hooks, r) {
    if (isIterator(r)) open--;
    detachResource.call(this, r);
  };
  return () => open;
}
