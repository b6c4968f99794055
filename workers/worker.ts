// The logger reads MASTERIA_PROCESS when its module loads, so set it before importing anything.
process.env.MASTERIA_PROCESS ??= "worker";
export {};

const { loadEnvOrExit } = await import("~/lib/env.server");
const { getDb } = await import("~/lib/db.server");
const { logger } = await import("~/lib/logger.server");
const { startWorker } = await import("./runner");

const env = loadEnvOrExit("worker");
const db = getDb();
const worker = await startWorker({ connectionString: env.DATABASE_URL, db });
logger.info("worker started");
// Campaigns whose dispatcher died with the previous worker resume now rather than at the next sweep.
await (await import("~/modules/campaigns/recovery.server")).sweepCampaigns(db, { workerStarting: true });
await (await import("~/modules/cadences/recovery.server")).sweepCadenceEnrollments(db, { workerStarting: true });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker shutting down");
  setTimeout(() => process.exit(1), 15_000).unref();
  await worker.stop();
  await db.destroy();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
