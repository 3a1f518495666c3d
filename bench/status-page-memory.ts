/**
 * Status page memory: `tsx bench/status-page-memory.ts [--loads 10000] [--unfixed-loads 2000]`.
 *
 * GET / (the status page, read with a bearer token) of local mode as
 * `npm start` runs it (bench/lib/status-page-child.ts: the embedded dynalite
 * on disk, the simulated world, the controller loop running), loaded
 * `--loads` times by autocannon from this process, with the server's heap
 * after two full GCs taken every 1,000 loads. The target (issue 12, item 8):
 * flat memory, i.e. heap after GC grows by at most 4 MiB from 2,000 loads
 * (warm) to the last. Before the fix, it grew from 46 MiB to 179 MiB over
 * 4,000 loads.
 *
 * The baseline, in the same run, is the same server with dynalite as it
 * ships (`unfixed`: src/local/dynalite-iterators.ts not applied), loaded
 * `--unfixed-loads` times (0 skips it), to show the leak the fix closes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type Headline, machine, measuredLine, ROOT, saveHeadlines, writeSection, yesNo } from './lib/report.js';

const EVERY = 1_000;
/** Loads before the flat part is measured from: the first ones warm the JIT, Fastify, the SDK and the page's caches. */
const WARM = 2_000;
const TARGET_GROWTH_MIB = 4;
const CONNECTIONS = 4;

const { values } = parseArgs({ options: { loads: { type: 'string', default: '10000' }, 'unfixed-loads': { type: 'string', default: '0' } } });
const loads = Number(values.loads);
const unfixedLoads = Number(values['unfixed-loads']);
if (!(Number.isInteger(loads) && loads >= WARM + EVERY && loads % EVERY === 0)) throw new Error(`--loads: must be a multiple of ${EVERY} from ${WARM + EVERY}, got ${values.loads}`);
if (!(Number.isInteger(unfixedLoads) && unfixedLoads >= 0 && unfixedLoads % EVERY === 0)) throw new Error(`--unfixed-loads: must be 0 or a multiple of ${EVERY}, got ${values['unfixed-loads']}`);

interface Sample {
  loads: number;
  heapMiB: number;
  rssMiB: number;
  openIterators: number;
  seconds: number;
}

interface Server {
  child: ChildProcess;
  lines: Interface;
  url: string;
  token: string;
}

async function startServer(variant: 'fixed' | 'unfixed'): Promise<Server> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', 'lib', 'status-page-child.ts'), ...(variant === 'unfixed' ? ['unfixed'] : [])], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([once(lines, 'line'), once(child, 'exit').then(([code]) => Promise.reject(new Error(`${variant} server exited with ${code} before listening`)))]);
  const { url, token } = JSON.parse(String(first[0])) as { url: string; token: string };
  return { child, lines, url, token };
}

async function measure(server: Server): Promise<Omit<Sample, 'loads' | 'seconds'>> {
  const answer = once(server.lines, 'line');
  server.child.stdin!.write('measure\n');
  return JSON.parse(String((await answer)[0])) as Omit<Sample, 'loads' | 'seconds'>;
}

async function stopServer(server: Server): Promise<void> {
  const exited = once(server.child, 'exit');
  server.child.stdin!.end();
  await exited;
}

/** Load GET / `total` times, measuring every EVERY loads. */
async function loadPage(variant: 'fixed' | 'unfixed', total: number): Promise<{ samples: Sample[]; bad: number }> {
  const server = await startServer(variant);
  const samples: Sample[] = [];
  let bad = 0;
  const t0 = performance.now();
  try {
    samples.push({ loads: 0, seconds: 0, ...(await measure(server)) });
    for (let done = 0; done < total; done += EVERY) {
      const result = await autocannon({ url: `${server.url}/`, headers: { authorization: `Bearer ${server.token}` }, connections: CONNECTIONS, amount: EVERY, timeout: 30 });
      bad += result.errors + result.timeouts + result.non2xx;
      samples.push({ loads: done + EVERY, seconds: (performance.now() - t0) / 1000, ...(await measure(server)) });
      const last = samples.at(-1)!;
      process.stdout.write(`${variant}: ${last.loads} loads, heap ${last.heapMiB.toFixed(1)} MiB, rss ${last.rssMiB.toFixed(0)} MiB, open iterators ${last.openIterators} (${last.seconds.toFixed(0)} s)\n`);
    }
  } finally {
    await stopServer(server);
  }
  return { samples, bad };
}

const load = machine();
const fixed = await loadPage('fixed', loads);
const unfixed = unfixedLoads > 0 ? await loadPage('unfixed', unfixedLoads) : undefined;

const at = (samples: Sample[], n: number) => samples.find((s) => s.loads === n)!;
const warm = at(fixed.samples, WARM);
const end = at(fixed.samples, loads);
const growth = end.heapMiB - warm.heapMiB;
const perThousand = (samples: Sample[]) => {
  const from = samples.find((s) => s.loads === Math.min(WARM, samples.at(-1)!.loads - EVERY)) ?? samples[1]!;
  const to = samples.at(-1)!;
  return ((to.heapMiB - from.heapMiB) / (to.loads - from.loads)) * 1000;
};
const ok = growth <= TARGET_GROWTH_MIB && fixed.bad === 0;
const mib = (v: number) => `${v.toFixed(1)} MiB`;
const row = (s: Sample) => `| ${s.loads.toLocaleString('en-US')} | ${mib(s.heapMiB)} | ${s.rssMiB.toFixed(0)} MiB | ${s.openIterators.toLocaleString('en-US')} | ${s.seconds.toFixed(0)} s |`;

const body = [
  '## Status page memory: heap after GC over 10,000 page loads',
  '',
  '```sh',
  `npm run bench            # runs tsx bench/status-page-memory.ts --loads ${loads} --unfixed-loads ${unfixedLoads}`,
  '```',
  '',
  `${measuredLine(load)}`,
  '',
  `GET / (the status page, with a bearer token) of local mode as \`npm start\` runs it, in its own process (bench/lib/status-page-child.ts: startLocal() with examples/failover.yaml, the embedded dynalite on disk, the simulated world and the controller loop running), loaded by autocannon (${CONNECTIONS} connections) ${loads.toLocaleString('en-US')} times. ` +
    `Every ${EVERY.toLocaleString('en-US')} loads the server runs two full garbage collections and reports its heap, its RSS, and the leveldb iterators open in dynalite (counted through abstract-level's attachResource/detachResource). ` +
    `Target (issue 12, item 8): flat memory, heap after GC growing by at most ${TARGET_GROWTH_MIB} MiB from ${WARM.toLocaleString('en-US')} loads (warm) to the last.`,
  '',
  '| figure | value | target | met |',
  '|---|---|---|---|',
  `| heap after GC, ${WARM.toLocaleString('en-US')} → ${loads.toLocaleString('en-US')} loads | ${mib(warm.heapMiB)} → ${mib(end.heapMiB)} (${growth >= 0 ? '+' : ''}${mib(growth)}) | ≤ +${TARGET_GROWTH_MIB} MiB | ${yesNo(growth <= TARGET_GROWTH_MIB)} |`,
  `| errors, timeouts, non-2xx | ${fixed.bad} | 0 | ${yesNo(fixed.bad === 0)} |`,
  ...(unfixed ? [`| baseline: dynalite as it ships (unfixed), heap growth per 1,000 loads | ${mib(perThousand(unfixed.samples))} (fixed: ${mib(perThousand(fixed.samples))}) | (reported) | |`] : []),
  '',
  '| loads | heap after GC | RSS | open dynalite iterators | elapsed |',
  '|---|---|---|---|---|',
  ...fixed.samples.map(row),
  ...(unfixed ? ['', 'Baseline, dynalite as it ships (`tsx bench/lib/status-page-child.ts unfixed`):', '', '| loads | heap after GC | RSS | open dynalite iterators | elapsed |', '|---|---|---|---|---|', ...unfixed.samples.map(row)] : []),
  '',
  'The cause of the leak this measures: dynalite 4.0.0 reads every Query and Scan through a stream over an abstract-level iterator and ends it with `iterator.return()`, which the iterators of abstract-level 3 (under level 10) do not have; they end with `close()`. ' +
    'So every Query left two iterators open (abstract-level\'s value iterator and the native one under it, with its read-ahead cache and leveldb snapshot), held by the database until it closed: 8 per page load (4 Queries: the latest run, each region\'s last hour of rounds, the recent decisions; the availability ledger when its report is rebuilt), plus the controller\'s own reads every tick. ' +
    'src/local/dynalite-iterators.ts gives those iterators the `return()` dynalite calls. ' +
    'RSS is reported, not targeted: it also holds leveldb\'s write buffer and block cache, which fill as the controller writes rounds, and what the allocator keeps.',
].join('\n');

writeSection('status-page-memory', body);
saveHeadlines('status-page-memory', [
  {
    benchmark: 'Status page memory',
    anchor: 'status-page-memory-heap-after-gc-over-10000-page-loads',
    figure: `heap after GC ${mib(warm.heapMiB)} → ${mib(end.heapMiB)} from ${WARM.toLocaleString('en-US')} to ${loads.toLocaleString('en-US')} loads of GET /`,
    target: `≤ +${TARGET_GROWTH_MIB} MiB`,
    pass: ok,
  },
] satisfies Headline[]);
process.stdout.write(`${body}\n`);
