import { Ajv } from 'ajv';

/**
 * The CloudWatch Embedded Metric Format document, as its specification
 * states it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * - the root holds `_aws`, a metadata object with `Timestamp` (milliseconds
 *   since the epoch) and `CloudWatchMetrics`, an array of MetricDirectives;
 * - a MetricDirective has `Namespace` (1–1024 characters, not only
 *   whitespace), `Dimensions` (an array of DimensionSets: arrays of at most
 *   30 dimension keys) and `Metrics` (at most 100 MetricDefinitions);
 * - a MetricDefinition has `Name` (1–1024 characters), optionally `Unit`
 *   (one of CloudWatch's units) and `StorageResolution` (1 or 60);
 * - objects the specification defines have no other members.
 * The rules that span members (target members) are in {@link emfViolations}.
 */
const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
];

const NAME = { type: 'string', minLength: 1, maxLength: 1024, pattern: '\\S' };

const EMF_SCHEMA = {
  type: 'object',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      additionalProperties: false,
      required: ['Timestamp', 'CloudWatchMetrics'],
      properties: {
        Timestamp: { type: 'integer', minimum: 0 },
        CloudWatchMetrics: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['Namespace', 'Dimensions', 'Metrics'],
            properties: {
              Namespace: NAME,
              Dimensions: { type: 'array', items: { type: 'array', maxItems: 30, items: { type: 'string', minLength: 1, maxLength: 250 } } },
              Metrics: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['Name'],
                  properties: { Name: NAME, Unit: { enum: UNITS }, StorageResolution: { enum: [1, 60] } },
                },
              },
            },
          },
        },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, strict: true }).compile(EMF_SCHEMA);

/** Largest log event CloudWatch Logs takes (the specification: EMF documents share the limit of log events). */
const MAX_EVENT_BYTES = 256 * 1024;

/** Everything in `line` that breaks the specification; empty when it is a valid EMF document. */
export function emfViolations(line: string): string[] {
  if (Buffer.byteLength(line) > MAX_EVENT_BYTES) return [`larger than ${MAX_EVENT_BYTES} bytes`];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return ['not JSON'];
  }
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  const problems: string[] = [];
  const directives = (doc['_aws'] as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
  for (const directive of directives) {
    // Every dimension key names a root member whose value is a string (1–1024 characters).
    for (const key of directive.Dimensions.flat()) {
      const value = doc[key];
      if (typeof value !== 'string' || value.length < 1 || value.length > 1024) problems.push(`dimension ${key}: the root member must be a string of 1–1024 characters`);
    }
    // Every metric names a root member that is a number, or an array of at most 100 numbers.
    for (const { Name } of directive.Metrics) {
      const value = doc[Name];
      const ok = typeof value === 'number' || (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === 'number'));
      if (!ok) problems.push(`metric ${Name}: the root member must be a number or an array of at most 100 numbers`);
    }
  }
  return problems;
}

/** The lines of `output` that are EMF documents (JSON objects with `_aws`). */
export function emfLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('{') && line.includes('"_aws"'));
}
