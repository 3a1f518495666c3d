import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `failover sim outage REGION [--mode M] [--control-plane hangs]` and
 * `failover sim heal REGION`: break and heal a region of the simulated world
 * (local mode with provider sim only; the API refuses elsewhere with 404).
 */
export function registerSim(program: Command, ctx: CliContext): void {
  const sim = program.command('sim').description('the simulated world (npm start with provider sim): break and heal a region');
  sim
    .command('outage <region>')
    .description("break a region: its endpoints stop answering as --mode says (and, with mode down, its cloud's control plane)")
    .addOption(new Option('--mode <mode>', 'how its endpoints fail').choices(['down', 'slow', 'http503', 'flapping']).default('down'))
    .addOption(new Option('--control-plane <how>', "mode down: the region's cloud calls are refused, or hang until the client's deadline").choices(['refuses', 'hangs']))
    .action(async (region: string, options: { mode: string; controlPlane?: string }) => {
      const body = { mode: options.mode, ...(options.controlPlane !== undefined ? { controlPlane: options.controlPlane } : {}) };
      const answer = await (await ctx.client()).post<{ region: string; mode: string; controlPlane?: string }>(`/sim/regions/${encodeURIComponent(region)}/outage`, body);
      ctx.emit(answer, () => `${answer.region}: outage (${answer.mode}${answer.controlPlane ? `, control plane ${answer.controlPlane}` : ''}); heal it with: failover sim heal ${answer.region}`);
      ctx.exitCode = EXIT.ok;
    });
  sim
    .command('heal <region>')
    .description('heal a region: endpoints healthy, control plane answering')
    .action(async (region: string) => {
      const answer = await (await ctx.client()).post<Record<string, unknown>>(`/sim/regions/${encodeURIComponent(region)}/heal`, {});
      ctx.emit(answer, () => `${region}: healed`);
      ctx.exitCode = EXIT.ok;
    });
}
