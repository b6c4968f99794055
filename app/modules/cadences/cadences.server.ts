import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { type BusinessHours, parseBusinessHours } from "./business-hours";
import { exitCadenceEnrollments, rescheduleActiveEnrollments } from "./enrollments.server";
import { type CadenceStep, parseStep } from "./steps";

export const CADENCE_STATUSES = ["active", "paused", "archived"] as const;
export type CadenceStatus = (typeof CADENCE_STATUSES)[number];

export type EnrollmentCounts = { active: number; completed: number; exited: number };

export type CadenceSummary = {
  id: string;
  name: string;
  status: CadenceStatus;
  stepCount: number;
  counts: EnrollmentCounts;
  createdAt: Date;
};

export type StoredStep = { id: string; position: number; step: CadenceStep | null; kind: string };

export type CadenceDetail = {
  id: string;
  name: string;
  status: CadenceStatus;
  triggerTagId: string | null;
  triggerStageId: string | null;
  exitOnReply: boolean;
  exitOnLeadClosed: boolean;
  businessHours: BusinessHours;
  versionId: string | null;
  versionNumber: number;
  steps: StoredStep[];
};

const asStatus = (value: string): CadenceStatus => ((CADENCE_STATUSES as readonly string[]).includes(value) ? (value as CadenceStatus) : "paused");

export async function listCadences(db: Database, orgId: string, options: { includeArchived?: boolean } = {}): Promise<CadenceSummary[]> {
  let query = db
    .selectFrom("cadences")
    .select((eb) => [
      "cadences.id",
      "cadences.name",
      "cadences.status",
      "cadences.created_at",
      eb.selectFrom("cadence_steps").select((inner) => inner.fn.countAll<number>().as("n")).whereRef("cadence_steps.version_id", "=", "cadences.current_version_id").as("stepCount"),
    ])
    .where("cadences.org_id", "=", orgId)
    .orderBy("cadences.created_at", "desc")
    .orderBy("cadences.id", "desc")
    .limit(200);
  if (!options.includeArchived) query = query.where("cadences.status", "!=", "archived");
  const cadences = await query.execute();
  const counts = await enrollmentCounts(
    db,
    orgId,
    cadences.map((cadence) => cadence.id),
  );
  return cadences.map((row) => ({
    id: row.id,
    name: row.name,
    status: asStatus(row.status),
    stepCount: Number(row.stepCount ?? 0),
    counts: counts.get(row.id) ?? { active: 0, completed: 0, exited: 0 },
    createdAt: row.created_at,
  }));
}

export async function enrollmentCounts(db: Database, orgId: string, cadenceIds: string[]): Promise<Map<string, EnrollmentCounts>> {
  const byCadence = new Map<string, EnrollmentCounts>();
  if (cadenceIds.length === 0) return byCadence;
  const rows = await db
    .selectFrom("cadence_enrollments")
    .select(["cadence_id", "status", (eb) => eb.fn.countAll<number>().as("count")])
    .where("org_id", "=", orgId)
    .where("cadence_id", "in", cadenceIds)
    .groupBy(["cadence_id", "status"])
    .execute();
  for (const row of rows) {
    const counts = byCadence.get(row.cadence_id) ?? { active: 0, completed: 0, exited: 0 };
    if (row.status === "active" || row.status === "completed" || row.status === "exited") counts[row.status] = Number(row.count);
    byCadence.set(row.cadence_id, counts);
  }
  return byCadence;
}

export async function findCadence(db: Database, orgId: string, cadenceId: string): Promise<CadenceDetail | undefined> {
  const row = await db
    .selectFrom("cadences")
    .leftJoin("cadence_versions", "cadence_versions.id", "cadences.current_version_id")
    .selectAll("cadences")
    .select("cadence_versions.number as version_number")
    .where("cadences.org_id", "=", orgId)
    .where("cadences.id", "=", cadenceId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    status: asStatus(row.status),
    triggerTagId: row.trigger_tag_id,
    triggerStageId: row.trigger_stage_id,
    exitOnReply: row.exit_on_reply,
    exitOnLeadClosed: row.exit_on_lead_closed,
    businessHours: parseBusinessHours(row.business_hours),
    versionId: row.current_version_id,
    versionNumber: row.version_number ?? 0,
    steps: row.current_version_id ? await versionSteps(db, row.current_version_id) : [],
  };
}

export async function versionSteps(db: Database, versionId: string): Promise<StoredStep[]> {
  const rows = await db.selectFrom("cadence_steps").select(["id", "position", "kind", "config"]).where("version_id", "=", versionId).orderBy("position").execute();
  return rows.map((row) => ({ id: row.id, position: row.position, kind: row.kind, step: parseStep(row.kind, row.config) }));
}

async function newVersion(trx: Database, orgId: string, cadenceId: string, steps: CadenceStep[], userId: string | null): Promise<string> {
  const { next } = await trx
    .selectFrom("cadence_versions")
    .select((eb) => sql<number>`coalesce(max(${eb.ref("number")}), 0) + 1`.as("next"))
    .where("cadence_id", "=", cadenceId)
    .executeTakeFirstOrThrow();
  const version = await trx.insertInto("cadence_versions").values({ org_id: orgId, cadence_id: cadenceId, number: Number(next), created_by: userId }).returning("id").executeTakeFirstOrThrow();
  if (steps.length) {
    await trx
      .insertInto("cadence_steps")
      .values(steps.map((step, position) => ({ org_id: orgId, version_id: version.id, position, kind: step.kind, config: JSON.stringify(step.config) })))
      .execute();
  }
  await trx.updateTable("cadences").set({ current_version_id: version.id, updated_at: new Date() }).where("id", "=", cadenceId).execute();
  return version.id;
}

export async function createCadence(db: Database, input: { orgId: string; name: string; actor: AuditEntry["actor"] }): Promise<string> {
  const userId = input.actor.type === "user" ? (input.actor.id ?? null) : null;
  return inTransaction(db, async (trx) => {
    const cadence = await trx.insertInto("cadences").values({ org_id: input.orgId, name: input.name, created_by: userId }).returning("id").executeTakeFirstOrThrow();
    await newVersion(trx, input.orgId, cadence.id, [], userId);
    await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "cadence.created", target: { type: "cadence", id: cadence.id }, metadata: { name: input.name } });
    return cadence.id;
  });
}

export type StepEdit =
  | { op: "add"; step: CadenceStep }
  | { op: "update"; position: number; step: CadenceStep }
  | { op: "delete"; position: number }
  | { op: "move"; position: number; direction: "up" | "down" };

export type StepEditResult = { ok: true; versionId: string } | { ok: false; reason: "not_found" | "step_not_found" | "reference_not_found" };

/** Ids a step names must be the organization's. */
async function referencesExist(db: Database, orgId: string, step: CadenceStep): Promise<boolean> {
  switch (step.kind) {
    case "wait":
      return true;
    case "send":
      return Boolean(await db.selectFrom("channel_connections").select("id").where("org_id", "=", orgId).where("id", "=", step.config.connectionId).executeTakeFirst());
    case "tag_add":
    case "tag_remove":
      return Boolean(await db.selectFrom("tags").select("id").where("org_id", "=", orgId).where("id", "=", step.config.tagId).executeTakeFirst());
    case "move_stage":
      return Boolean(await db.selectFrom("stages").select("id").where("org_id", "=", orgId).where("id", "=", step.config.stageId).executeTakeFirst());
  }
}

/**
 * Every change to the steps saves a new version and makes it current. Running enrollments keep the
 * version they started on; new enrollments take this one.
 */
export async function editSteps(db: Database, input: { orgId: string; cadenceId: string; edit: StepEdit; userId: string | null }): Promise<StepEditResult> {
  return inTransaction(db, async (trx) => {
    const cadence = await trx.selectFrom("cadences").select(["id", "current_version_id"]).where("org_id", "=", input.orgId).where("id", "=", input.cadenceId).forUpdate().executeTakeFirst();
    if (!cadence) return { ok: false, reason: "not_found" };
    const stored = cadence.current_version_id ? await versionSteps(trx, cadence.current_version_id) : [];
    // A stored step that no longer parses is dropped from the new version rather than copied broken.
    const steps = stored.flatMap((row) => (row.step ? [row.step] : []));
    const { edit } = input;
    if (edit.op !== "add" && (edit.position < 0 || edit.position >= steps.length)) return { ok: false, reason: "step_not_found" };
    if ((edit.op === "add" || edit.op === "update") && !(await referencesExist(trx, input.orgId, edit.step))) return { ok: false, reason: "reference_not_found" };
    if (edit.op === "add") steps.push(edit.step);
    else if (edit.op === "update") steps[edit.position] = edit.step;
    else if (edit.op === "delete") steps.splice(edit.position, 1);
    else {
      const target = edit.direction === "up" ? edit.position - 1 : edit.position + 1;
      if (target >= 0 && target < steps.length) [steps[edit.position], steps[target]] = [steps[target]!, steps[edit.position]!];
    }
    return { ok: true, versionId: await newVersion(trx, input.orgId, cadence.id, steps, input.userId) };
  });
}

export type CadenceSettings = { name: string; triggerTagId: string | null; triggerStageId: string | null; exitOnReply: boolean; exitOnLeadClosed: boolean; businessHours: BusinessHours };

export async function updateCadenceSettings(
  db: Database,
  input: { orgId: string; cadenceId: string; settings: CadenceSettings },
): Promise<{ ok: true } | { ok: false; reason: "not_found" | "tag_not_found" | "stage_not_found" }> {
  const { settings } = input;
  if (settings.triggerTagId && !(await db.selectFrom("tags").select("id").where("org_id", "=", input.orgId).where("id", "=", settings.triggerTagId).executeTakeFirst())) {
    return { ok: false, reason: "tag_not_found" };
  }
  if (settings.triggerStageId && !(await db.selectFrom("stages").select("id").where("org_id", "=", input.orgId).where("id", "=", settings.triggerStageId).executeTakeFirst())) {
    return { ok: false, reason: "stage_not_found" };
  }
  const row = await db
    .updateTable("cadences")
    .set({
      name: settings.name,
      trigger_tag_id: settings.triggerTagId,
      trigger_stage_id: settings.triggerStageId,
      exit_on_reply: settings.exitOnReply,
      exit_on_lead_closed: settings.exitOnLeadClosed,
      business_hours: JSON.stringify(settings.businessHours),
      updated_at: new Date(),
    })
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.cadenceId)
    .returning("id")
    .executeTakeFirst();
  return row ? { ok: true } : { ok: false, reason: "not_found" };
}

/**
 * Pausing leaves each enrollment where it is (its next step does nothing while paused); activating
 * schedules their steps again; archiving ends every active enrollment.
 */
export async function setCadenceStatus(db: Database, input: { orgId: string; cadenceId: string; status: CadenceStatus; actor: AuditEntry["actor"] }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const cadence = await trx.selectFrom("cadences").select(["id", "status"]).where("org_id", "=", input.orgId).where("id", "=", input.cadenceId).forUpdate().executeTakeFirst();
    if (!cadence) return false;
    if (cadence.status === input.status) return true;
    await trx.updateTable("cadences").set({ status: input.status, updated_at: new Date() }).where("id", "=", cadence.id).execute();
    if (input.status === "active") await rescheduleActiveEnrollments(trx, input.orgId, cadence.id);
    if (input.status === "archived") await exitCadenceEnrollments(trx, input.orgId, cadence.id, "cadence_archived");
    await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "cadence.statusChanged", target: { type: "cadence", id: cadence.id }, metadata: { from: cadence.status, to: input.status } });
    return true;
  });
}

export type StepStats = { position: number; done: number; skipped: number; failed: number; waiting: number };

/** Per step of the current version: how many enrollments ran, skipped or failed it, and how many wait at it. */
export async function stepStats(db: Database, orgId: string, cadence: Pick<CadenceDetail, "id" | "versionId" | "steps">): Promise<StepStats[]> {
  const stats = cadence.steps.map((step) => ({ position: step.position, done: 0, skipped: 0, failed: 0, waiting: 0 }));
  if (!cadence.versionId || stats.length === 0) return stats;
  const [runs, waiting] = await Promise.all([
    db
      .selectFrom("cadence_step_runs")
      .innerJoin("cadence_enrollments", "cadence_enrollments.id", "cadence_step_runs.enrollment_id")
      .select(["cadence_step_runs.position", "cadence_step_runs.status", (eb) => eb.fn.countAll<number>().as("count")])
      .where("cadence_enrollments.org_id", "=", orgId)
      .where("cadence_enrollments.version_id", "=", cadence.versionId)
      .groupBy(["cadence_step_runs.position", "cadence_step_runs.status"])
      .execute(),
    db
      .selectFrom("cadence_enrollments")
      .select(["position", (eb) => eb.fn.countAll<number>().as("count")])
      .where("org_id", "=", orgId)
      .where("version_id", "=", cadence.versionId)
      .where("status", "=", "active")
      .groupBy("position")
      .execute(),
  ]);
  for (const run of runs) {
    const entry = stats[run.position];
    if (entry && (run.status === "done" || run.status === "skipped" || run.status === "failed")) entry[run.status] = Number(run.count);
  }
  for (const row of waiting) {
    const entry = stats[row.position];
    if (entry) entry.waiting = Number(row.count);
  }
  return stats;
}
