import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { scheduleSteps } from "./schedule.server";

/** A step transaction takes milliseconds; a step job locked this long belongs to a worker that died. */
export const STEP_JOB_STALE_MS = 2 * 60_000;

/**
 * A worker killed mid-step leaves its `cadence.step` job locked (graphile-worker frees it only after
 * hours), and the enrollment would wait that long. Overdue active enrollments whose keyed job is locked
 * past the stale mark (any lock, when a worker is starting: it may replace one killed seconds ago), or
 * whose job is gone, get a fresh job. A second job beside a live one is harmless: the step run is
 * unique per position. A job that failed for good keeps its key and is left for a person to see.
 * Run by the `cadence.sweep` cron and when a worker starts.
 */
export async function sweepCadenceEnrollments(db: Database, options: { workerStarting?: boolean } = {}): Promise<number> {
  const staleSeconds = options.workerStarting ? 0 : STEP_JOB_STALE_MS / 1000;
  const { rows } = await sql<{ id: string; position: number; next_run_at: Date }>`
    SELECT e.id, e.position, e.next_run_at
    FROM cadence_enrollments e
    JOIN cadences c ON c.id = e.cadence_id AND c.status = 'active'
    LEFT JOIN graphile_worker.jobs j ON j.key = 'cadenceEnrollment:' || e.id::text
    WHERE e.status = 'active'
      AND e.next_run_at < now() - make_interval(secs => ${staleSeconds})
      AND (j.id IS NULL OR (j.locked_at IS NOT NULL AND j.locked_at < now() - make_interval(secs => ${staleSeconds})))
    ORDER BY e.next_run_at
    LIMIT 1000`.execute(db);
  const now = new Date();
  await scheduleSteps(
    db,
    rows.map((row) => ({ id: row.id, position: row.position, runAt: now })),
  );
  return rows.length;
}
