import { PermanentError } from '../../errors/errors.js';
import { ownerRecordName, ownsRecord, planRecordSwitch } from '../../dns/record-switch.js';
import type { DnsRecordSet } from '../../ports/dns-provider.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { regionOf, type Side } from './side.js';

function desiredRecord(ctx: StepContext, side: Side): DnsRecordSet {
  const { recordName, type, ttl, value } = regionOf(ctx, side).dns;
  return { name: recordName, type, ttl, values: [value] };
}

/**
 * Point the application's record at a side's value: read, diff, and apply a
 * DELETE-exact + CREATE batch (a concurrent change makes it fail as a
 * conflict), only on a record this controller owns; then wait for INSYNC.
 */
export function switchDns(options: { id: string; title: string; side: Side; timeoutMs?: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    pollMs: 500,
    async observe(ctx) {
      const desired = desiredRecord(ctx, options.side);
      const read = await ctx.cloud.dns.listRecords(regionOf(ctx, options.side).dns.hostedZoneId, desired.name);
      const plan = planRecordSwitch(read, desired);
      return {
        resource: `route53:${desired.name} ${desired.type}`,
        current: plan.current ? plan.current.values.join(', ') : 'absent',
        desired: desired.values.join(', '),
        done: plan.changes.length === 0,
      };
    },
    async act(ctx) {
      const zone = regionOf(ctx, options.side).dns.hostedZoneId;
      const desired = desiredRecord(ctx, options.side);
      const owners = await ctx.cloud.dns.listRecords(zone, ownerRecordName(desired.name));
      if (!ownsRecord(owners, ctx.app.name)) {
        throw new PermanentError(`${desired.name} is not owned by ${ctx.app.name}: no ownership record at ${ownerRecordName(desired.name)}; refusing to change it`);
      }
      const plan = planRecordSwitch(await ctx.cloud.dns.listRecords(zone, desired.name), desired);
      const comment = `failover-controller ${ctx.run.kind} ${ctx.run.id}: ${ctx.run.from} -> ${ctx.run.to}`;
      const change = await ctx.cloud.dns.changeRecords(zone, plan.changes, comment);
      return { changeId: change.changeId };
    },
    async verify(ctx, acted) {
      // Without a change id (a resumed run), the record itself is the evidence.
      if (typeof acted?.['changeId'] !== 'string') return (await this.observe(ctx)).done;
      return (await ctx.cloud.dns.getChange(acted['changeId'])) === 'INSYNC';
    },
  });
}
