import { createHash } from 'node:crypto';
import type { StepContext } from '../step.js';

/**
 * The idempotency key of one step of one run: `<run id>:<step id>`. The same
 * on every attempt and on a resumed run, so that a callee that honours it
 * (Powertools idempotency, an `Idempotency-Key` header) answers a repeat
 * with the first answer and no second effect; different for every run.
 */
export function idempotencyKey(ctx: Pick<StepContext, 'run'>, stepId: string): string {
  return `${ctx.run.id}:${stepId}`;
}

/** The namespace of {@link idempotencyUuid}'s name-based UUIDs (a fixed, random v4 UUID of this project's own). */
const NAMESPACE = Buffer.from('6f1c2a9e5b7d4e0a9c3f1d2b8e4a7c60', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and the key)
 * for APIs whose idempotency token must be a UUID: SSM's
 * StartAutomationExecution ClientToken is exactly 36 characters of UUID
 * format (its IdempotencyToken shape). The same key always gives the same
 * UUID, so a repeated start finds the first execution.
 */
export function idempotencyUuid(key: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(key, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
