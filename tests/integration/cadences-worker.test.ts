import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { getEnv } from "../../app/lib/env.server.js";
import { enrollContact } from "../../app/modules/cadences/enrollments.server.js";
import { sweepCadenceEnrollments } from "../../app/modules/cadences/recovery.server.js";
import { sql } from "kysely";
import { startWorker } from "../../workers/runner.js";
import { createActiveCadence, sendStep, stepRunsOf, waitSeconds } from "../support/cadences-factories.js";
import { insertContact } from "../support/contacts-factories.js";
import { createOrgWithOwner } from "../support/factories.js";
import { clearJobQueue, createSandbox } from "../support/inbox-fixtures.js";

const db = () => getDb();
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;

beforeAll(async () => {
  await clearJobQueue(db());
});
afterAll(() => worker?.stop());

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const enrollment = (id: string) => () => db().selectFrom("cadence_enrollments").select(["status", "position", "next_run_at"]).where("id", "=", id).executeTakeFirstOrThrow();

/** Who holds each job under this key (null: queued, free to run). */
async function jobHolder(key: string) {
  const { rows } = await sql<{ locked_by: string | null }>`SELECT locked_by FROM graphile_worker._private_jobs WHERE key = ${key}`.execute(db());
  return rows.map((row) => row.locked_by);
}

describe("cadences on the real worker", () => {
  it("runs both sends in order, the second only after the wait, and survives a worker restart mid-wait", { timeout: 60_000 }, async () => {
    const { org } = await createOrgWithOwner(db(), "cad-worker");
    const connection = await createSandbox(db(), org.id);
    const contact = await insertContact(db(), org.id, { name: "Joana" });
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Primeira"), waitSeconds(3), sendStep(connection.id, "Segunda")]);
    const start = (tasks = ["cadence.step"]) => startWorker({ connectionString: getEnv().DATABASE_URL, db: db(), concurrency: 2, tasks });
    worker = await start();
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;

    // Step 1 and the wait run at once; step 3 is scheduled 3 s later.
    const waiting = await eventually(enrollment(enrollmentId), (row) => row.position === 2);
    expect(waiting.status).toBe("active");
    await worker.stop();
    worker = undefined;
    // The state is in rows and the job in Postgres: a new worker picks up where the old one stopped.
    worker = await start();
    const done = await eventually(enrollment(enrollmentId), (row) => row.status === "completed");
    expect(done.position).toBe(3);
    const runs = await stepRunsOf(db(), enrollmentId);
    expect(runs.map((run) => [run.position, run.kind, run.status])).toEqual([
      [0, "send", "done"],
      [1, "wait", "done"],
      [2, "send", "done"],
    ]);
    expect(runs[2]!.ran_at.getTime() - runs[1]!.ran_at.getTime()).toBeGreaterThanOrEqual(3000);
    const bodies = await db().selectFrom("messages").select("body").where("sender_type", "=", "cadence").where("org_id", "=", org.id).orderBy("created_at").execute();
    expect(bodies.map((row) => row.body)).toEqual(["Primeira", "Segunda"]);
    // Nothing left queued for this enrollment.
    const left = await db()
      .selectFrom("graphile_worker.jobs" as never)
      .select("key" as never)
      .where("key" as never, "=", `cadenceEnrollment:${enrollmentId}` as never)
      .execute();
    expect(left).toEqual([]);
  });

  it("a step job left locked by a killed worker is swept to a new job, and the enrollment goes on once", { timeout: 60_000 }, async () => {
    await worker?.stop();
    worker = undefined;
    const { org } = await createOrgWithOwner(db(), "cad-sweep");
    const connection = await createSandbox(db(), org.id);
    const contact = await insertContact(db(), org.id, { name: "Rui" });
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Um"), sendStep(connection.id, "Dois")]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    const key = `cadenceEnrollment:${enrollmentId}`;
    // The worker that took the job died a moment ago: only a starting worker assumes it is dead.
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'killed-worker' WHERE key = ${key}`.execute(db());
    await db().updateTable("cadence_enrollments").set({ next_run_at: new Date(Date.now() - 10 * 60_000) }).where("id", "=", enrollmentId).execute();
    // Other test files share this database: assert on this enrollment's job, not on the sweep's total.
    await sweepCadenceEnrollments(db());
    expect(await jobHolder(key)).toEqual(["killed-worker"]);
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '10 minutes' WHERE key = ${key}`.execute(db());
    await sweepCadenceEnrollments(db());
    // The fresh job is queued; the dead one no longer holds the key.
    expect(await jobHolder(key)).toEqual([null]);
    await sweepCadenceEnrollments(db());
    expect(await jobHolder(key)).toEqual([null]);

    worker = await startWorker({ connectionString: getEnv().DATABASE_URL, db: db(), concurrency: 2, tasks: ["cadence.step"] });
    await eventually(enrollment(enrollmentId), (row) => row.status === "completed");
    expect((await stepRunsOf(db(), enrollmentId)).map((run) => run.position)).toEqual([0, 1]);
    const bodies = await db().selectFrom("messages").select("body").where("sender_type", "=", "cadence").where("org_id", "=", org.id).orderBy("created_at").execute();
    expect(bodies.map((row) => row.body)).toEqual(["Um", "Dois"]);

    // When a worker starts, any overdue enrollment whose job is locked gets a new one at once.
    const other = await insertContact(db(), org.id, { name: "Téo" });
    await worker.stop();
    worker = undefined;
    const second = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: other.id });
    const secondId = (second as { enrollmentId: string }).enrollmentId;
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'killed-worker' WHERE key = ${`cadenceEnrollment:${secondId}`}`.execute(db());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await sweepCadenceEnrollments(db(), { workerStarting: true })).toBeGreaterThanOrEqual(1);
    expect(await jobHolder(`cadenceEnrollment:${secondId}`)).toEqual([null]);
  });
});
