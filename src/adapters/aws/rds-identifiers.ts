/** The parts of an RDS ARN the adapter needs: `arn:<partition>:rds:<region>:<account>:<type>:<id>`. */
export interface RdsArn {
  partition: string;
  /** Empty for global resources (an Aurora global cluster). */
  region: string;
  account: string;
  /** `db`, `cluster`, `global-cluster`, … */
  resourceType: string;
  id: string;
}

/** Whether an identifier is an ARN rather than a bare RDS identifier. */
export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

/** Parse an RDS ARN; undefined when it is not one. */
export function parseRdsArn(value: string): RdsArn | undefined {
  const parts = value.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'rds') return undefined;
  const [, partition = '', , region = '', account = '', resourceType = ''] = parts;
  return { partition, region, account, resourceType, id: parts.slice(6).join(':') };
}

/** The bare identifier an ARN or identifier names (`arn:aws:rds:…:cluster:shop` → `shop`). */
export function bareIdentifier(value: string): string {
  return isArn(value) ? (parseRdsArn(value)?.id ?? value) : value;
}

/**
 * RDS stores identifiers in lower case and compares them without regard to
 * case, so `Shop-DB` and `shop-db` name the same instance.
 */
export function sameIdentifier(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The identifier a retired database is renamed to: `<id>-<suffix>` cut to
 * 63 characters. RDS (NewDBInstanceIdentifier, NewDBClusterIdentifier)
 * allows 1–63 letters, digits and hyphens, no two hyphens in a row and no
 * hyphen at the end, so the cut may not leave one there.
 */
export function retiredIdentifier(id: string, suffix: string): string {
  return `${bareIdentifier(id)}-${suffix}`.toLowerCase().replace(/-{2,}/g, '-').slice(0, 63).replace(/-+$/, '');
}
