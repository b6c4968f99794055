/**
 * Cadence crash drill: ENROLLMENTS (default 3,000) contacts walk a three-step cadence (send, add tag,
 * send) on a worker PROCESS killed with SIGKILL KILLS (default 5) times mid-run and started again
 * each time (the new worker sweeps the dead one's locked jobs). Prints:
 *   lost        enrollments not completed at the end (goal 0)
 *   duplicates  step runs or cadence messages beyond one per enrollment and step (goal 0)
 *
 *   source .cache/test-services.env && npx tsx bench/cadences-crash-drill.ts
 *
 * Fresh database `<TEST_DB_PREFIX>_bench_cadence_crash` (dropped at the end unless KEEP_BENCH_DB=1).
 */
import { type ChildProcess, fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb } from "../db/index.js";
import { freshBenchDatabase, loadAverage } from "./support/campaign-bench.js";

const ENROLLMENTS = Number(process.env.ENROLLMENTS ?? 3_000);
const KILLS = Number(process.env.KILLS ?? 5);
const STEPS = 3;

const database = await freshBenchDatabase("cadence_crash");
const db = createDb(database.url, { max: 4 });
const { getDb } = await import("../app/lib/db.server.js");
const { createOrganization } = await import("../app/modules/orgs/organizations.server.js");
const { createCadence, editSteps, setCadenceStatus } = await import("../app/modules/cadences/cadences.server.js");
const { enrollSegment } = await import("../app/modules/cadences/enrollments.server.js");
const { ensureJobQueue } = await import("../app/modules/inbox/jobs.server.js");

await ensureJobQueue(database.url);
const user = await db.insertInto("users").values({ email: `bench-${Date.now()}@example.com`, name: "Bench" }).returning("id").executeTakeFirstOrThrow();
const org = await createOrganization(db, { name: "Bench", ownerId: user.id });
const connection = await db.insertInto("channel_connections").values({ org_id: org.id, kind: "sandbox", name: "Sandbox", status: "connected" }).returning("id").executeTakeFirstOrThrow();
const tag = await db.insertInto("tags").values({ org_id: org.id, name: "nutrido", color: "#10b981" }).returning("id").executeTakeFirstOrThrow();
await sql`INSERT INTO contacts (org_id, name, phone)
  SELECT ${org.id}::uuid, 'Cliente ' || k, '+55119' || lpad((10000000 + k)::text, 8, '0') FROM generate_series(1, ${ENROLLMENTS}) AS k`.execute(db);
const segment = await db.insertInto("segments").values({ org_id: org.id, name: "Todos", filter: JSON.stringify({}) }).returning("id").executeTakeFirstOrThrow();
const app = getDb();
const cadenceId = await createCadence(app, { orgId: org.id, name: "Drill", actor: { type: "system" } });
for (const step of [
  { kind: "send" as const, config: { connectionId: connection.id, text: "Oi {{first_name}}" } },
  { kind: "tag_add" as const, config: { tagId: tag.id } },
  { kind: "send" as const, config: { connectionId: connection.id, text: "Tudo bem, {{first_name}}?" } },
]) {
  await editSteps(app, { orgId: org.id, cadenceId, edit: { op: "add", step }, userId: null });
}
await setCadenceStatus(app, { orgId: org.id, cadenceId, status: "active", actor: { type: "system" } });
await enrollSegment(app, { orgId: org.id, cadenceId, segmentId: segment.id });
console.log(`cadence crash drill: ${ENROLLMENTS} enrollments × ${STEPS} steps, ${KILLS} × SIGKILL, load average ${loadAverage()}`);

const stepsDone = async () => Number((await db.selectFrom("cadence_step_runs").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
function spawnWorker(): Promise<ChildProcess> {
  const child = fork(new URL("./support/cadence-worker-process.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], env: process.env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve) => child.once("message", () => resolve(child)));
}

const started = performance.now();
const total = ENROLLMENTS * STEPS;
for (let kill = 1; kill <= KILLS; kill++) {
  const worker = await spawnWorker();
  const target = Math.floor((total * kill) / (KILLS + 2));
  while ((await stepsDone()) < target) await new Promise((resolve) => setTimeout(resolve, 20));
  worker.kill("SIGKILL");
  await new Promise((resolve) => worker.once("exit", resolve));
  const locked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_by IS NOT NULL AND task_identifier = 'cadence.step'`.execute(db);
  console.log(`kill ${kill}: ${await stepsDone()} steps recorded, ${locked.rows[0]!.n} step jobs left locked by the dead worker`);
}
const last = await spawnWorker();
const active = () => db.selectFrom("cadence_enrollments").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "active").executeTakeFirstOrThrow();
const deadline = Date.now() + 10 * 60_000;
while (Number((await active()).n) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
const seconds = (performance.now() - started) / 1000;
last.kill("SIGTERM");

const lost = Number((await active()).n);
const runs = await stepsDone();
const messages = Number((await db.selectFrom("messages").select((eb) => eb.fn.countAll<number>().as("n")).where("sender_type", "=", "cadence").executeTakeFirstOrThrow()).n);
const perPosition = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT enrollment_id, position FROM cadence_step_runs GROUP BY 1, 2 HAVING count(*) > 1) AS twice`.execute(db);
const duplicates = Math.max(0, runs - total) + Math.max(0, messages - ENROLLMENTS * 2) + perPosition.rows[0]!.n;
console.log(`done in ${seconds.toFixed(1)} s: step runs ${runs}/${total}, cadence messages ${messages}/${ENROLLMENTS * 2}`);
console.log(`lost: ${lost}`);
console.log(`duplicates: ${duplicates}`);

await db.destroy();
await app.destroy();
await database.drop();
process.exit(lost === 0 && duplicates === 0 ? 0 : 1);
