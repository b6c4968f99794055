/**
 * Crash drill: RECIPIENTS (default 10,000) recipients dispatched by a worker PROCESS that is killed
 * with SIGKILL KILLS (default 5) times mid-run and started again each time; sends go through the real
 * WhatsApp Cloud adapter to the fake Graph API in its own process, whose log is the truth. Prints:
 *   lost        recipients the fake never received and the database does not hold as sent (goal 0)
 *   duplicates  extra sends the fake received (goal ≤ 1 per kill)
 * and the sends that were in flight at each kill.
 *
 * Like Meta, the fake posts a signed "sent" status webhook (echoing biz_opaque_callback_data) for every
 * message it accepts to the real web app (production build, in this process, over loopback); the
 * worker processes them with the production `webhookEvent.process` task, so rows a killed worker left
 * uncertain are recorded from their webhook instead of resent (decision 012).
 *
 *   source .cache/test-services.env && npx remix build && npx tsx bench/campaign-crash-drill.ts
 *
 * LANES (default 32) sends in flight, LATENCY_MS (default 0) the fake's answer delay, WEBHOOKS=0 no
 * status webhooks (uncertain rows are resent when the window expires), RECONCILE_MS the reconcile
 * window (default 60,000, production's). Fresh database `<TEST_DB_PREFIX>_bench_crash` (dropped at the
 * end unless KEEP_BENCH_DB=1). WORKER_LOGS=1 shows the workers' logs (statuses retried while their
 * send is being recorded show there as failed attempts).
 */
import { type ChildProcess, fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb } from "../db/index.js";
import { BENCH_APP_SECRET, freshBenchDatabase, insertBenchCampaign, loadAverage, seedCampaignAudience, startFakeMetaProcess } from "./support/campaign-bench.js";

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 10_000);
const KILLS = Number(process.env.KILLS ?? 5);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 0);
const WEBHOOKS = process.env.WEBHOOKS !== "0";

const fake = await startFakeMetaProcess();
if (LATENCY_MS) await fake.latency(LATENCY_MS);
const database = await freshBenchDatabase("crash");
const db = createDb(database.url, { max: 4 });
const { orgId, userId, connectionId } = await seedCampaignAudience(db, fake.baseUrl, RECIPIENTS);
const campaign = await insertBenchCampaign(db, orgId, connectionId, "Crash drill");
const app = WEBHOOKS ? await (await import("../tests/support/app-server.js")).startTestApp() : null;
if (app) await fake.statusWebhooks(`${app.baseUrl}/webhooks/meta/${connectionId}`, BENCH_APP_SECRET);
const { startCampaign } = await import("../app/modules/campaigns/lifecycle.server.js");
const { getDb } = await import("../app/lib/db.server.js");
const start = await startCampaign(getDb(), { orgId, campaignId: campaign.id, actor: { type: "user", id: userId } });
if (!start.ok) throw new Error(`start failed: ${start.code}`);
console.log(
  `crash drill: ${RECIPIENTS} recipients, ${KILLS} × SIGKILL, lanes ${process.env.LANES ?? 32}, fake latency ${LATENCY_MS} ms, ` +
    `status webhooks ${WEBHOOKS ? "on" : "off"}, reconcile window ${Number(process.env.RECONCILE_MS ?? 60_000) / 1000} s, load average ${loadAverage()}`,
);

const counts = async () => {
  const row = await db
    .selectFrom("campaign_recipients")
    .select([sql<number>`count(*) FILTER (WHERE status = 'sent')::int`.as("sent"), sql<number>`count(*) FILTER (WHERE status = 'sending')::int`.as("sending")])
    .where("campaign_id", "=", campaign.id)
    .executeTakeFirstOrThrow();
  return row;
};

function spawnWorker(): Promise<ChildProcess> {
  const child = fork(new URL("./support/campaign-worker-process.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], env: process.env, stdio: ["ignore", "ignore", process.env.WORKER_LOGS === "1" ? "inherit" : "ignore", "ipc"] });
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
  const after = await fake.stats();
  console.log(
    `kill ${kill}: ${at.sent} recorded sent, ${at.sending} rows 'sending' left by the dead run, fake had ${before.requests} requests; ` +
      `${after.requests - at.sent} accepted by the fake but not recorded (at risk of a resend, earlier kills' included)`,
  );
}
const last = await spawnWorker();
while ((await db.selectFrom("campaigns").select("status").where("id", "=", campaign.id).executeTakeFirstOrThrow()).status !== "completed") {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const elapsed = (performance.now() - started) / 1000;
last.kill("SIGTERM");

const { perRecipient, requests } = await fake.stats();
const rows = await db.selectFrom("campaign_recipients").select(["phone", "status", "uncertain_since", "attempts"]).where("campaign_id", "=", campaign.id).execute();
const uncertain = rows.filter((row) => row.uncertain_since);
const webhookRows = await db
  .selectFrom("webhook_events")
  .select([sql<number>`count(*)::int`.as("stored"), sql<number>`count(*) FILTER (WHERE processed_at IS NOT NULL AND last_error IS NULL)::int`.as("applied")])
  .executeTakeFirstOrThrow();
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
console.log(
  `uncertain rows ${uncertain.length} (claimed again after the window ${uncertain.filter((row) => row.attempts > 1).length}); ` +
    `status webhooks stored ${webhookRows.stored}, applied ${webhookRows.applied} by the end`,
);

fake.stop();
await app?.close();
await db.destroy();
await getDb().destroy();
const { closeRedis } = await import("../app/lib/redis.server.js");
await closeRedis();
await database.drop();
process.exit(0);
