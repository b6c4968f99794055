export {};
/**
 * A worker process for the crash drill: the production `campaign.dispatch` task with pacing off (the
 * drill's only difference) and the production `webhookEvent.process` task, recovering campaigns on
 * start like workers/worker.ts does. RECONCILE_MS sets the reconcile window (default the production
 * 60 s). The drill kills it with SIGKILL mid-run and starts another.
 */
const { getDb } = await import("../../app/lib/db.server.js");
const { setCampaignPacingForBenchmarks, runDispatchSlice } = await import("../../app/modules/campaigns/dispatch.server.js");
const { enqueueDispatch } = await import("../../app/modules/campaigns/jobs.server.js");
const { sweepCampaigns } = await import("../../app/modules/campaigns/recovery.server.js");
const { setReconcileWindowForTests } = await import("../../app/modules/campaigns/reconcile.server.js");
const { startWorker } = await import("../../workers/runner.js");
const { taskList } = await import("../../workers/tasks/index.js");

setCampaignPacingForBenchmarks("off");
if (process.env.RECONCILE_MS) setReconcileWindowForTests(Number(process.env.RECONCILE_MS));
const lanes = Number(process.env.LANES ?? 32);
taskList["campaign.dispatch"] = async (payload) => {
  const { campaignId } = payload as { campaignId: string };
  const { outcome } = await runDispatchSlice(getDb(), campaignId, { maxInFlight: lanes });
  if (outcome.kind === "again") await enqueueDispatch(getDb(), campaignId);
  else if (outcome.kind === "later") await enqueueDispatch(getDb(), campaignId, { runAt: outcome.at });
};
const db = getDb();
await startWorker({ connectionString: process.env.DATABASE_URL!, db, concurrency: 4, tasks: ["campaign.dispatch", "webhookEvent.process"] });
await sweepCampaigns(db, { workerStarting: true });
process.send?.({ type: "ready" });
