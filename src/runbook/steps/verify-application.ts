import { type RunbookNode, step } from '../step.js';
import { regionOf, type Side } from './side.js';

/** Wait until every probe of a side's region answers as expected: the application serves from there. */
export function verifyApplication(options: { id: string; title: string; side: Side; timeoutMs?: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    pollMs: 100,
    maxPollMs: 2_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const results = await ctx.prober.round(region.probes);
      const failed = results.filter((r) => !r.ok);
      return {
        resource: `app:${ctx.app.name} (${region.name})`,
        current: failed.length === 0 ? `${results.length}/${results.length} probes ok` : `${failed.length}/${results.length} probes failing (${failed[0]!.error ?? 'error'})`,
        desired: `${results.length}/${results.length} probes ok`,
        done: failed.length === 0,
      };
    },
  });
}
