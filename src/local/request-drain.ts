import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** How long a shutdown waits for state-store requests already sent. */
export const DRAIN_DEADLINE_MS = 5_000;

/** The requests of one client that are still in flight, and a way to refuse new ones. */
export interface RequestDrain {
  /** Refuse new requests, then wait (at most `deadlineMs`) for those in flight. */
  drain(deadlineMs?: number): Promise<void>;
}

/**
 * Track `client`'s requests so that a shutdown can let them finish before the
 * embedded dynalite closes its database. Background work (a world watch, a
 * leftover sweep) may still be mid-request at SIGTERM; dynalite answers a
 * request that reaches a closed database by throwing in a callback, which
 * crashes the process. After `drain` starts, a new request fails with an
 * error its caller logs, and nothing reaches the closing database.
 */
export function trackRequests(client: DynamoDBClient): RequestDrain {
  const inflight = new Set<Promise<unknown>>();
  let closing = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      if (closing) throw new Error('the local state store is closing (shutting down)');
      const sent = next(args);
      inflight.add(sent);
      try {
        return await sent;
      } finally {
        inflight.delete(sent);
      }
    },
    { step: 'initialize', name: 'requestDrain' },
  );
  return {
    async drain(deadlineMs = DRAIN_DEADLINE_MS) {
      closing = true;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([Promise.allSettled([...inflight]), deadline]);
      clearTimeout(timer);
    },
  };
}
