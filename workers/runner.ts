import { run, type Runner } from "graphile-worker";
import type { Database } from "#db/index.js";
import { recordHeartbeat } from "~/modules/health/health.server";
import { parsedCronItems } from "./schedule";
import { taskList } from "./tasks/index";

export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Starts graphile-worker plus the heartbeat that /health reads. `tasks` limits the worker to some task
 * identifiers (tests share a database, so a worker must not pick up jobs another test file queued).
 */
export async function startWorker(options: { connectionString: string; db: Database; concurrency?: number; tasks?: string[] }) {
  const only = options.tasks;
  const tasks = only ? Object.fromEntries(Object.entries(taskList).filter(([name]) => only.includes(name))) : taskList;
  const beat = () => recordHeartbeat(options.db, "worker").catch(() => undefined);
  await beat();
  const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  const runner: Runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? 10,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: tasks,
    parsedCronItems: only ? parsedCronItems.filter((item) => only.includes(item.task)) : parsedCronItems,
  });
  return {
    runner,
    async stop() {
      clearInterval(heartbeat);
      await runner.stop();
    },
  };
}
