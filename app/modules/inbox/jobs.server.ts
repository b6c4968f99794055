import { Logger, runMigrations } from "graphile-worker";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { getEnv } from "~/lib/env.server";
import { logger } from "~/lib/logger.server";

export type JobSpec = {
  identifier: string;
  payload: Record<string, unknown>;
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  jobKey?: string;
};

const installed = new Map<string, Promise<void>>();
const workerLogger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") logger.warn({ scope: "graphile-worker" }, message);
});

/**
 * graphile-worker installs its schema when a worker starts; the web process may enqueue before any
 * worker ever ran (first boot, tests), so it installs it too, once per process and database.
 */
export function ensureJobQueue(connectionString = getEnv().DATABASE_URL): Promise<void> {
  let done = installed.get(connectionString);
  if (!done) {
    done = runMigrations({ connectionString, logger: workerLogger }).catch((error: unknown) => {
      installed.delete(connectionString);
      throw error;
    });
    installed.set(connectionString, done);
  }
  return done;
}

/** Adds jobs in the caller's transaction, so they exist exactly when the work they describe does. */
export async function enqueueJobs(db: Database, jobs: JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((job) => ({
    identifier: job.identifier,
    payload: job.payload,
    queue_name: job.queueName ?? null,
    run_at: job.runAt?.toISOString() ?? null,
    max_attempts: job.maxAttempts ?? null,
    job_key: job.jobKey ?? null,
  }));
  await sql`SELECT graphile_worker.add_jobs(ARRAY(SELECT spec FROM json_populate_recordset(NULL::graphile_worker.job_spec, ${JSON.stringify(specs)}::json) AS spec))`.execute(db);
}

export function enqueueJob(db: Database, job: JobSpec): Promise<void> {
  return enqueueJobs(db, [job]);
}
