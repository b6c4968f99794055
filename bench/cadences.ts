/**
 * Cadence engine throughput and its no-double-step guarantee: ENROLLMENTS (default 5,000) contacts
 * enrolled from a segment into a three-step cadence (send, add tag, send), walked by the real
 * `cadence.step` task on an in-process worker. Every first job is also queued a second time without
 * its job key (as an at-least-once delivery would), so half the first-step jobs are duplicates.
 * Prints the enrollment time, steps per second, and:
 *   duplicates  step runs or cadence messages beyond one per enrollment and step (goal 0)
 *
 *   source .cache/test-services.env && npx tsx bench/cadences.ts
 *
 * CONCURRENCY (default 10) worker concurrency. Fresh database `<TEST_DB_PREFIX>_bench_cadences`
 * (dropped at the end unless KEEP_BENCH_DB=1). Sends are only queued (message.send does not run).
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { createDb } from "../db/index.js";
import { freshBenchDatabase, loadAverage } from "./support/campaign-bench.js";

const ENROLLMENTS = Number(process.env.ENROLLMENTS ?? 5_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const STEPS = 3;

const database = await freshBenchDatabase("cadences");
const db = createDb(database.url, { max: 4 });
const { getDb } = await import("../app/lib/db.server.js");
const { createOrganization } = await import("../app/modules/orgs/organizations.server.js");
const { createCadence, editSteps, setCadenceStatus } = await import("../app/modules/cadences/cadences.server.js");
const { enrollSegment } = await import("../app/modules/cadences/enrollments.server.js");
const { CADENCE_STEP_TASK } = await import("../app/modules/cadences/schedule.server.js");
const { enqueueJobs, ensureJobQueue } = await import("../app/modules/inbox/jobs.server.js");
const { startWorker } = await import("../workers/runner.js");

await ensureJobQueue(database.url);
const user = await db.insertInto("users").values({ email: `bench-${Date.now()}@example.com`, name: "Bench" }).returning("id").executeTakeFirstOrThrow();
const org = await createOrganization(db, { name: "Bench", ownerId: user.id });
const connection = await db.insertInto("channel_connections").values({ org_id: org.id, kind: "sandbox", name: "Sandbox", status: "connected" }).returning("id").executeTakeFirstOrThrow();
const tag = await db.insertInto("tags").values({ org_id: org.id, name: "nutrido", color: "#10b981" }).returning("id").executeTakeFirstOrThrow();
await sql`INSERT INTO contacts (org_id, name, phone)
  SELECT ${org.id}::uuid, 'Cliente ' || k, '+55119' || lpad((10000000 + k)::text, 8, '0') FROM generate_series(1, ${ENROLLMENTS}) AS k`.execute(db);
const segment = await db.insertInto("segments").values({ org_id: org.id, name: "Todos", filter: JSON.stringify({}) }).returning("id").executeTakeFirstOrThrow();

const app = getDb();
const cadenceId = await createCadence(app, { orgId: org.id, name: "Bench", actor: { type: "system" } });
for (const step of [
  { kind: "send" as const, config: { connectionId: connection.id, text: "{Olá|Oi} {{first_name}}, tudo bem?" } },
  { kind: "tag_add" as const, config: { tagId: tag.id } },
  { kind: "send" as const, config: { connectionId: connection.id, text: "Posso ajudar, {{first_name}}?" } },
]) {
  await editSteps(app, { orgId: org.id, cadenceId, edit: { op: "add", step }, userId: null });
}
await setCadenceStatus(app, { orgId: org.id, cadenceId, status: "active", actor: { type: "system" } });

const enrollStart = performance.now();
const enrolled = await enrollSegment(app, { orgId: org.id, cadenceId, segmentId: segment.id });
const enrollMs = performance.now() - enrollStart;
if (!enrolled.ok) throw new Error(`enrollment failed: ${enrolled.reason}`);
const ids = await db.selectFrom("cadence_enrollments").select("id").where("cadence_id", "=", cadenceId).execute();
await enqueueJobs(
  db,
  ids.map((row) => ({ identifier: CADENCE_STEP_TASK, payload: { enrollmentId: row.id, position: 0 } })),
);
console.log(`cadences bench: ${ENROLLMENTS} enrollments × ${STEPS} steps, concurrency ${CONCURRENCY}, load average ${loadAverage()}`);
console.log(`enroll a segment of ${enrolled.enrolled}: ${enrollMs.toFixed(0)} ms (rows + first jobs in one transaction)`);

const started = performance.now();
const worker = await startWorker({ connectionString: database.url, db: app, concurrency: CONCURRENCY, tasks: [CADENCE_STEP_TASK] });
const remaining = () =>
  db
    .selectFrom("cadence_enrollments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("cadence_id", "=", cadenceId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
while ((await remaining()).n > 0) await new Promise((resolve) => setTimeout(resolve, 100));
const seconds = (performance.now() - started) / 1000;
await worker.stop();

const runs = await db.selectFrom("cadence_step_runs").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
const messages = await db.selectFrom("messages").select((eb) => eb.fn.countAll<number>().as("n")).where("sender_type", "=", "cadence").executeTakeFirstOrThrow();
const tagged = await db.selectFrom("contact_tags").select((eb) => eb.fn.countAll<number>().as("n")).where("tag_id", "=", tag.id).executeTakeFirstOrThrow();
const duplicates = Math.max(0, Number(runs.n) - ENROLLMENTS * STEPS) + Math.max(0, Number(messages.n) - ENROLLMENTS * 2);
console.log(`walked: ${ENROLLMENTS * STEPS} steps in ${seconds.toFixed(1)} s = ${((ENROLLMENTS * STEPS) / seconds).toFixed(0)} steps/s`);
console.log(`step runs ${runs.n} (expected ${ENROLLMENTS * STEPS}), cadence messages ${messages.n} (expected ${ENROLLMENTS * 2}), tagged ${tagged.n}`);
console.log(`duplicates: ${duplicates}`);

await db.destroy();
await app.destroy();
await database.drop();
process.exit(duplicates === 0 ? 0 : 1);
