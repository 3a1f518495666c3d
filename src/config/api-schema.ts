import * as Type from 'typebox';

/**
 * The `api` section of failover.yaml: who may call the HTTP API and how
 * often. Tokens are configured by their SHA-256 only, so the config file
 * (and anything that logs it) never holds a secret.
 */

const Role = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('approver')], { 'x-message': 'must be viewer, operator or approver' });

const Roles = Type.Array(Role, { minItems: 1, maxItems: 3, uniqueItems: true, 'x-message': 'must list roles among viewer, operator and approver, each once' });

const CallerName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$', 'x-message': 'must name the caller in 1 to 64 letters, digits, dots, hyphens, underscores or @ (it appears in the audit log)' });

const TokenSchema = Type.Object(
  {
    name: CallerName,
    sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', 'x-message': 'must be the SHA-256 of the token as 64 hex characters (printf %s "$TOKEN" | sha256sum), never the token itself' }),
    roles: Roles,
  },
  { additionalProperties: false },
);

const IamPrincipalSchema = Type.Object(
  {
    arn: Type.String({
      pattern: '^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[A-Za-z0-9+=,.@_/*-]+$',
      'x-message': 'must be an IAM user/role ARN or an STS assumed-role ARN; a trailing * matches every session',
      description:
        'The principal ARN API Gateway reports (an assumed role: arn:aws:sts::<account>:assumed-role/<role>/<session>). Matched exactly, or, ending in *, as a prefix: the * stands for any characters, / included. ' +
        '.../assumed-role/SRE-OnCall/* matches every session of SRE-OnCall only; .../assumed-role/SRE-OnCall* also matches roles named SRE-OnCall-ReadOnly and the like. The first matching entry gives the roles.',
    }),
    roles: Roles,
  },
  { additionalProperties: false },
);

export const ApiSchema = Type.Object(
  {
    /** token: bearer tokens checked by the API itself; iam: API Gateway's AWS_IAM authorizer has already checked the caller (see serverless.yml). */
    auth: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('iam')], { default: 'token', 'x-message': 'must be token or iam' })),
    tokens: Type.Optional(Type.Array(TokenSchema, { maxItems: 100 })),
    /** With auth iam: the roles of each IAM principal (first matching entry wins; see IamPrincipalSchema.arn); any other authenticated principal may only read. */
    iamPrincipals: Type.Optional(Type.Array(IamPrincipalSchema, { maxItems: 100 })),
    /** Requests that change something, per caller. */
    rateLimit: Type.Optional(
      Type.Object(
        {
          max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 30 })),
          windowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, default: 60 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
