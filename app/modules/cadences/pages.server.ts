import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { contactsMatching } from "../contacts/contact-filter.server";
import { versionSteps } from "./cadences.server";

export const ENROLLMENTS_PAGE_SIZE = 50;
export const ENROLLMENT_STATUSES = ["active", "completed", "exited"] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export type EnrollmentListItem = {
  id: string;
  contactId: string;
  contactName: string | null;
  contactPhone: string | null;
  status: string;
  position: number;
  nextRunAt: string | null;
  exitReason: string | null;
  source: string;
  createdAt: string;
};

/** Newest first, keyset-paged by (created_at, id). */
export async function listEnrollments(
  db: Database,
  orgId: string,
  cadenceId: string,
  options: { status?: EnrollmentStatus; before?: { createdAt: Date; id: string } } = {},
): Promise<{ enrollments: EnrollmentListItem[]; nextCursor: string | null }> {
  let query = db
    .selectFrom("cadence_enrollments")
    .innerJoin("contacts", "contacts.id", "cadence_enrollments.contact_id")
    .select([
      "cadence_enrollments.id",
      "cadence_enrollments.contact_id",
      "contacts.name",
      "contacts.phone",
      "cadence_enrollments.status",
      "cadence_enrollments.position",
      "cadence_enrollments.next_run_at",
      "cadence_enrollments.exit_reason",
      "cadence_enrollments.source",
      "cadence_enrollments.created_at",
    ])
    .where("cadence_enrollments.org_id", "=", orgId)
    .where("cadence_enrollments.cadence_id", "=", cadenceId)
    .orderBy("cadence_enrollments.created_at", "desc")
    .orderBy("cadence_enrollments.id", "desc")
    .limit(ENROLLMENTS_PAGE_SIZE + 1);
  if (options.status) query = query.where("cadence_enrollments.status", "=", options.status);
  if (options.before) {
    const { createdAt, id } = options.before;
    query = query.where(sql<boolean>`(cadence_enrollments.created_at, cadence_enrollments.id) < (${createdAt}, ${id}::uuid)`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, ENROLLMENTS_PAGE_SIZE);
  const last = page.at(-1);
  return {
    enrollments: page.map((row) => ({
      id: row.id,
      contactId: row.contact_id,
      contactName: row.name,
      contactPhone: row.phone,
      status: row.status,
      position: row.position,
      nextRunAt: row.next_run_at?.toISOString() ?? null,
      exitReason: row.exit_reason,
      source: row.source,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length > ENROLLMENTS_PAGE_SIZE && last ? `${last.created_at.toISOString()}_${last.id}` : null,
  };
}

export function parseCursor(value: string | null): { createdAt: Date; id: string } | undefined {
  const match = value ? /^(.+)_([0-9a-f-]{36})$/i.exec(value) : null;
  if (!match) return undefined;
  const createdAt = new Date(match[1]!);
  return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id: match[2]! };
}

export type TimelineEntry =
  | { type: "enrolled"; at: string; source: string; by: string | null }
  | { type: "step"; at: string; position: number; kind: string; status: string; detail: string | null; conversationId: string | null }
  | { type: "scheduled"; at: string | null; position: number; kind: string; paused: boolean }
  | { type: "completed"; at: string }
  | { type: "exited"; at: string; reason: string | null; by: string | null };

export type EnrollmentDetail = {
  id: string;
  cadenceId: string;
  cadenceName: string;
  contactId: string;
  contactName: string | null;
  contactPhone: string | null;
  status: string;
  versionNumber: number;
  stepCount: number;
  timeline: TimelineEntry[];
};

export async function findEnrollment(db: Database, orgId: string, cadenceId: string, enrollmentId: string): Promise<EnrollmentDetail | undefined> {
  const row = await db
    .selectFrom("cadence_enrollments")
    .innerJoin("cadences", "cadences.id", "cadence_enrollments.cadence_id")
    .innerJoin("cadence_versions", "cadence_versions.id", "cadence_enrollments.version_id")
    .innerJoin("contacts", "contacts.id", "cadence_enrollments.contact_id")
    .leftJoin("users as enroller", "enroller.id", "cadence_enrollments.enrolled_by")
    .leftJoin("users as exiter", "exiter.id", "cadence_enrollments.exited_by")
    .select([
      "cadence_enrollments.id",
      "cadence_enrollments.cadence_id",
      "cadence_enrollments.version_id",
      "cadence_enrollments.status",
      "cadence_enrollments.position",
      "cadence_enrollments.next_run_at",
      "cadence_enrollments.source",
      "cadence_enrollments.exit_reason",
      "cadence_enrollments.created_at",
      "cadence_enrollments.finished_at",
      "cadences.name as cadence_name",
      "cadences.status as cadence_status",
      "cadence_versions.number as version_number",
      "contacts.id as contact_id",
      "contacts.name as contact_name",
      "contacts.phone as contact_phone",
      "enroller.name as enrolled_by_name",
      "exiter.name as exited_by_name",
    ])
    .where("cadence_enrollments.org_id", "=", orgId)
    .where("cadence_enrollments.cadence_id", "=", cadenceId)
    .where("cadence_enrollments.id", "=", enrollmentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [steps, runs] = await Promise.all([
    versionSteps(db, row.version_id),
    db
      .selectFrom("cadence_step_runs")
      .leftJoin("messages", "messages.id", "cadence_step_runs.message_id")
      .select(["cadence_step_runs.position", "cadence_step_runs.kind", "cadence_step_runs.status", "cadence_step_runs.detail", "cadence_step_runs.ran_at", "messages.conversation_id"])
      .where("cadence_step_runs.org_id", "=", orgId)
      .where("cadence_step_runs.enrollment_id", "=", row.id)
      .orderBy("cadence_step_runs.position")
      .execute(),
  ]);
  const timeline: TimelineEntry[] = [{ type: "enrolled", at: row.created_at.toISOString(), source: row.source, by: row.enrolled_by_name }];
  for (const run of runs) {
    timeline.push({ type: "step", at: run.ran_at.toISOString(), position: run.position, kind: run.kind, status: run.status, detail: run.detail, conversationId: run.conversation_id });
  }
  const next = steps.find((step) => step.position === row.position);
  if (row.status === "active" && next) {
    timeline.push({ type: "scheduled", at: row.next_run_at?.toISOString() ?? null, position: next.position, kind: next.kind, paused: row.cadence_status !== "active" });
  }
  if (row.status === "completed" && row.finished_at) timeline.push({ type: "completed", at: row.finished_at.toISOString() });
  if (row.status === "exited" && row.finished_at) timeline.push({ type: "exited", at: row.finished_at.toISOString(), reason: row.exit_reason, by: row.exited_by_name });
  return {
    id: row.id,
    cadenceId: row.cadence_id,
    cadenceName: row.cadence_name,
    contactId: row.contact_id,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    status: row.status,
    versionNumber: row.version_number,
    stepCount: steps.length,
    timeline,
  };
}

export type ContactEnrollment = { id: string; cadenceId: string; cadenceName: string; status: string; exitReason: string | null; createdAt: string };

export async function listContactEnrollments(db: Database, orgId: string, contactId: string): Promise<ContactEnrollment[]> {
  const rows = await db
    .selectFrom("cadence_enrollments")
    .innerJoin("cadences", "cadences.id", "cadence_enrollments.cadence_id")
    .select(["cadence_enrollments.id", "cadence_enrollments.cadence_id", "cadences.name", "cadence_enrollments.status", "cadence_enrollments.exit_reason", "cadence_enrollments.created_at"])
    .where("cadence_enrollments.org_id", "=", orgId)
    .where("cadence_enrollments.contact_id", "=", contactId)
    .orderBy("cadence_enrollments.created_at", "desc")
    .limit(100)
    .execute();
  return rows.map((row) => ({ id: row.id, cadenceId: row.cadence_id, cadenceName: row.name, status: row.status, exitReason: row.exit_reason, createdAt: row.created_at.toISOString() }));
}

/** The contact picker: a few live contacts matching a name or phone fragment. */
export async function searchContactsToEnroll(db: Database, orgId: string, search: string): Promise<Array<{ id: string; name: string | null; phone: string | null; optedOut: boolean }>> {
  if (!search.trim()) return [];
  const rows = await (await contactsMatching(db, orgId, { search }))
    .select(["contacts.id", "contacts.name", "contacts.phone", "contacts.opted_out"])
    .orderBy("contacts.name")
    .limit(10)
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, phone: row.phone, optedOut: row.opted_out }));
}

/** What the step builder and settings offer: the organization's connections, tags, stages and segments. */
export async function cadenceOptions(db: Database, orgId: string) {
  const [connections, tags, stages, segments] = await Promise.all([
    db.selectFrom("channel_connections").select(["id", "name", "kind"]).where("org_id", "=", orgId).orderBy("created_at").execute(),
    db.selectFrom("tags").select(["id", "name"]).where("org_id", "=", orgId).orderBy("name").execute(),
    db
      .selectFrom("stages")
      .innerJoin("pipelines", "pipelines.id", "stages.pipeline_id")
      .select(["stages.id", "stages.name", "pipelines.name as pipelineName"])
      .where("stages.org_id", "=", orgId)
      .orderBy("pipelines.name")
      .orderBy("stages.position")
      .execute(),
    db.selectFrom("segments").select(["id", "name"]).where("org_id", "=", orgId).orderBy("name").execute(),
  ]);
  return { connections, tags, stages, segments };
}
export type CadenceOptions = Awaited<ReturnType<typeof cadenceOptions>>;
