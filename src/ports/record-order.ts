/**
 * Runs and drills are listed newest first by `createdAt`, then by id, and
 * the controller acts on the newest of an application only ("is a run in
 * progress?", "which drill does this tick advance?"). Ids end in random
 * hex, so two records created in the same millisecond (a drill that failed
 * to start and its retry, a run refused at once and the next one; always
 * so under a simulated clock) would be ordered by chance.
 *
 * The creation time of a record that follows another is therefore kept
 * strictly after it. Callers read `previous` while holding the lease that
 * serialises creation for the application, so no third record can slip in.
 *
 * @param now the clock's time now
 * @param previous `createdAt` of the newest record of the application, if any
 * @returns `now`, or one millisecond after `previous` when the clock has not moved past it
 */
export function createdAfter(now: number, previous: number | undefined): number {
  return previous === undefined || now > previous ? now : previous + 1;
}
