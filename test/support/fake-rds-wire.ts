/** The RDS API's XML namespace and version (awsQuery protocol). */
export const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';
export const RDS_VERSION = '2014-10-31';
export const FAKE_ACCOUNT = '123456789012';

/** An error the fake answers with, as AWS does: HTTP status, error code, message. */
export class AwsQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An RDS ARN in the fake's account. */
export function rdsArn(region: string, type: 'db' | 'cluster' | 'cluster-snapshot', id: string): string {
  return `arn:aws:rds:${region}:${FAKE_ACCOUNT}:${type}:${id}`;
}

/** A form parameter AWS requires. */
export function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new AwsQueryError(400, 'MissingParameter', `The request must contain the parameter ${name}`);
  return value;
}

/**
 * An awsQuery list in order: `Name.member.N` or, where the model names its
 * members (RDS does: `Tags.Tag.N.Key`, `VpcSecurityGroupIds.VpcSecurityGroupId.N`),
 * `Name.<member name>.N`; with `field`, that field of each member.
 */
export function memberList(params: Record<string, string>, name: string, field?: string): string[] {
  const found: [number, string][] = [];
  const pattern = new RegExp(`^${name}\\.[A-Za-z]+\\.(\\d+)${field ? `\\.${field}` : ''}$`);
  for (const [key, value] of Object.entries(params)) {
    const m = pattern.exec(key);
    if (m) found.push([Number(m[1]), value]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** DB instance identifiers: 1–63 letters, digits or hyphens, a letter first, no trailing or double hyphen; stored lower case. */
export function identifier(params: Record<string, string>, name: string): string {
  const value = required(params, name);
  if (!/^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$/.test(value) || value.endsWith('-')) {
    throw new AwsQueryError(
      400,
      'InvalidParameterValue',
      `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  return value.toLowerCase();
}

/** XML text escaping. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<Name>value</Name>`, or nothing for an undefined value. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${esc(String(value))}</${name}>`;
}
