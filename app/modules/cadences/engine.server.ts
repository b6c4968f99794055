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

async function runInTransaction(trx: Trx, job: { enrollmentId: string; position: number }, clock: Date | undefined, afterCommit: Context["afterCommit"]): Promise<StepRunOutcome> {
  const enrollment = await trx
    .selectFrom("cadence_enrollments")
    .select(["id", "org_id", "cadence_id", "version_id", "contact_id", "lead_id", "position", "next_run_at", "status", sql<Date>`now()`.as("db_now")])
    .where("id", "=", job.enrollmentId)
    .forUpdate()
    .executeTakeFirst();
  if (!enrollment || enrollment.status !== "active" || enrollment.position !== job.position) return { kind: "stale" };
  // The database's clock, the one graphile-worker compares run_at with, unless a test supplies one.
  const now = clock ?? enrollment.db_now;
  // A job that fires before its time (clock skew, a manual run) waits for the time the row holds.
  if (enrollment.next_run_at && enrollment.next_run_at.getTime() > now.getTime() + 1000) {
    await scheduleSteps(trx, [{ id: enrollment.id, position: enrollment.position, runAt: enrollment.next_run_at }]);
    return { kind: "early", runAt: enrollment.next_run_at };
  }
  const cadence = await trx
    .selectFrom("cadences")
    .innerJoin("organizations", "organizations.id", "cadences.org_id")
    .select(["cadences.name", "cadences.status", "cadences.business_hours", "cadences.exit_on_lead_closed", "organizations.timezone"])
    .where("cadences.id", "=", enrollment.cadence_id)
    .executeTakeFirstOrThrow();
  if (cadence.status !== "active") return { kind: "paused" };
  const contact = await trx
    .selectFrom("contacts")
    .select(["id", "name", "phone", "email", "attributes", "opted_out", "erased_at"])
    .where("id", "=", enrollment.contact_id)
    .executeTakeFirstOrThrow();
  // Exits are also applied when they happen; checking here covers any path that changed the rows directly.
  if (contact.opted_out || contact.erased_at) return exit(trx, enrollment.id, "opted_out");
  if (cadence.exit_on_lead_closed && enrollment.lead_id) {
    const lead = await trx.selectFrom("leads").select("status").where("id", "=", enrollment.lead_id).executeTakeFirst();
    if (lead?.status === "won" || lead?.status === "lost") return exit(trx, enrollment.id, lead.status === "won" ? "lead_won" : "lead_lost");
  }

  const row = await trx.selectFrom("cadence_steps").select(["kind", "config"]).where("version_id", "=", enrollment.version_id).where("position", "=", enrollment.position).executeTakeFirst();
  if (!row) {
    await trx.updateTable("cadence_enrollments").set({ status: "completed", finished_at: now, next_run_at: null }).where("id", "=", enrollment.id).execute();
    return { kind: "ran", position: enrollment.position, status: "done", detail: "completed", next: null };
  }
  // The run is claimed before the step acts: a second job for the same step hits the unique key and stops.
  const claimed = await trx
    .insertInto("cadence_step_runs")
    .values({ org_id: enrollment.org_id, enrollment_id: enrollment.id, position: enrollment.position, kind: row.kind, status: "done", ran_at: now })
    .onConflict((conflict) => conflict.columns(["enrollment_id", "position"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!claimed) return { kind: "stale" };

  const step = parseStep(row.kind, row.config);
  const result = step
    ? await runStep({ trx, enrollment, cadence: { name: cadence.name, business_hours: cadence.business_hours, timezone: cadence.timezone }, contact, now, afterCommit }, step)
    : { status: "failed" as const, detail: "invalid_step" };
  await trx
    .updateTable("cadence_step_runs")
    .set({ status: result.status, detail: result.detail, message_id: result.messageId ?? null })
    .where("id", "=", claimed.id)
    .execute();

  const nextPosition = enrollment.position + 1;
  const hasNext = await trx.selectFrom("cadence_steps").select("id").where("version_id", "=", enrollment.version_id).where("position", "=", nextPosition).executeTakeFirst();
  if (!hasNext) {
    await trx.updateTable("cadence_enrollments").set({ status: "completed", position: nextPosition, finished_at: now, next_run_at: null }).where("id", "=", enrollment.id).execute();
    return { kind: "ran", position: enrollment.position, status: result.status, detail: result.detail, next: null };
  }
  const runAt = result.runNextAt ?? now;
  await trx.updateTable("cadence_enrollments").set({ position: nextPosition, next_run_at: runAt }).where("id", "=", enrollment.id).execute();
  await scheduleSteps(trx, [{ id: enrollment.id, position: nextPosition, runAt }]);
  return { kind: "ran", position: enrollment.position, status: result.status, detail: result.detail, next: { position: nextPosition, runAt } };
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
