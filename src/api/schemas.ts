import * as Type from 'typebox';

/**
 * Request schemas of the API. Bodies refuse unknown properties: a typo in an
 * operator's request must fail loudly, not be ignored.
 */

const AppName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9-]*$', 'x-message': 'must be an application name from the config' });
const RegionName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$', 'x-message': 'must be a region name such as eu-west-1' });
/**
 * Free text (reasons, comments) is shown in logs, the CLI and pages: no
 * control characters but tab and newline, and no bidirectional overrides
 * (which make text read differently from what it is).
 */
export const PLAIN_TEXT = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069]*$';
const Reason = Type.String({ minLength: 1, maxLength: 1000, pattern: PLAIN_TEXT, 'x-message': 'must say why, in 1 to 1000 characters without control characters' });

export const FailoverBody = Type.Object({ app: Type.Optional(AppName), to: RegionName, reason: Reason }, { additionalProperties: false });

export const FailbackBody = Type.Object({ app: Type.Optional(AppName), reason: Reason }, { additionalProperties: false });

export const RunsQuery = Type.Object(
  {
    app: Type.Optional(AppName),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
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
  pattern: '^[^\\u0000-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069]+$',
  'x-message': 'must be a name in 1 to 128 printable characters',
  description:
    "Optional, kept for scripts that send it. Not an identity: the run records the authenticated caller (the token's name, or the IAM principal ARN) as `by`; a different name given here is kept beside it as `statedBy`.",
});
const Comment = Type.String({ minLength: 1, maxLength: 1000, pattern: PLAIN_TEXT, 'x-message': 'must be 1 to 1000 characters without control characters' });

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
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);

export const AuditQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }, { additionalProperties: false });
