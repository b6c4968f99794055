import { sql, type Transaction } from "kysely";
import type { Database, DB } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { addTagToContact, removeTagFromContact } from "../contacts/tags.server";
import { renderMessage } from "../campaigns/render";
import { queueOutboundMessage } from "../inbox/outbound.server";
import { claimSmsText } from "../outreach/sms-duplicates.server";
import { announceLeadMove, moveLead, type MoveLeadResult } from "../pipelines/leads.server";
import { nextBusinessTime, parseBusinessHours } from "./business-hours";
import type { ExitReason } from "./enrollments.server";
import { scheduleSteps } from "./schedule.server";
import { type CadenceStep, parseStep } from "./steps";

type Trx = Transaction<DB>;

export type StepRunStatus = "done" | "skipped" | "failed";
export type StepRunOutcome =
  /** The job named a step this enrollment is no longer at (a duplicate, or one replaced by a later schedule). */
  | { kind: "stale" }
  | { kind: "paused" }
  | { kind: "early"; runAt: Date }
  | { kind: "exited"; reason: ExitReason }
  | { kind: "ran"; position: number; status: StepRunStatus; detail: string | null; next: { position: number; runAt: Date } | null };

type Enrollment = { id: string; org_id: string; cadence_id: string; version_id: string; contact_id: string; lead_id: string | null; position: number; next_run_at: Date | null };
type Context = {
  trx: Trx;
  enrollment: Enrollment;
  cadence: { name: string; business_hours: unknown; timezone: string };
  contact: { id: string; name: string | null; phone: string | null; email: string | null; attributes: unknown };
  now: Date;
  /** Work to do once the transaction has committed (live events). */
  afterCommit: Array<() => Promise<unknown>>;
};
type StepResult = { status: StepRunStatus; detail: string | null; messageId?: string; runNextAt?: Date };

const skipped = (detail: string): StepResult => ({ status: "skipped", detail });

async function exit(trx: Trx, enrollmentId: string, reason: ExitReason): Promise<StepRunOutcome> {
  await trx.updateTable("cadence_enrollments").set({ status: "exited", exit_reason: reason, finished_at: new Date(), next_run_at: null }).where("id", "=", enrollmentId).execute();
  return { kind: "exited", reason };
}

async function conversationFor(trx: Trx, orgId: string, connectionId: string, contactId: string): Promise<string> {
  const conversation = await trx
    .insertInto("conversations")
    .values({ org_id: orgId, connection_id: connectionId, contact_id: contactId })
    .onConflict((conflict) => conflict.columns(["connection_id", "contact_id"]).doUpdateSet({ updated_at: new Date() }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return conversation.id;
}

async function runSend(context: Context, config: Extract<CadenceStep, { kind: "send" }>["config"]): Promise<StepResult> {
  const { trx, enrollment, contact } = context;
  const connection = await trx.selectFrom("channel_connections").select(["id", "kind"]).where("org_id", "=", enrollment.org_id).where("id", "=", config.connectionId).executeTakeFirst();
  if (!connection) return skipped("connection_missing");
  if (!contact.phone) return skipped("no_phone");
  const attributes = contact.attributes && typeof contact.attributes === "object" ? (contact.attributes as Record<string, unknown>) : null;
  const text = renderMessage(config.text, { name: contact.name, phone: contact.phone, email: contact.email, attributes }, { seed: `${enrollment.id}:${enrollment.position}` });
  if (!text.trim()) return skipped("empty_text");
  if (connection.kind === "twilio_sms") {
    const claim = await claimSmsText(trx, { orgId: enrollment.org_id, phone: contact.phone, text });
    if (!claim.ok) return skipped("sms_duplicate");
  }
  const conversationId = await conversationFor(trx, enrollment.org_id, connection.id, contact.id);
  const queued = await queueOutboundMessage(trx, { orgId: enrollment.org_id, conversationId, content: { type: "text", text }, senderType: "cadence" });
  return { status: "done", detail: null, messageId: queued.id };
}

/** The lead a move acts on: the enrollment's own, else the contact's most recent open lead. */
async function leadToMove(context: Context): Promise<string | undefined> {
  if (context.enrollment.lead_id) return context.enrollment.lead_id;
  const lead = await context.trx
    .selectFrom("leads")
    .select("id")
    .where("org_id", "=", context.enrollment.org_id)
    .where("contact_id", "=", context.contact.id)
    .where("status", "=", "open")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return lead?.id;
}

async function runStep(context: Context, step: CadenceStep): Promise<StepResult> {
  const { trx, enrollment } = context;
  switch (step.kind) {
    case "wait": {
      const runNextAt =
        step.config.mode === "duration"
          ? new Date(context.now.getTime() + step.config.seconds * 1000)
          : nextBusinessTime(context.now, parseBusinessHours(context.cadence.business_hours), context.cadence.timezone);
      return { status: "done", detail: null, runNextAt };
    }
    case "send":
      return runSend(context, step.config);
    case "tag_add":
      return (await addTagToContact(trx, enrollment.org_id, enrollment.contact_id, step.config.tagId)) ? { status: "done", detail: null } : skipped("tag_missing");
    case "tag_remove":
      return (await removeTagFromContact(trx, enrollment.org_id, enrollment.contact_id, step.config.tagId)) ? { status: "done", detail: null } : skipped("tag_missing");
    case "move_stage": {
      const leadId = await leadToMove(context);
      if (!leadId) return skipped("no_lead");
      const result: MoveLeadResult = await moveLead(trx, {
        orgId: enrollment.org_id,
        leadId,
        toStageId: step.config.stageId,
        placement: "bottom",
        actor: { type: "automation" },
        reason: `Cadence ${context.cadence.name}, step ${enrollment.position + 1}`,
      });
      if (!result.ok) return skipped(result.reason);
      if (result.changed) context.afterCommit.push(() => announceLeadMove(enrollment.org_id, result));
      return { status: "done", detail: result.stageChanged ? null : "already_in_stage" };
    }
  }
}

/** Everything a step needs, read in one statement with the enrollment row locked. */
function loadForStep(trx: Trx, enrollmentId: string) {
  return trx
    .selectFrom("cadence_enrollments as e")
    .innerJoin("cadences as c", "c.id", "e.cadence_id")
    .innerJoin("organizations as o", "o.id", "e.org_id")
    .innerJoin("contacts as ct", "ct.id", "e.contact_id")
    .leftJoin("leads as l", "l.id", "e.lead_id")
    .leftJoin("cadence_steps as s", (join) => join.onRef("s.version_id", "=", "e.version_id").onRef("s.position", "=", "e.position"))
    .select([
      "e.id",
      "e.org_id",
      "e.cadence_id",
      "e.version_id",
      "e.contact_id",
      "e.lead_id",
      "e.position",
      "e.next_run_at",
      "e.status",
      sql<Date>`now()`.as("db_now"),
      "c.name as cadence_name",
      "c.status as cadence_status",
      "c.business_hours",
      "c.exit_on_lead_closed",
      "o.timezone",
      "ct.name as contact_name",
      "ct.phone",
      "ct.email",
      "ct.attributes",
      "ct.opted_out",
      "ct.erased_at",
      "l.status as lead_status",
      "s.kind as step_kind",
      "s.config as step_config",
      (eb) =>
        eb
          .exists(eb.selectFrom("cadence_steps as next").select(sql.lit(1).as("one")).whereRef("next.version_id", "=", "e.version_id").where("next.position", "=", sql<number>`e.position + 1`))
          .as("has_next"),
    ])
    .where("e.id", "=", enrollmentId)
    .forUpdate("e")
    .executeTakeFirst();
}

async function runInTransaction(trx: Trx, job: { enrollmentId: string; position: number }, clock: Date | undefined, afterCommit: Context["afterCommit"]): Promise<StepRunOutcome> {
  const row = await loadForStep(trx, job.enrollmentId);
  if (!row || row.status !== "active" || row.position !== job.position) return { kind: "stale" };
  const enrollment: Enrollment = row;
  // The database's clock, the one graphile-worker compares run_at with, unless a test supplies one.
  const now = clock ?? row.db_now;
  // A job that fires before its time (clock skew, a manual run) waits for the time the row holds.
  if (row.next_run_at && row.next_run_at.getTime() > now.getTime() + 1000) {
    await scheduleSteps(trx, [{ id: row.id, position: row.position, runAt: row.next_run_at }]);
    return { kind: "early", runAt: row.next_run_at };
  }
  if (row.cadence_status !== "active") return { kind: "paused" };
  // Exits are also applied when they happen; checking here covers any path that changed the rows directly.
  if (row.opted_out || row.erased_at) return exit(trx, row.id, "opted_out");
  if (row.exit_on_lead_closed && (row.lead_status === "won" || row.lead_status === "lost")) return exit(trx, row.id, row.lead_status === "won" ? "lead_won" : "lead_lost");

  if (!row.step_kind) {
    await trx.updateTable("cadence_enrollments").set({ status: "completed", finished_at: now, next_run_at: null }).where("id", "=", row.id).execute();
    return { kind: "ran", position: row.position, status: "done", detail: "completed", next: null };
  }
  // The run is claimed before the step acts: a second job for the same step hits the unique key and stops.
  const claimed = await trx
    .insertInto("cadence_step_runs")
    .values({ org_id: row.org_id, enrollment_id: row.id, position: row.position, kind: row.step_kind, status: "done", ran_at: now })
    .onConflict((conflict) => conflict.columns(["enrollment_id", "position"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!claimed) return { kind: "stale" };

  const step = parseStep(row.step_kind, row.step_config);
  const context: Context = {
    trx,
    enrollment,
    cadence: { name: row.cadence_name, business_hours: row.business_hours, timezone: row.timezone },
    contact: { id: row.contact_id, name: row.contact_name, phone: row.phone, email: row.email, attributes: row.attributes },
    now,
    afterCommit,
  };
  const result = step ? await runStep(context, step) : { status: "failed" as const, detail: "invalid_step" };
  await trx
    .updateTable("cadence_step_runs")
    .set({ status: result.status, detail: result.detail, message_id: result.messageId ?? null })
    .where("id", "=", claimed.id)
    .execute();

  const nextPosition = row.position + 1;
  if (!row.has_next) {
    await trx.updateTable("cadence_enrollments").set({ status: "completed", position: nextPosition, finished_at: now, next_run_at: null }).where("id", "=", row.id).execute();
    return { kind: "ran", position: row.position, status: result.status, detail: result.detail, next: null };
  }
  const runAt = result.runNextAt ?? now;
  await trx.updateTable("cadence_enrollments").set({ position: nextPosition, next_run_at: runAt }).where("id", "=", row.id).execute();
  await scheduleSteps(trx, [{ id: row.id, position: nextPosition, runAt }]);
  return { kind: "ran", position: row.position, status: result.status, detail: result.detail, next: { position: nextPosition, runAt } };
}

/**
 * The `cadence.step` job: runs one step of one enrollment and schedules the next, all in one
 * transaction, so a crash anywhere leaves either nothing done (the job runs again) or the step
 * recorded and the next one scheduled. A thrown error rolls everything back and graphile-worker retries.
 */
export async function runCadenceStep(db: Database, job: { enrollmentId: string; position: number }, now?: Date): Promise<StepRunOutcome> {
  const afterCommit: Context["afterCommit"] = [];
  const outcome = await inTransaction(db, (trx) => runInTransaction(trx, job, now, afterCommit));
  for (const task of afterCommit) await task();
  return outcome;
}
