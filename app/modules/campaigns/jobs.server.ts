import { sql } from "kysely";
import type { Database } from "#db/index.js";

export const DISPATCH_TASK = "campaign.dispatch";

const dispatchKey = (campaignId: string) => `campaign:${campaignId}:dispatch`;

/**
 * One dispatch job per campaign, by job key, added in the caller's transaction. `replace` moves an
 * existing waiting job to `runAt` (resume, a later quiet-hours end); `preserve` keeps an earlier one
 * (the recovery sweep must not delay a job that is already due). A job being run keeps running and
 * a new one is queued beside it: two runs of one campaign share the work safely (rows are claimed).
 */
export async function enqueueDispatch(db: Database, campaignId: string, options: { runAt?: Date; mode?: "replace" | "preserve" } = {}): Promise<void> {
  const runAt = options.runAt ?? new Date();
  const mode = options.mode === "preserve" ? "preserve_run_at" : "replace";
  await sql`SELECT graphile_worker.add_job(
    identifier => ${DISPATCH_TASK},
    payload => ${JSON.stringify({ campaignId })}::json,
    run_at => ${runAt.toISOString()}::timestamptz,
    max_attempts => 25,
    job_key => ${dispatchKey(campaignId)},
    job_key_mode => ${mode}
  )`.execute(db);
}
