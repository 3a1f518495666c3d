import * as Type from 'typebox';
import type { Static } from 'typebox';

/**
 * How an application's old writer is kept from taking writes while the
 * writer moves (`fence:` of an application in failover.yaml).
 */
export const FenceSchema = Type.Object(
  {
    /**
     * What stops writes to the current writer before a planned promotion
     * (failback), until DNS has moved: `compute` scales the old writer's
     * Auto Scaling group to zero (no cooperation from the application, at
     * the price of a short outage of reads and writes), `epoch` freezes the
     * fencing epoch (only applications that check it stop writing; reads go
     * on), `both` does both.
     */
    planned: Type.Optional(
      Type.Union([Type.Literal('both'), Type.Literal('compute'), Type.Literal('epoch')], {
        default: 'both',
        description:
          'What stops writes to the old writer before a planned promotion (failback) until DNS has moved: compute (scale its Auto Scaling group to zero: no application cooperation, a short outage), epoch (freeze the fencing epoch the application checks; reads go on), both (default).',
        'x-message': 'must be both, compute or epoch',
      }),
    ),
    /**
     * Before an unplanned promotion (failover), also cut the old writer off
     * the network: revoke its security groups' inbound rules on its port
     * and reboot it (best effort, retried until its region answers). Give
     * the database a security group of its own: every client of the group
     * loses the database. Default true.
     */
    network: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          "Before an unplanned promotion, revoke the old writer's security-group inbound rules on its port and reboot it to end open connections (best effort, retried until its region answers; restored by failback once the stale writer is set aside). The database needs a security group of its own. Default true.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `fence` section as written. */
export type FenceInput = Static<typeof FenceSchema>;

/** An application's fencing, every default filled in. */
export interface FenceConfig {
  planned: 'both' | 'compute' | 'epoch';
  network: boolean;
}

/** Fill in the defaults: freeze by compute and epoch, network fence on (no silent data loss beyond the RPO). */
export function normalizeFence(input: FenceInput | undefined): FenceConfig {
  return { planned: input?.planned ?? 'both', network: input?.network ?? true };
}
