export {};
/**
 * A worker process for the cadence crash drill: the production `cadence.step` task, sweeping
 * enrollments orphaned by the previous (killed) worker on start like workers/worker.ts does.
 */
const { getDb } = await import("../../app/lib/db.server.js");
const { sweepCadenceEnrollments } = await import("../../app/modules/cadences/recovery.server.js");
const { startWorker } = await import("../../workers/runner.js");

const db = getDb();
await startWorker({ connectionString: process.env.DATABASE_URL!, db, concurrency: Number(process.env.CONCURRENCY ?? 10), tasks: ["cadence.step"] });
await sweepCadenceEnrollments(db, { workerStarting: true });
process.send?.({ type: "ready" });
