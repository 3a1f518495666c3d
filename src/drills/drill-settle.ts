import { ConflictError } from '../errors/errors.js';
import type { DrillRecord, DrillReport } from './drill.js';
import type { DrillBook } from './drill-book.js';
import { drillReport, drillRuns, recordEndLayout, warnIfUnsettled } from './drill-end.js';

/**
 * Whether an ended drill's frozen report was made while one of its runs was
 * still in flight: an abort during failing-over, running-runbooks or failing-back leaves the
 * run to finish, so that run's later phases, its outcome and any attention
 * it calls for are not in the report yet.
 */
export function awaitsRun(drill: DrillRecord): boolean {
  return drill.status !== 'running' && (drill.report?.runs.some((r) => r.status === 'running') ?? false);
}

/**
 * The report of an ended drill whose run was still in flight when it ended
 * (see awaitsRun), as of now.
 *
 * While the run runs, the report is computed on each read and not saved: it
 * changes by the second, and a write per read would only race other readers.
 * Once the run has ended, the layout it left is read (if it stopped half way)
 * and the report is frozen again and saved, version-checked: the layout is a
 * cloud read worth doing once, near the run's end, and every later read is
 * a plain read of a report that no longer moves. Two readers racing to freeze
 * it compute the same report; the loser's save is refused and it answers
 * with what it computed.
 */
export async function settledReport(book: DrillBook, drill: DrillRecord): Promise<DrillReport> {
  const { deps } = book;
  const runs = await drillRuns(deps, drill);
  const inFlight = [runs.failoverRun, ...(runs.runbookRuns ?? []), runs.failbackRun].some((r) => r?.status === 'running');
  if (inFlight) return drillReport(deps, drill, runs);
  await recordEndLayout(deps, drill, runs);
  const report = await drillReport(deps, drill, runs);
  drill.report = report;
  try {
    await book.save(drill);
  } catch (err) {
    // Refused: another reader froze it first. Failed: the next read tries again.
    if (!(err instanceof ConflictError)) deps.log.warn({ drillId: drill.id, err: String(err) }, 'could not save the drill report frozen again; the next read tries again');
    return report;
  }
  deps.log.info({ drillId: drill.id, verdict: report.verdict }, 'game day report frozen again: the run it left in flight has ended');
  warnIfUnsettled(deps, drill);
  return report;
}
