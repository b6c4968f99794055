/**
 * Crash drill: RECIPIENTS (default 10,000) recipients dispatched by a worker PROCESS that is killed
 * with SIGKILL KILLS (default 5) times mid-run and started again each time; sends go through the real
 * WhatsApp Cloud adapter to the fake Graph API in its own process, whose log is the truth. Prints:
 *   lost        recipients the fake never received and the database does not hold as sent (goal 0)
 *   duplicates  extra sends the fake received (goal ≤ 1 per kill)
 * and the sends that were in flight at each kill.
 *
 *   source .cache/test-services.env && npx tsx bench/campaign-crash-drill.ts
 *
 * LANES (default 32) sends in flight, LATENCY_MS (default 0) the fake's answer delay. Fresh database
 * `<TEST_DB_PREFIX>_bench_crash` (dropped at the end unless KEEP_BENCH_DB=1).
 */
import { type ChildProcess, fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb } from "../db/index.js";
import { freshBenchDatabase, insertBenchCampaign, loadAverage, seedCampaignAudience, startFakeMetaProcess } from "./support/campaign-bench.js";

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 10_000);
const KILLS = Number(process.env.KILLS ?? 5);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 0);

const fake = await startFakeMetaProcess();
if (LATENCY_MS) await fake.latency(LATENCY_MS);
const database = await freshBenchDatabase("crash");
const db = createDb(database.url, { max: 4 });
const { orgId, userId, connectionId } = await seedCampaignAudience(db, fake.baseUrl, RECIPIENTS);
const campaign = await insertBenchCampaign(db, orgId, connectionId, "Crash drill");
const { startCampaign } = await import("../app/modules/campaigns/lifecycle.server.js");
const { getDb } = await import("../app/lib/db.server.js");
const start = await startCampaign(getDb(), { orgId, campaignId: campaign.id, actor: { type: "user", id: userId } });
if (!start.ok) throw new Error(`start failed: ${start.code}`);
console.log(`crash drill: ${RECIPIENTS} recipients, ${KILLS} × SIGKILL, lanes ${process.env.LANES ?? 32}, fake latency ${LATENCY_MS} ms, load average ${loadAverage()}`);

const counts = async () => {
  const row = await db
    .selectFrom("campaign_recipients")
    .select([sql<number>`count(*) FILTER (WHERE status = 'sent')::int`.as("sent"), sql<number>`count(*) FILTER (WHERE status = 'sending')::int`.as("sending")])
    .where("campaign_id", "=", campaign.id)
    .executeTakeFirstOrThrow();
  return row;
};

function spawnWorker(): Promise<ChildProcess> {
  const child = fork(new URL("./support/campaign-worker-process.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], env: process.env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve) => child.once("message", () => resolve(child)));
}

const started = performance.now();
for (let kill = 1; kill <= KILLS; kill++) {
  const worker = await spawnWorker();
  const from = (await counts()).sent;
  const target = from + Math.floor(RECIPIENTS / (KILLS + 3));
  while ((await counts()).sent < target) await new Promise((resolve) => setTimeout(resolve, 20));
  const before = await fake.stats();
  worker.kill("SIGKILL");
  await new Promise((resolve) => worker.once("exit", resolve));
  const at = await counts();
  console.log(`kill ${kill}: ${at.sent} recorded sent, ${at.sending} rows 'sending' left by the dead run, fake had ${before.requests} requests`);
}
const last = await spawnWorker();
while ((await db.selectFrom("campaigns").select("status").where("id", "=", campaign.id).executeTakeFirstOrThrow()).status !== "completed") {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const elapsed = (performance.now() - started) / 1000;
last.kill("SIGTERM");

const { perRecipient, requests } = await fake.stats();
const rows = await db.selectFrom("campaign_recipients").select(["phone", "status"]).where("campaign_id", "=", campaign.id).execute();
let lost = 0;
let unrecorded = 0;
let duplicates = 0;
let recordedNeverSent = 0;
for (const row of rows) {
  const received = perRecipient[row.phone!.replace(/^\+/, "")] ?? 0;
  if (received === 0 && row.status !== "sent") lost++;
  if (row.status !== "sent") unrecorded++;
  if (received === 0 && row.status === "sent") recordedNeverSent++;
  duplicates += Math.max(0, received - 1);
}
console.log(`done in ${elapsed.toFixed(1)} s: ${rows.length} recipients, fake received ${requests}`);
console.log(`lost ${lost}; not recorded as sent ${unrecorded}; recorded but never received ${recordedNeverSent}; duplicates ${duplicates} (${(duplicates / KILLS).toFixed(1)} per kill); load average ${loadAverage()}`);

fake.stop();
await db.destroy();
await getDb().destroy();
const { closeRedis } = await import("../app/lib/redis.server.js");
await closeRedis();
await database.drop();
process.exit(0);
