import * as Type from 'typebox';
import { MAX_DRILL_RUNBOOKS } from '../drills/drill-runbooks.js';
import { ListLimit, OptionalReason } from './schemas.js';

/**
 * Request schemas of the drill routes. Like every route's, they refuse
 * unknown properties. A drill body is one object for both modes (the route
 * rules want a plain object schema); the route refuses fields of the other
 * mode by name.
 */

const AppName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9-]*$', 'x-message': 'must be an application name from the config' });
const runbookName = (description?: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
    ...(description ? { description } : {}),
    'x-message': 'must be a runbook name such as drain-queues',
  });
const RegionName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$', 'x-message': 'must be a region name such as eu-west-1' });

export const DrillBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('plan'), Type.Literal('game-day')], {
      description: 'plan: a dry run, nothing changes. game-day: a real failover and failback, each phase timed against the RTO.',
      'x-message': 'must be plan or game-day',
    }),
    app: Type.Optional(AppName),
    kind: Type.Optional(Type.Union([Type.Literal('failover'), Type.Literal('failback')], { default: 'failover', description: 'plan only: which run to plan.', 'x-message': 'must be failover or failback' })),
    to: Type.Optional(RegionName),
    runbook: Type.Optional(runbookName('plan only: plan this named runbook of the application instead of a failover or failback.')),
    runbooks: Type.Optional(
      Type.Array(runbookName(), {
        minItems: 1,
        maxItems: MAX_DRILL_RUNBOOKS,
        description:
          'game-day only: named runbooks of the application to run by hand, in this order, once the failover has succeeded ' +
          'and before the failback (each a phase of the report); one that fails ends the game day, with no failback. ' +
          'Unknown names are refused before anything is injected.',
        'x-message': `must be a list of 1 to ${MAX_DRILL_RUNBOOKS} runbook names such as drain-queues`,
      }),
    ),
    failback: Type.Optional(Type.Boolean({ default: true, description: 'game-day only: return to the primary at the end.', 'x-message': 'must be true or false' })),
    route53: Type.Optional(
      Type.Union([Type.Literal('refuses'), Type.Literal('hangs')], {
        description: "game-day only, simulated world: take Route 53's control plane down with the primary (refusing or hanging), as a us-east-1 outage may; healed with the primary.",
        'x-message': 'must be refuses or hangs',
      }),
    ),
    decision: Type.Optional(
      Type.Union([Type.Literal('controller'), Type.Literal('operator')], {
        description:
          "game-day only, injected outages: who makes the failover decision once the region is judged down. controller: the controller's policy (default when automatic failover is on); operator: the drill fails over by hand at once, as a paged operator would (default when it is off).",
        'x-message': 'must be controller or operator',
      }),
    ),
  },
  { additionalProperties: false },
);

export const DrillParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9-]+$', 'x-message': 'must be a drill id' }) },
  { additionalProperties: false },
);

export const DrillsQuery = Type.Object(
  {
    app: Type.Optional(AppName),
    limit: ListLimit(200, 20),
  },
  { additionalProperties: false },
);

export const DrillReportQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')], { description: 'Overrides the Accept header.', 'x-message': 'must be json or html' })) },
  { additionalProperties: false },
);

export const AbortDrillBody = Type.Object({ reason: OptionalReason }, { additionalProperties: false });
