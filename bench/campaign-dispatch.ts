/**
 * Campaign dispatch throughput: RECIPIENTS (default 20,000) contacts, one campaign, sent through the
 * real WhatsApp Cloud adapter to the fake Graph API (its own process) with pacing off, on one worker
 * process (graphile-worker, `campaign.dispatch`). Then the same workload the way the original product
 * did it: one BullMQ job per recipient on Redis, a BullMQ Worker with the same concurrency doing the
 * same send and the same database record. Prints messages/s for both, the ratio, and duplicates
 * counted from the fake's own log (goal: ≥ 1,000 messages/s per node, 0 duplicates).
 *
 *   source .cache/test-services.env && npx tsx bench/campaign-dispatch.ts
 *
 * LANES (default 32) sends in flight in both systems. Uses a fresh database
 * `<TEST_DB_PREFIX>_bench_campaign` (dropped at the end unless KEEP_BENCH_DB=1).
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb } from "../db/index.js";
import { duplicatesIn, freshBenchDatabase, insertBenchCampaign, loadAverage, seedCampaignAudience, startFakeMetaProcess } from "./support/campaign-bench.js";

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 20_000);
const LANES = Number(process.env.LANES ?? 32);
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error("REDIS_URL is needed for the BullMQ baseline (source .cache/test-services.env)");

const fake = await startFakeMetaProcess();
const database = await freshBenchDatabase("campaign");
const db = createDb(database.url, { max: 20 });
const { orgId, userId, connectionId } = await seedCampaignAudience(db, fake.baseUrl, RECIPIENTS);
console.log(`campaign dispatch bench: ${RECIPIENTS} recipients, ${LANES} sends in flight, load average ${loadAverage()}`);

async function waitFor(check: () => Promise<boolean>, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sentCount = async (campaignId: string) =>
  (await db.selectFrom("campaign_recipients").select(sql<number>`count(*)::int`.as("n")).where("campaign_id", "=", campaignId).where("status", "=", "sent").executeTakeFirstOrThrow()).n;

// ---- the ceiling on this machine: the adapter calling the fake with no database work at all -------
{
  const { loadConnection } = await import("../app/modules/channels/connections.server.js");
  const { getAdapter } = await import("../app/modules/channels/registry.server.js");
  const connection = (await loadConnection(db, orgId, connectionId))!;
  const burst = async (calls: number) => {
    let next = 0;
    const burstStarted = performance.now();
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < calls) await getAdapter("whatsapp_cloud").sendText(connection, `+55219${String(10_000_000 + next++)}`, "ceiling");
      }),
    );
    return calls / ((performance.now() - burstStarted) / 1000);
  };
  await burst(1_000); // warm-up: JIT and keep-alive sockets
  console.log(`ceiling (adapter → fake, no database): ${(await burst(Math.min(5_000, RECIPIENTS))).toFixed(0)} calls/s`);
  await fake.reset();
}

// ---- graphile-worker: one dispatch job per campaign ---------------------------------------------
const { setCampaignPacingForBenchmarks } = await import("../app/modules/campaigns/dispatch.server.js");
const { startCampaign } = await import("../app/modules/campaigns/lifecycle.server.js");
const { getDb } = await import("../app/lib/db.server.js");
const { startWorker } = await import("../workers/runner.js");
const { taskList } = await import("../workers/tasks/index.js");
setCampaignPacingForBenchmarks("off");
const ours = await insertBenchCampaign(db, orgId, connectionId, "Black Friday (graphile-worker)");
let started = performance.now();
const start = await startCampaign(getDb(), { orgId, campaignId: ours.id, actor: { type: "user", id: userId } });
const snapshotMs = performance.now() - started;
if (!start.ok) throw new Error(`start failed: ${start.code}`);
// The task is the production one; only the slice's lane count follows LANES.
const dispatch = await import("../app/modules/campaigns/dispatch.server.js");
const { enqueueDispatch } = await import("../app/modules/campaigns/jobs.server.js");
taskList["campaign.dispatch"] = async (payload) => {
  const { campaignId } = payload as { campaignId: string };
  const { outcome } = await dispatch.runDispatchSlice(getDb(), campaignId, { maxInFlight: LANES });
  if (outcome.kind === "again") await enqueueDispatch(getDb(), campaignId);
  else if (outcome.kind === "later") await enqueueDispatch(getDb(), campaignId, { runAt: outcome.at });
};
started = performance.now();
const worker = await startWorker({ connectionString: database.url, db: getDb(), concurrency: 4, tasks: ["campaign.dispatch"] });
await waitFor(async () => (await db.selectFrom("campaigns").select("status").where("id", "=", ours.id).executeTakeFirstOrThrow()).status === "completed");
const oursMs = performance.now() - started;
await worker.stop();
const oursSent = await sentCount(ours.id);
const oursFake = await fake.stats();
const oursRate = RECIPIENTS / (oursMs / 1000);
console.log(`graphile-worker: snapshot ${snapshotMs.toFixed(0)} ms; ${oursSent} sent in ${(oursMs / 1000).toFixed(2)} s = ${oursRate.toFixed(0)} messages/s; fake received ${oursFake.requests}, duplicates ${duplicatesIn(oursFake.perRecipient)}`);

// ---- BullMQ: one job per recipient ----------------------------------------------------------------
await fake.reset();
const { Queue, Worker } = await import("bullmq");
const { snapshotAudience } = await import("../app/modules/campaigns/snapshot.server.js");
const { loadConnection } = await import("../app/modules/channels/connections.server.js");
const { getAdapter } = await import("../app/modules/channels/registry.server.js");
const { prepareMessage, renderFor } = await import("../app/modules/campaigns/prepare-message.server.js");
const { recordCampaignSent, recordCampaignFailed } = await import("../app/modules/campaigns/send-record.server.js");
const baseline = await insertBenchCampaign(db, orgId, connectionId, "Black Friday (BullMQ)");
await db.transaction().execute(async (trx) => {
  await snapshotAudience(trx, { id: baseline.id, orgId, audience: { kind: "all" } });
  await trx.updateTable("campaigns").set({ status: "running", started_at: new Date() }).where("id", "=", baseline.id).execute();
});
const recipientIds = (await db.selectFrom("campaign_recipients").select("id").where("campaign_id", "=", baseline.id).where("status", "=", "pending").orderBy("id").execute()).map((row) => row.id);
const connection = (await loadConnection(db, orgId, connectionId))!;
const prepared = (await prepareMessage(db, orgId, (await db.selectFrom("campaigns").select("message").where("id", "=", baseline.id).executeTakeFirstOrThrow()).message))!;
const queueName = `bench-campaign-${Date.now()}`;
const redis = { url: REDIS_URL, maxRetriesPerRequest: null };
const queue = new Queue(queueName, { connection: redis });
let done = 0;
let allDone: () => void = () => {};
const finished = new Promise<void>((resolve) => (allDone = resolve));

started = performance.now();
const bullWorker = new Worker(
  queueName,
  async (job) => {
    const recipientId = (job.data as { recipientId: number }).recipientId;
    // Per job, as a job-per-recipient design does: read the row and the campaign, claim it, send, record.
    const row = await db
      .selectFrom("campaign_recipients")
      .innerJoin("campaigns", "campaigns.id", "campaign_recipients.campaign_id")
      .innerJoin("contacts", "contacts.id", "campaign_recipients.contact_id")
      .select(["campaign_recipients.id", "campaign_recipients.status", "campaigns.status as campaign_status", "contacts.id as contact_id", "contacts.name", "contacts.phone", "contacts.email", "contacts.attributes", "contacts.opted_out"])
      .where("campaign_recipients.id", "=", recipientId)
      .executeTakeFirst();
    if (!row || row.status !== "pending" || row.campaign_status !== "running" || row.opted_out || !row.phone) return;
    await db.updateTable("campaign_recipients").set({ status: "sending", claimed_at: new Date(), attempts: sql`attempts + 1` }).where("id", "=", row.id).execute();
    const rendered = renderFor(prepared, row, row.id);
    const result = await getAdapter("whatsapp_cloud").sendText(connection, row.phone, rendered.body);
    const ref = { id: row.id, orgId, campaignId: baseline.id, connectionId, contactId: row.contact_id };
    if (result.ok) await recordCampaignSent(db, ref, { type: "text", body: rendered.body, mediaId: null, content: {} }, result);
    else await recordCampaignFailed(db, row.id, result, { retryable: result.retryable });
  },
  { connection: redis, concurrency: LANES, removeOnComplete: { count: 0 }, removeOnFail: { count: 1000 } },
);
bullWorker.on("completed", () => {
  done += 1;
  if (done === recipientIds.length) allDone();
});
bullWorker.on("failed", (_job, error) => console.log(`bullmq job failed: ${error.message}`));
const enqueueStarted = performance.now();
for (let at = 0; at < recipientIds.length; at += 1_000) {
  await queue.addBulk(recipientIds.slice(at, at + 1_000).map((recipientId) => ({ name: "campaignRecipient.send", data: { recipientId }, opts: { attempts: 5, backoff: { type: "exponential", delay: 2_000 } } })));
}
const enqueueMs = performance.now() - enqueueStarted;
await finished;
const bullMs = performance.now() - started;
await bullWorker.close();
await queue.obliterate({ force: true });
await queue.close();
const bullSent = await sentCount(baseline.id);
const bullFake = await fake.stats();
const bullRate = RECIPIENTS / (bullMs / 1000);
console.log(`BullMQ (job per recipient): enqueue ${enqueueMs.toFixed(0)} ms; ${bullSent} sent in ${(bullMs / 1000).toFixed(2)} s = ${bullRate.toFixed(0)} messages/s; fake received ${bullFake.requests}, duplicates ${duplicatesIn(bullFake.perRecipient)}`);
console.log(`ratio graphile-worker / BullMQ: ${(oursRate / bullRate).toFixed(2)}× (load average after: ${loadAverage()})`);

fake.stop();
await db.destroy();
await getDb().destroy();
const { closeRedis } = await import("../app/lib/redis.server.js");
await closeRedis();
await database.drop();
process.exit(0);
