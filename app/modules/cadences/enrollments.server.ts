import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type ContactsQuery, contactsMatching } from "../contacts/contact-filter.server";
import { ensureJobQueue } from "../inbox/jobs.server";
import { scheduleSteps } from "./schedule.server";

export type EnrollSource = "manual" | "segment" | "tag" | "stage";
export type ExitReason = "replied" | "opted_out" | "lead_won" | "lead_lost" | "manual" | "cadence_archived";

export type EnrollRefusal = "cadence_not_found" | "contact_not_found" | "cadence_inactive" | "no_steps" | "opted_out" | "already_enrolled";
export type EnrollResult = { ok: true; enrollmentId: string } | { ok: false; reason: EnrollRefusal };

type Cadence = { id: string; status: string; current_version_id: string | null };

async function loadCadence(db: Database, orgId: string, cadenceId: string): Promise<Cadence | undefined> {
  return db.selectFrom("cadences").select(["id", "status", "current_version_id"]).where("org_id", "=", orgId).where("id", "=", cadenceId).executeTakeFirst();
}

async function hasSteps(db: Database, versionId: string | null): Promise<boolean> {
  if (!versionId) return false;
  return Boolean(await db.selectFrom("cadence_steps").select("id").where("version_id", "=", versionId).limit(1).executeTakeFirst());
}

type Insert = { cadenceId: string; versionId: string; source: EnrollSource; leadId?: string | null; userId?: string | null; neverBefore?: boolean };

/**
 * Enrolls every contact the query selects that is live, not opted out and not already walking this
 * cadence (one active enrollment per cadence and contact), and schedules each one's first step now.
 * `neverBefore` (triggers) also skips contacts this cadence ever enrolled, so a trigger enrolls once.
 */
async function insertEnrollments(trx: Database, orgId: string, contacts: string[] | ContactsQuery, input: Insert): Promise<string[]> {
  if (Array.isArray(contacts) && contacts.length === 0) return [];
  const candidates: ContactsQuery = Array.isArray(contacts) ? trx.selectFrom("contacts").where("contacts.org_id", "=", orgId).where("contacts.id", "in", contacts) : contacts;
  let source = candidates
    .select([
      sql<string>`${orgId}::uuid`.as("org_id"),
      sql<string>`${input.cadenceId}::uuid`.as("cadence_id"),
      sql<string>`${input.versionId}::uuid`.as("version_id"),
      "contacts.id as contact_id",
      sql<string | null>`${input.leadId ?? null}::uuid`.as("lead_id"),
      sql<string>`${input.source}::text`.as("source"),
      sql<string | null>`${input.userId ?? null}::uuid`.as("enrolled_by"),
      sql<Date>`now()`.as("next_run_at"),
    ])
    .where("contacts.opted_out", "=", false)
    .where("contacts.erased_at", "is", null);
  if (input.neverBefore) {
    source = source.where((eb) =>
      eb.not(eb.exists(eb.selectFrom("cadence_enrollments").select(sql.lit(1).as("one")).where("cadence_enrollments.cadence_id", "=", input.cadenceId).whereRef("cadence_enrollments.contact_id", "=", "contacts.id"))),
    );
  }
  const rows = await trx
    .insertInto("cadence_enrollments")
    .columns(["org_id", "cadence_id", "version_id", "contact_id", "lead_id", "source", "enrolled_by", "next_run_at"])
    .expression(source)
    .onConflict((conflict) => conflict.columns(["cadence_id", "contact_id"]).where("status", "=", "active").doNothing())
    .returning("id")
    .execute();
  const now = new Date();
  await scheduleSteps(
    trx,
    rows.map((row) => ({ id: row.id, position: 0, runAt: now })),
  );
  return rows.map((row) => row.id);
}

/** One contact, from the contact page or the cadence page. */
export async function enrollContact(
  db: Database,
  input: { orgId: string; cadenceId: string; contactId: string; leadId?: string | null; userId?: string | null },
): Promise<EnrollResult> {
  await ensureJobQueue();
  return inTransaction(db, async (trx) => {
    const cadence = await loadCadence(trx, input.orgId, input.cadenceId);
    if (!cadence) return { ok: false, reason: "cadence_not_found" };
    const contact = await trx.selectFrom("contacts").select(["id", "opted_out"]).where("org_id", "=", input.orgId).where("id", "=", input.contactId).where("erased_at", "is", null).executeTakeFirst();
    if (!contact) return { ok: false, reason: "contact_not_found" };
    if (cadence.status !== "active") return { ok: false, reason: "cadence_inactive" };
    if (!(await hasSteps(trx, cadence.current_version_id))) return { ok: false, reason: "no_steps" };
    if (contact.opted_out) return { ok: false, reason: "opted_out" };
    const [id] = await insertEnrollments(trx, input.orgId, [contact.id], { cadenceId: cadence.id, versionId: cadence.current_version_id!, source: "manual", leadId: input.leadId, userId: input.userId });
    return id ? { ok: true, enrollmentId: id } : { ok: false, reason: "already_enrolled" };
  });
}

export type BulkEnrollResult = { ok: true; enrolled: number } | { ok: false; reason: "cadence_not_found" | "segment_not_found" | "cadence_inactive" | "no_steps" };

/** Everyone in a segment (opted-out contacts and those already enrolled are left out). */
export async function enrollSegment(db: Database, input: { orgId: string; cadenceId: string; segmentId: string; userId?: string | null }): Promise<BulkEnrollResult> {
  await ensureJobQueue();
  return inTransaction(db, async (trx) => {
    const cadence = await loadCadence(trx, input.orgId, input.cadenceId);
    if (!cadence) return { ok: false, reason: "cadence_not_found" };
    const segment = await trx.selectFrom("segments").select("id").where("org_id", "=", input.orgId).where("id", "=", input.segmentId).executeTakeFirst();
    if (!segment) return { ok: false, reason: "segment_not_found" };
    if (cadence.status !== "active") return { ok: false, reason: "cadence_inactive" };
    if (!(await hasSteps(trx, cadence.current_version_id))) return { ok: false, reason: "no_steps" };
    const matching = await contactsMatching(trx, input.orgId, { segmentId: segment.id, optedOut: false });
    const ids = await insertEnrollments(trx, input.orgId, matching, {
      cadenceId: cadence.id,
      versionId: cadence.current_version_id!,
      source: "segment",
      userId: input.userId,
    });
    return { ok: true, enrolled: ids.length };
  });
}

/** Trigger: the tag was just added to these contacts. Joins the caller's transaction when there is one. */
export async function enrollOnTagAdded(db: Database, orgId: string, contactIds: string[], tagId: string): Promise<number> {
  if (contactIds.length === 0) return 0;
  return inTransaction(db, (trx) => enrollForTag(trx, orgId, contactIds, tagId));
}

async function enrollForTag(db: Database, orgId: string, contactIds: string[], tagId: string): Promise<number> {
  const cadences = await db
    .selectFrom("cadences")
    .select(["id", "current_version_id"])
    .where("org_id", "=", orgId)
    .where("trigger_tag_id", "=", tagId)
    .where("status", "=", "active")
    .where("current_version_id", "is not", null)
    .execute();
  let enrolled = 0;
  for (const cadence of cadences) {
    if (!(await hasSteps(db, cadence.current_version_id))) continue;
    await ensureJobQueue();
    const ids = await insertEnrollments(db, orgId, contactIds, { cadenceId: cadence.id, versionId: cadence.current_version_id!, source: "tag", neverBefore: true });
    enrolled += ids.length;
  }
  return enrolled;
}

/** Trigger: the lead just entered this stage (created there or moved in). Joins the caller's transaction when there is one. */
export async function enrollOnStageEntered(db: Database, orgId: string, lead: { id: string; contactId: string | null; stageId: string }): Promise<number> {
  if (!lead.contactId) return 0;
  return inTransaction(db, (trx) => enrollForStage(trx, orgId, { ...lead, contactId: lead.contactId! }));
}

async function enrollForStage(db: Database, orgId: string, lead: { id: string; contactId: string; stageId: string }): Promise<number> {
  const cadences = await db
    .selectFrom("cadences")
    .select(["id", "current_version_id"])
    .where("org_id", "=", orgId)
    .where("trigger_stage_id", "=", lead.stageId)
    .where("status", "=", "active")
    .where("current_version_id", "is not", null)
    .execute();
  let enrolled = 0;
  for (const cadence of cadences) {
    if (!(await hasSteps(db, cadence.current_version_id))) continue;
    await ensureJobQueue();
    const ids = await insertEnrollments(db, orgId, [lead.contactId], { cadenceId: cadence.id, versionId: cadence.current_version_id!, source: "stage", leadId: lead.id, neverBefore: true });
    enrolled += ids.length;
  }
  return enrolled;
}

function exitActive(db: Database, orgId: string, reason: ExitReason, userId: string | null = null) {
  return db
    .updateTable("cadence_enrollments")
    .set({ status: "exited", exit_reason: reason, exited_by: userId, finished_at: new Date(), next_run_at: null })
    .where("cadence_enrollments.org_id", "=", orgId)
    .where("cadence_enrollments.status", "=", "active");
}

/** Opt-out: every active enrollment of these contacts ends, whatever the cadence's rules. */
export async function exitOnOptOut(db: Database, orgId: string, contactIds: string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const result = await exitActive(db, orgId, "opted_out").where("contact_id", "in", contactIds).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The contact wrote to us: cadences that stop on a reply stop. */
export async function exitOnReply(db: Database, orgId: string, contactId: string): Promise<number> {
  const result = await exitActive(db, orgId, "replied")
    .where("contact_id", "=", contactId)
    .where((eb) => eb.exists(eb.selectFrom("cadences").select(sql.lit(1).as("one")).whereRef("cadences.id", "=", "cadence_enrollments.cadence_id").where("cadences.exit_on_reply", "=", true)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The lead was won or lost: enrollments tied to that lead stop, and so do the contact's enrollments
 * that name no lead (the deal they were nurturing is closed), in cadences that stop on a closed lead.
 */
export async function exitOnLeadClosed(db: Database, orgId: string, lead: { id: string; contactId: string | null; status: "won" | "lost" }): Promise<number> {
  const result = await exitActive(db, orgId, lead.status === "won" ? "lead_won" : "lead_lost")
    .where((eb) => {
      const tied = eb("lead_id", "=", lead.id);
      return lead.contactId ? eb.or([tied, eb.and([eb("lead_id", "is", null), eb("contact_id", "=", lead.contactId)])]) : tied;
    })
    .where((eb) => eb.exists(eb.selectFrom("cadences").select(sql.lit(1).as("one")).whereRef("cadences.id", "=", "cadence_enrollments.cadence_id").where("cadences.exit_on_lead_closed", "=", true)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The exit button. False when the enrollment is not the organization's; already finished is fine. */
export async function exitEnrollment(db: Database, orgId: string, enrollmentId: string, userId: string | null): Promise<boolean> {
  const found = await db.selectFrom("cadence_enrollments").select("id").where("org_id", "=", orgId).where("id", "=", enrollmentId).executeTakeFirst();
  if (!found) return false;
  await exitActive(db, orgId, "manual", userId).where("id", "=", enrollmentId).execute();
  return true;
}

/** Archiving a cadence ends every walk through it. */
export async function exitCadenceEnrollments(db: Database, orgId: string, cadenceId: string, reason: ExitReason): Promise<number> {
  const result = await exitActive(db, orgId, reason).where("cadence_id", "=", cadenceId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Re-arms active enrollments after a pause: their steps were left waiting while the cadence was off. */
export async function rescheduleActiveEnrollments(db: Database, orgId: string, cadenceId: string): Promise<number> {
  await ensureJobQueue();
  const rows = await db
    .selectFrom("cadence_enrollments")
    .select(["id", "position", "next_run_at"])
    .where("org_id", "=", orgId)
    .where("cadence_id", "=", cadenceId)
    .where("status", "=", "active")
    .execute();
  const now = Date.now();
  await scheduleSteps(
    db,
    rows.map((row) => ({ id: row.id, position: row.position, runAt: new Date(Math.max(now, row.next_run_at?.getTime() ?? now)) })),
  );
  return rows.length;
}
