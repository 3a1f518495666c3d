import { Agent, request } from 'undici';
import { HttpProber } from '../../src/probes/http-prober.js';
import { FixedHttpProber } from './exp-http-prober-fixed.js';
const fixed = new FixedHttpProber({ clock: { now: () => Date.now(), sleep: async () => {} }, concurrency: 64 });
import { systemClock } from '../../src/adapters/system-clock.js';
const [variantsArg, roundsArg, concurrencyArg, ...urls] = process.argv.slice(2);
const variants = (variantsArg ?? '').split(':');
const rounds = Number(roundsArg); const concurrency = Number(concurrencyArg);
const targets: string[] = [];
for (let i = 0; i < 100; i++) for (const url of urls) targets.push(url);
const agent = new Agent({ connect: { timeout: 10_000 }, keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });
const prober = new HttpProber({ clock: systemClock, concurrency });
const ptargets = targets.map((url) => ({ url, method: 'GET' as const, expectStatus: 200, bodyMatch: '"status":"ok"', timeoutMs: 2000 }));
async function one(url: string, opts: string[]) {
  const o: any = { method: 'GET', dispatcher: agent, reset: !opts.includes('keepalive') };
  if (opts.includes('signal')) o.signal = AbortSignal.timeout(2000);
  let timer: NodeJS.Timeout | undefined;
  if (opts.includes('ctl')) { const ac = new AbortController(); timer = setTimeout(() => ac.abort(), 2000); o.signal = ac.signal; }
  try { return await inner(url, o, opts); } finally { clearTimeout(timer); }
}
async function inner(url: string, o: any, opts: string[]) {
  if (opts.includes('timeouts')) { o.headersTimeout = 2000; o.bodyTimeout = 2000; }
  const res = await request(url, o);
  if (opts.includes('small')) {
    const len = Number(res.headers['content-length']);
    if (Number.isFinite(len) && len <= 65536) return (await res.body.text()).includes('"status":"ok"');
  }
  if (opts.includes('ondata')) {
    return await new Promise<boolean>((resolve, reject) => {
      const decoder = new TextDecoder(); let text = '';
      res.body.on('data', (chunk: Uint8Array) => { text += decoder.decode(chunk, { stream: true }); if (text.includes('"status":"ok"')) { res.body.destroy(); resolve(true); } });
      res.body.on('end', () => resolve(text.includes('"status":"ok"')));
      res.body.on('error', reject);
    });
  }
  if (opts.includes('stream')) {
    const decoder = new TextDecoder(); let text = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) { text += decoder.decode(chunk, { stream: true }); if (text.includes('"status":"ok"')) { res.body.destroy(); return true; } }
    return false;
  }
  return (await res.body.text()).includes('"status":"ok"');
}
const round = async (variant: string) => {
  if (variant === 'fixed') return (await fixed.round(ptargets)).filter((r) => !r.ok).length;
  if (variant === 'prober') return (await prober.round(ptargets)).filter((r) => !r.ok).length;
  const opts = variant.split('+');
  let next = 0; let failed = 0; await Promise.all(Array.from({ length: concurrency }, async () => { while (next < targets.length) { const t = targets[next++]!; try { if (!(await one(t, opts))) failed++; } catch { failed++; } } })); return failed; };
for (const v of variants) await round(v);
const walls = new Map<string, number[]>(); const cpus = new Map<string, number[]>();
for (let i = 0; i < rounds; i++) for (const v of variants) { const s = performance.now(); const c0 = process.cpuUsage(); const f = await round(v); const c = process.cpuUsage(c0); if (f) console.error('failed', f); (cpus.get(v) ?? cpus.set(v, []).get(v)!).push((c.user + c.system) / 1000); (walls.get(v) ?? walls.set(v, []).get(v)!).push(performance.now() - s); }
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return Math.round(s[Math.floor(s.length / 2)]!); };
const base = walls.get(variants[0]!)!;
for (const v of variants) console.log(v.padEnd(25), 'wall', med(walls.get(v)!), 'cpu', med(cpus.get(v)!), 'ratio-to-first (median of pairs)', (med(walls.get(v)!.map((w, i) => 1000 * w / base[i]!)) / 1000).toFixed(3));
await prober.close();
