import { Logger, runMigrations } from "graphile-worker";
import { sql, type Transaction } from "kysely";
import type { DB } from "#db/index.js";
import { getEnv } from "~/lib/env.server";

const ready = new Map<string, Promise<void>>();
const quiet = new Logger(() => () => {});

/**
 * The worker installs graphile-worker's schema when it starts; web may enqueue before any worker
 * ever ran against this database (a fresh deploy, tests), so it makes sure once per process.
 */
export function ensureJobQueue(connectionString = getEnv().DATABASE_URL): Promise<void> {
  let promise = ready.get(connectionString);
  if (!promise) {
    promise = runMigrations({ connectionString, logger: quiet }).catch((error: unknown) => {
      ready.delete(connectionString);
      throw error;
    });
    ready.set(connectionString, promise);
  }
  return promise;
}

/** Adds a job in the caller's transaction: it exists only if the change that asked for it commits. */
export async function addJobInTransaction(trx: Transaction<DB>, task: string, payload: Record<string, string>, options: { jobKey: string; maxAttempts: number }) {
  await sql`SELECT graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, job_key := ${options.jobKey}, max_attempts := ${options.maxAttempts})`.execute(trx);
}
