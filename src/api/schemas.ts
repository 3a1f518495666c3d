import * as Type from 'typebox';

/**
 * Request schemas of the API. Bodies refuse unknown properties: a typo in an
 * operator's request must fail loudly, not be ignored.
 */

const AppName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9-]*$', 'x-message': 'must be an application name from the config' });
const RegionName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$', 'x-message': 'must be a region name such as eu-west-1' });
/**
 * Characters free text may not hold, and why. Text from the API is shown in
 * logs, the CLI, pages and notifications, where each of these makes it show
 * something other than what it is: control characters (CR rewrites a log
 * line; the C1 range holds NEL, a line break to some readers), Unicode line
 * and paragraph separators (line breaks JavaScript and some logs honour),
 * invisible characters (zero-width space, joiners, word joiner, BOM: two
 * reasons that look alike but differ), and bidirectional overrides and
 * isolates (text that reads in a different order than it is stored).
 */
const NOT_TEXT = ['\\u0000-\\u0008', '\\u000b-\\u001f', '\\u007f-\\u009f', '\\u200b-\\u200d', '\\u2028\\u2029', '\\u202a-\\u202e', '\\u2060', '\\u2066-\\u2069', '\\ufeff'].join('');
/**
 * Free text (reasons, comments): any character but those above, tab and
 * newline allowed. A UTF-16 surrogate counts only as half of a pair (an
 * emoji): a lone one is no character at all, and breaks whatever encodes
 * the text as UTF-8. Written to mean the same with and without the regular
 * expression `u` flag (TypeBox and ajv use it; other readers of the OpenAPI
 * document may not).
 */
export const PLAIN_TEXT = `^(?:[^${NOT_TEXT}\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$`;
/** A name: like free text, and on one line (no tab or newline either). */
const ONE_LINE_TEXT = `^(?:[^\\u0009\\u000a${NOT_TEXT}\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])+$`;
const WITHOUT = 'without control, invisible or line-separator characters';
const Reason = Type.String({ minLength: 1, maxLength: 1000, pattern: PLAIN_TEXT, 'x-message': `must say why, in 1 to 1000 characters ${WITHOUT}` });

/** An optional reason, as for aborting a drill. */
export const OptionalReason = Type.Optional(Reason);

/** How many items a list route returns: in decimal digits (see validator-compiler.ts), from 1 to `maximum`. */
export function ListLimit(maximum: number, defaultLimit: number) {
  return Type.Optional(Type.Integer({ minimum: 1, maximum, default: defaultLimit, 'x-message': `must be a whole number from 1 to ${maximum}, in decimal digits` }));
}

/** Start the run although its pre-flight gate refuses it; the reason and the overridden checks are recorded on the run. */
const Force = Type.Optional(Type.Boolean({ description: 'Start the run although the target is not healthy or not ready; recorded with the reason and the overridden checks.' }));

export const FailoverBody = Type.Object(
  {
    app: Type.Optional(AppName),
    to: RegionName,
    reason: Reason,
    force: Force,
    /** Break-glass, routing-control switches only: the ARC safety rules the switch may override. Recorded on the run with the caller. */
    safetyRulesToOverride: Type.Optional(
      Type.Array(
        Type.String({
          pattern: '^arn:aws[a-z-]*:route53-recovery-control::[0-9]{12}:controlpanel/[a-z0-9]+/safetyrule/[a-z0-9]+$',
          'x-message': 'must be an ARC safety rule ARN (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/safetyrule/<id>)',
        }),
        { minItems: 1, maxItems: 20 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const FailbackBody = Type.Object({ app: Type.Optional(AppName), reason: Reason, force: Force }, { additionalProperties: false });

const RunbookName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', 'x-message': 'must be a runbook name such as drain-queues' });

export const RunbookParams = Type.Object({ name: RunbookName }, { additionalProperties: false });

export const RunbooksQuery = Type.Object({ app: Type.Optional(AppName) }, { additionalProperties: false });

/** A run of a named runbook: which application, towards which region, and why. */
export const NamedRunBody = Type.Object({ app: Type.Optional(AppName), to: Type.Optional(RegionName), reason: Reason }, { additionalProperties: false });

export const RunsQuery = Type.Object(
  {
    app: Type.Optional(AppName),
    limit: ListLimit(500, 50),
  },
  { additionalProperties: false },
);

export const RunParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9-]+$', 'x-message': 'must be a run id' }) }, { additionalProperties: false });

export const RegionParams = Type.Object({ region: RegionName }, { additionalProperties: false });

export const OutageBody = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('down'), Type.Literal('slow'), Type.Literal('http503'), Type.Literal('flapping')], { default: 'down', 'x-message': 'must be down, slow, http503 or flapping' }),
    ),
    /** With mode down: the control plane refuses calls (default) or hangs, each call failing at the client's deadline. */
    controlPlane: Type.Optional(
      Type.Union([Type.Literal('refuses'), Type.Literal('hangs')], { default: 'refuses', 'x-message': 'must be refuses or hangs (with mode down)' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * A name the caller states in the body. It is not an identity: who answered
 * or cancelled is the authenticated caller (the token's name, or the IAM
 * principal), and a different stated name is only kept beside it.
 */
const StatedBy = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: ONE_LINE_TEXT,
  'x-message': `must be a name in 1 to 128 characters, on one line, ${WITHOUT}`,
  description:
    "Optional, kept for scripts that send it. Not an identity: the run records the authenticated caller (the token's name, or the IAM principal ARN) as `by`; a different name given here is kept beside it as `statedBy`.",
});
const Comment = Type.String({ minLength: 1, maxLength: 1000, pattern: PLAIN_TEXT, 'x-message': `must be 1 to 1000 characters ${WITHOUT}` });

export const ApproveBody = Type.Object(
  {
    by: Type.Optional(StatedBy),
    comment: Type.Optional(Comment),
    decision: Type.Optional(Type.Union([Type.Literal('approve'), Type.Literal('reject')], { default: 'approve', 'x-message': 'must be approve or reject' })),
    stepId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', 'x-message': 'must be a step id' })),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object({ by: Type.Optional(StatedBy), comment: Type.Optional(Comment), rollback: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });

export const DecisionsQuery = Type.Object(
  {
    app: Type.Optional(AppName),
    limit: ListLimit(500, 50),
  },
  { additionalProperties: false },
);

export const ReadinessQuery = Type.Object({ app: Type.Optional(AppName) }, { additionalProperties: false });

export const AuditQuery = Type.Object({ limit: ListLimit(500, 50) }, { additionalProperties: false });

/** GET /fence: one application (may be left out when the config has one). */
export const FenceQuery = Type.Object({ app: Type.Optional(AppName) }, { additionalProperties: false });

/** POST /traffic/provision: which application (default: every one with a data-plane switch), and whether to change anything. */
export const ProvisionBody = Type.Object(
  {
    app: Type.Optional(AppName),
    apply: Type.Optional(Type.Boolean({ default: false, description: 'false (default): only say what would be created or changed; true: do it' })),
  },
  { additionalProperties: false },
);

/** POST /sim/route53/outage: how Route 53's control plane fails. */
export const Route53OutageBody = Type.Object(
  { controlPlane: Type.Optional(Type.Union([Type.Literal('refuses'), Type.Literal('hangs')], { default: 'refuses', 'x-message': 'must be refuses or hangs' })) },
  { additionalProperties: false },
);
