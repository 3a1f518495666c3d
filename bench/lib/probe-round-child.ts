/**
 * The client side of the probe-throughput benchmark, in its own process
 * (bundled by bench/probe-throughput.ts and run with plain `node`):
 *
 *   node probe-round-child.mjs timing <rounds> <concurrency> <url>...
 *     every variant in turn, round by round (bare, bare-streamed, prober),
 *     after one warm-up round each: load on the machine hits them alike;
 *   node probe-round-child.mjs rss <variant> <rounds> <concurrency> <url>...
 *     one variant only, so that the peak RSS of the process is its own.
 *
 * A round is 100 probes per URL. Prints one JSON line.
 */
import { Agent, request } from 'undici';
import { systemClock } from '../../src/adapters/system-clock.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import type { ProbeTarget } from '../../src/probes/types.js';

type Variant = 'bare' | 'bare-streamed' | 'prober';
const VARIANTS: Variant[] = ['bare', 'bare-streamed', 'prober'];
const PER_URL = 100;
const BODY_MATCH = '"status":"ok"';

const args = process.argv.slice(2);
const mode = args.shift();
const only = mode === 'rss' ? (args.shift() as Variant) : undefined;
const rounds = Number(args.shift());
const concurrency = Number(args.shift());
const urls = args;
if ((mode !== 'timing' && mode !== 'rss') || (only && !VARIANTS.includes(only)) || !(rounds >= 1) || !(concurrency >= 1) || urls.length === 0) {
  throw new Error('usage: timing <rounds> <concurrency> <url>... | rss <variant> <rounds> <concurrency> <url>...');
}

const rssAtStartMb = process.memoryUsage().rss / 1048576;
const targets: ProbeTarget[] = [];
// One attempt per probe: one request each, as the bare loop sends (a configured target's default of 3 would triple the prober's requests).
for (let i = 0; i < PER_URL; i++) for (const url of urls) targets.push({ url, method: 'GET', expectStatus: 200, bodyMatch: BODY_MATCH, timeoutMs: 2_000, attempts: 1 });

/** The bare loop: `concurrency` workers, the same requests through an Agent with the prober's options and a fresh connection each. */
function bareRound(agent: Agent, streamed: boolean): () => Promise<number> {
  return async () => {
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < targets.length) {
        const target = targets[next++]!;
        try {
          const res = await request(target.url, { method: target.method, dispatcher: agent, reset: true });
          let found = false;
          if (streamed) {
            // Read as the prober reads a body: async iteration, decoding, stop at the match.
            const decoder = new TextDecoder();
            let text = '';
            for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
              text += decoder.decode(chunk, { stream: true });
              if (text.includes(BODY_MATCH)) {
                res.body.destroy();
                found = true;
                break;
              }
            }
          } else {
            found = (await res.body.text()).includes(BODY_MATCH);
          }
          if (res.statusCode !== target.expectStatus || !found) failed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return failed;
  };
}

const agent = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });
const prober = new HttpProber({ clock: systemClock, concurrency });
const run: Record<Variant, () => Promise<number>> = {
  bare: bareRound(agent, false),
  'bare-streamed': bareRound(agent, true),
  prober: async () => (await prober.round(targets)).filter((r) => !r.ok).length,
};

const variants = only ? [only] : VARIANTS;
const walls: Record<string, number[]> = {};
const firstRound: Record<string, number> = {};
let failures = 0;
for (const v of variants) {
  const started = performance.now();
  failures += await run[v]();
  firstRound[v] = performance.now() - started;
  walls[v] = [];
}
for (let i = 0; i < rounds; i++) {
  for (const v of variants) {
    const started = performance.now();
    failures += await run[v]();
    walls[v]!.push(performance.now() - started);
  }
}
await prober.close();
await agent.close();
// maxRSS is in kilobytes: the peak resident set of this process over its life.
process.stdout.write(`${JSON.stringify({ mode, probes: targets.length, walls, firstRound, failures, peakRssMb: process.resourceUsage().maxRSS / 1024, rssAtStartMb, heapTotalMb: process.memoryUsage().heapTotal / 1048576 })}\n`);
