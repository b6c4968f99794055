/**
 * Signed Meta webhook ingest through the real production build: N concurrent keep-alive clients POST
 * signed WhatsApp Cloud API webhooks (one text message each, plus replays of earlier ones, as Meta's
 * retries do) to /webhooks/meta/:connectionId on an in-process server over loopback. Measures accepted
 * webhooks per second and latency, then checks the database: every event stored exactly once and
 * queued for processing exactly once (0 lost, 0 duplicated). Goal: ≥ 1,000 accepted webhooks/s.
 *
 *   source .cache/test-services.env && npx remix build && npx tsx bench/webhook-ingest.ts
 *
 * WEBHOOKS (default 20000) unique webhooks, REPLAYS (default 10% of them) resent, CLIENTS (default 64)
 * concurrent connections, WARMUP (default 1000) unmeasured webhooks first. The load generator is a
 * child process, so the server's event loop and CPU figures are its own. Uses a fresh database
 * `<TEST_DB_PREFIX>_bench_ingest` (dropped at the end unless KEEP_BENCH_DB=1). FAST_PATH=1 serves the POSTs
 * from Express ahead of Remix (see startWithFastPath).
 */
import { createHmac, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { spawn } from "node:child_process";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../tests/support/test-env.js";

const WEBHOOKS = Number(process.env.WEBHOOKS ?? 20_000);
const REPLAYS = Number(process.env.REPLAYS ?? Math.round(WEBHOOKS / 10));
const CLIENTS = Number(process.env.CLIENTS ?? 64);
const WARMUP = Number(process.env.WARMUP ?? 1_000);
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_ingest`;
const IDS = { phoneNumberId: "106540352242922", wabaId: "102290129340398" };

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

type Shot = { body: string; signature: string };
type Outcome = { status: number; ms: number; received: number };

/** The load generator: plain JS in a child process, http keep-alive, a bounded pool of in-flight requests. */
const CLIENT_SOURCE = `
const http = require("node:http");
const { performance } = require("node:perf_hooks");
process.once("message", ({ url, shots, clients }) => run(url, shots, clients));
function run(url, shots, clients) {
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const outcomes = new Array(shots.length);
let next = 0;
function fire(index) {
  return new Promise((resolve) => {
    const shot = shots[index];
    const started = performance.now();
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(shot.body), "X-Hub-Signature-256": shot.signature } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        let received = 0;
        try { received = JSON.parse(Buffer.concat(chunks).toString()).received || 0; } catch {}
        outcomes[index] = { status: response.statusCode, ms: performance.now() - started, received };
        resolve();
      });
    });
    request.on("error", () => { outcomes[index] = { status: 0, ms: performance.now() - started, received: 0 }; resolve(); });
    request.end(shot.body);
  });
}
async function lane() { while (next < shots.length) await fire(next++); }
(async () => {
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, lane));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  process.send({ outcomes, elapsedMs }, () => process.exit(0));
})();
}
`;

/** Runs the clients in a child process, so the server's CPU time (process.cpuUsage) is its own. */
function runClients(url: string, shots: Shot[], clients: number): Promise<{ outcomes: Outcome[]; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CLIENT_SOURCE], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.once("message", (result) => resolve(result as { outcomes: Outcome[]; elapsedMs: number }));
    child.once("error", reject);
    child.send({ url, shots, clients });
  });
}

/**
 * FAST_PATH=1: the same production build behind an Express app that serves the webhook POSTs itself
 * (mountProviderWebhooks) before handing everything else to the web app, i.e. without Remix's
 * per-request route matching. Measures what wiring it into server/app.ts would give.
 */
async function startWithFastPath() {
  const express = (await import("express")).default;
  const path = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const { createWebApp } = await import("../server/app.js");
  const { buildPaths } = await import("../server/build-paths.js");
  const { getDb } = await import("../app/lib/db.server.js");
  const { mountProviderWebhooks } = await import("../app/modules/channels/webhook-routes-express.server.js");
  const root = path.resolve(import.meta.dirname, "..");
  const { serverBuild, assetsDir } = buildPaths(root);
  const build = await import(pathToFileURL(serverBuild).href);
  const outer = express();
  mountProviderWebhooks(outer, getDb);
  outer.use(createWebApp({ build, publicDir: path.join(root, "public"), assetsDir, mode: "production" }));
  const server = outer.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}"`);
  const databaseUrl = databaseUrlFor(database);
  const setupDb = createDb(databaseUrl, { max: 2 });
  await migrateToLatest(setupDb);

  delete process.env.REDIS_URL;
  Object.assign(process.env, { ...testSecrets, NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: databaseUrl, APP_URL: "http://localhost:3000" });
  const { createUser } = await import("../app/modules/auth/users.server.js");
  const { createOrganization } = await import("../app/modules/orgs/organizations.server.js");
  const { saveConnectionSecrets } = await import("../app/modules/channels/connections.server.js");
  const { ensureJobQueue } = await import("../app/modules/inbox/jobs.server.js");
  await ensureJobQueue(databaseUrl);

  const owner = await createUser(setupDb, { email: `bench-${randomBytes(4).toString("hex")}@example.test`, name: "Bench", password: "bench-password-123" });
  const org = await createOrganization(setupDb, { name: "Bench ingest", ownerId: owner.id });
  const connection = await setupDb
    .insertInto("channel_connections")
    .values({ org_id: org.id, kind: "whatsapp_cloud", name: "Bench", status: "connected", config: JSON.stringify({ ...IDS, graphVersion: "v21.0" }) })
    .returning("id")
    .executeTakeFirstOrThrow();
  const appSecret = randomBytes(16).toString("hex");
  await saveConnectionSecrets(setupDb, connection.id, { accessToken: "EAAG-bench", appSecret, verifyToken: "bench-verify" });

  const app = process.env.FAST_PATH === "1" ? await startWithFastPath() : await (await import("../tests/support/app-server.js")).startTestApp();
  const url = `${app.baseUrl}/webhooks/meta/${connection.id}`;

  const now = Math.floor(Date.now() / 1000);
  const shot = (index: number): Shot & { wamid: string } => {
    const wamid = `wamid.bench${String(index).padStart(7, "0")}${randomBytes(6).toString("hex")}`;
    const from = `55119${String(10_000_000 + (index % 1_000)).padStart(8, "0")}`;
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: IDS.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: IDS.phoneNumberId },
                contacts: [{ profile: { name: `Cliente ${index % 1_000}` }, wa_id: from }],
                messages: [{ from, id: wamid, timestamp: String(now), type: "text", text: { body: `Mensagem número ${index}: tem na cor azul?` } }],
              },
            },
          ],
        },
      ],
    });
    return { wamid, body, signature: `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}` };
  };

  const warmup = Array.from({ length: WARMUP }, (_, index) => shot(index));
  const unique = Array.from({ length: WEBHOOKS }, (_, index) => shot(WARMUP + index));
  // Meta retries arrive mixed in with new traffic: each replay follows its original by some distance.
  const shots: Shot[] = [...unique];
  for (let index = 0; index < REPLAYS; index += 1) {
    const original = Math.floor((index * 7919) % WEBHOOKS);
    shots.splice(Math.min(shots.length, original + 1 + ((index * 31) % 500)), 0, unique[original]!);
  }

  console.log(`warm-up: ${WARMUP} webhooks…`);
  await runClients(url, warmup, CLIENTS);
  console.log(`measuring: ${WEBHOOKS} unique + ${REPLAYS} replayed signed webhooks, ${CLIENTS} concurrent clients…`);
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const { outcomes, elapsedMs } = await runClients(url, shots, CLIENTS);
  const cpu = process.cpuUsage(cpuBefore);
  const loop = performance.eventLoopUtilization(loopBefore);

  const accepted = outcomes.filter((outcome) => outcome.status === 200);
  const failed = outcomes.length - accepted.length;
  const latencies = accepted.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const received = accepted.reduce((sum, outcome) => sum + outcome.received, 0);

  const expected = new Set([...warmup, ...unique].map((item) => item.wamid));
  const rows = await setupDb.selectFrom("webhook_events").select("dedupe_key").where("connection_id", "=", connection.id).execute();
  const storedKeys = new Set(rows.map((row) => row.dedupe_key));
  const lost = [...expected].filter((key) => !storedKeys.has(key)).length;
  const duplicated = rows.length - storedKeys.size;
  const unexpected = [...storedKeys].filter((key) => !expected.has(key)).length;
  const { rows: jobRows } = await sql<{ jobs: number; distinct_events: number }>`
    SELECT count(*)::int AS jobs, count(DISTINCT j.payload->>'webhookEventId')::int AS distinct_events
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'webhookEvent.process'`.execute(setupDb);
  const jobs = jobRows[0]!;

  const rate = (accepted.length / elapsedMs) * 1000;
  const figures = {
    requests: outcomes.length,
    accepted: accepted.length,
    failed,
    seconds: Number((elapsedMs / 1000).toFixed(2)),
    acceptedPerSecond: Math.round(rate),
    latencyMs: { p50: Number(percentile(latencies, 50).toFixed(1)), p95: Number(percentile(latencies, 95).toFixed(1)), p99: Number(percentile(latencies, 99).toFixed(1)), max: Number(latencies.at(-1)!.toFixed(1)) },
    // CPU the web process spent per webhook, whatever else the machine was running: 1000 / this = webhooks/s one core sustains.
    serverCpuMsPerWebhook: Number(((cpu.user + cpu.system) / 1000 / outcomes.length).toFixed(3)),
    serverEventLoopUtilization: Number(loop.utilization.toFixed(2)),
    events: { sent: received, expected: expected.size, stored: rows.length, lost, duplicated, unexpected },
    jobs: { queued: jobs.jobs, distinctEvents: jobs.distinct_events },
  };
  console.log(JSON.stringify(figures, null, 2));

  const problems: string[] = [];
  if (failed) problems.push(`${failed} requests were not accepted`);
  if (lost || duplicated || unexpected) problems.push(`events: ${lost} lost, ${duplicated} duplicated, ${unexpected} unexpected`);
  if (received !== WEBHOOKS + REPLAYS) problems.push(`the app acknowledged ${received} events, ${WEBHOOKS + REPLAYS} were sent`);
  if (jobs.jobs !== rows.length || jobs.distinct_events !== rows.length) problems.push(`${jobs.jobs} jobs for ${rows.length} stored events`);
  if (rate < 1_000) problems.push(`${Math.round(rate)} webhooks/s is under the 1,000/s goal`);
  console.log(problems.length ? `FAIL: ${problems.join("; ")}` : `PASS: ${Math.round(rate)} webhooks/s accepted (goal ≥ 1,000), 0 lost, 0 duplicated`);

  await app.close();
  await setupDb.destroy();
  const { getDb } = await import("../app/lib/db.server.js");
  await getDb().destroy();
  // Pools opened inside the app (graphile-worker's installer) may still be connected; the drop ends them.
  process.on("uncaughtException", (error: { code?: string }) => {
    if (error.code !== "57P01") throw error;
  });
  if (process.env.KEEP_BENCH_DB !== "1") await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  process.exit(problems.length ? 1 : 0);
}

await main();
