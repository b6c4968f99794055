import { sql } from "kysely";
import { z } from "zod";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { ensureJobQueue } from "../inbox/jobs.server";
import { checkCampaignMessage } from "./campaign-message.server";
import { enqueueDispatch } from "./jobs.server";
import { snapshotAudience } from "./snapshot.server";

/**
 * The campaign state machine: draft → scheduled → running ⇄ paused → completed, and cancelled from
 * any active state. Every change is audited and, when sends must happen, enqueues the campaign's one
 * dispatch job in the same transaction.
 */

export type Actor = AuditEntry["actor"];
type Target = { orgId: string; campaignId: string; actor: Actor };

export type StartFailure = "not_found" | "invalid_state" | "no_connection" | "empty_audience" | "invalid_message";
export type StartResult = { ok: true; recipients: number; skipped: number; scheduledFor?: Date } | { ok: false; code: StartFailure };
export type ChangeResult = { ok: true } | { ok: false; code: "not_found" | "invalid_state" };
export type RetryResult = { ok: true; requeued: number } | { ok: false; code: "not_found" | "invalid_state" };

/**
 * Why a campaign is paused (campaigns.pause_reason). A person's pause stores their free-text reason or
 * null; automatic pauses store one of these codes, which the UI translates.
 */
export const AUTO_PAUSE_REASONS = ["connection_disconnected", "connection_logged_out", "connection_error", "connection_missing", "spam_rate_limit", "policy_block", "failure_rate", "invalid_message"] as const;
export type AutoPauseReason = (typeof AUTO_PAUSE_REASONS)[number];

const uuid = z.uuid();

class Rollback extends Error {
  constructor(readonly code: StartFailure) {
    super(code);
  }
}

function lockCampaign(trx: Database, orgId: string, campaignId: string) {
  return trx
    .selectFrom("campaigns")
    .select(["id", "org_id", "status", "connection_id", "audience", "message", "scheduled_at"])
    .where("org_id", "=", orgId)
    .where("id", "=", campaignId)
    .forUpdate()
    .executeTakeFirst();
}

export function publishCampaignProgress(orgId: string, campaignId: string): Promise<void> {
  return publishLiveEvent({ orgId, type: LiveEventTypes.campaignProgress, ids: { campaignId } });
}

/**
 * Starts a draft: with `scheduled_at` in the future it becomes 'scheduled' and its dispatch job waits
 * for that time; otherwise the audience is snapshotted now and sending begins.
 */
export async function startCampaign(db: Database, input: Target): Promise<StartResult> {
  if (!uuid.safeParse(input.campaignId).success) return { ok: false, code: "not_found" };
  await ensureJobQueue();
  try {
    const result = await inTransaction(db, async (trx): Promise<StartResult> => {
      const campaign = await lockCampaign(trx, input.orgId, input.campaignId);
      if (!campaign) return { ok: false, code: "not_found" };
      if (campaign.status !== "draft") return { ok: false, code: "invalid_state" };
      const connection = campaign.connection_id
        ? await trx.selectFrom("channel_connections").select("id").where("org_id", "=", input.orgId).where("id", "=", campaign.connection_id).executeTakeFirst()
        : undefined;
      if (!connection) return { ok: false, code: "no_connection" };
      if (!(await checkCampaignMessage(trx, { orgId: input.orgId, connectionId: connection.id, message: campaign.message }))) return { ok: false, code: "invalid_message" };

      if (campaign.scheduled_at && campaign.scheduled_at.getTime() > Date.now()) {
        await trx.updateTable("campaigns").set({ status: "scheduled", updated_at: new Date() }).where("id", "=", campaign.id).execute();
        await enqueueDispatch(trx, campaign.id, { runAt: campaign.scheduled_at });
        await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "campaign.scheduled", target: { type: "campaign", id: campaign.id }, metadata: { scheduledAt: campaign.scheduled_at.toISOString() } });
        return { ok: true, recipients: 0, skipped: 0, scheduledFor: campaign.scheduled_at };
      }
      const counts = await activate(trx, { id: campaign.id, orgId: input.orgId, audience: campaign.audience });
      if (counts.recipients === 0) throw new Rollback("empty_audience");
      await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "campaign.started", target: { type: "campaign", id: campaign.id }, metadata: counts });
      return { ok: true, ...counts };
    });
    if (result.ok) await publishCampaignProgress(input.orgId, input.campaignId);
    return result;
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, code: error.code };
    throw error;
  }
}

async function activate(trx: Database, campaign: { id: string; orgId: string; audience: unknown }) {
  const counts = await snapshotAudience(trx, campaign);
  await trx.updateTable("campaigns").set({ status: "running", started_at: new Date(), pause_reason: null, updated_at: new Date() }).where("id", "=", campaign.id).execute();
  await enqueueDispatch(trx, campaign.id);
  return counts;
}

/**
 * The dispatch job of a scheduled campaign, when its time comes: snapshot and run. An audience that
 * turned out empty completes the campaign at once.
 */
export async function startScheduledCampaign(db: Database, campaignId: string): Promise<"started" | "not_due" | "not_scheduled"> {
  const outcome = await inTransaction(db, async (trx) => {
    const campaign = await trx.selectFrom("campaigns").select(["id", "org_id", "status", "audience", "scheduled_at"]).where("id", "=", campaignId).forUpdate().executeTakeFirst();
    if (!campaign || campaign.status !== "scheduled") return null;
    if (campaign.scheduled_at && campaign.scheduled_at.getTime() > Date.now() + 1000) {
      await enqueueDispatch(trx, campaign.id, { runAt: campaign.scheduled_at });
      return { orgId: campaign.org_id, result: "not_due" as const };
    }
    const counts = await activate(trx, { id: campaign.id, orgId: campaign.org_id, audience: campaign.audience });
    await recordAudit(trx, { orgId: campaign.org_id, actor: { type: "system" }, action: "campaign.started", target: { type: "campaign", id: campaign.id }, metadata: { ...counts, scheduled: true } });
    return { orgId: campaign.org_id, result: "started" as const };
  });
  if (!outcome) return "not_scheduled";
  if (outcome.result === "started") await publishCampaignProgress(outcome.orgId, campaignId);
  return outcome.result;
}

async function change(
  db: Database,
  input: Target,
  action: string,
  apply: (trx: Database, campaign: NonNullable<Awaited<ReturnType<typeof lockCampaign>>>) => Promise<boolean>,
  metadata?: Record<string, unknown>,
): Promise<ChangeResult> {
  if (!uuid.safeParse(input.campaignId).success) return { ok: false, code: "not_found" };
  await ensureJobQueue();
  const result = await inTransaction(db, async (trx): Promise<ChangeResult> => {
    const campaign = await lockCampaign(trx, input.orgId, input.campaignId);
    if (!campaign) return { ok: false, code: "not_found" };
    if (!(await apply(trx, campaign))) return { ok: false, code: "invalid_state" };
    await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action, target: { type: "campaign", id: campaign.id }, ...(metadata ? { metadata } : {}) });
    return { ok: true };
  });
  if (result.ok) await publishCampaignProgress(input.orgId, input.campaignId);
  return result;
}

/** Stops sending within a batch; rows already handed to the provider finish and are recorded. */
export function pauseCampaign(db: Database, input: Target & { reason?: string | null }): Promise<ChangeResult> {
  const reason = input.reason?.trim().slice(0, 500) || null;
  return change(
    db,
    input,
    "campaign.paused",
    async (trx, campaign) => {
      if (campaign.status !== "running") return false;
      await trx.updateTable("campaigns").set({ status: "paused", paused_at: new Date(), pause_reason: reason, updated_at: new Date() }).where("id", "=", campaign.id).execute();
      return true;
    },
    reason ? { reason } : undefined,
  );
}

export function resumeCampaign(db: Database, input: Target): Promise<ChangeResult> {
  return change(db, input, "campaign.resumed", async (trx, campaign) => {
    if (campaign.status !== "paused") return false;
    await trx.updateTable("campaigns").set({ status: "running", paused_at: null, pause_reason: null, updated_at: new Date() }).where("id", "=", campaign.id).execute();
    await enqueueDispatch(trx, campaign.id);
    return true;
  });
}

/** Pending recipients become cancelled; sends already in flight finish and are recorded. */
export function cancelCampaign(db: Database, input: Target): Promise<ChangeResult> {
  return change(db, input, "campaign.cancelled", async (trx, campaign) => {
    if (!["scheduled", "running", "paused"].includes(campaign.status)) return false;
    await trx.updateTable("campaigns").set({ status: "cancelled", cancelled_at: new Date(), updated_at: new Date() }).where("id", "=", campaign.id).execute();
    await trx.updateTable("campaign_recipients").set({ status: "cancelled", claimed_by: null }).where("campaign_id", "=", campaign.id).where("status", "=", "pending").execute();
    return true;
  });
}

/** Requeues failures marked retryable (rate limits, timeouts that outlasted their retries); permanent ones stay failed. */
export async function retryFailedRecipients(db: Database, input: Target): Promise<RetryResult> {
  let requeued = 0;
  const result = await change(db, input, "campaign.retried", async (trx, campaign) => {
    if (!["running", "paused", "completed"].includes(campaign.status)) return false;
    const updated = await trx
      .updateTable("campaign_recipients")
      .set({ status: "pending", attempts: 0, next_attempt_at: sql`now()`, error_code: null, error_message: null, retryable: null, failed_at: null, claimed_by: null })
      .where("campaign_id", "=", campaign.id)
      .where("status", "=", "failed")
      .where("retryable", "=", true)
      .executeTakeFirst();
    requeued = Number(updated.numUpdatedRows);
    if (campaign.status === "completed" && requeued > 0) {
      await trx.updateTable("campaigns").set({ status: "running", completed_at: null, updated_at: new Date() }).where("id", "=", campaign.id).execute();
    }
    if (campaign.status !== "paused" && requeued > 0) await enqueueDispatch(trx, campaign.id);
    return true;
  });
  return result.ok ? { ok: true, requeued } : result;
}

/** An automatic pause by the dispatcher, with the reason the campaign page shows. */
export async function autoPauseCampaign(db: Database, campaignId: string, reason: AutoPauseReason, detail?: string): Promise<boolean> {
  const row = await inTransaction(db, async (trx) => {
    const paused = await trx
      .updateTable("campaigns")
      .set({ status: "paused", paused_at: new Date(), pause_reason: reason, updated_at: new Date() })
      .where("id", "=", campaignId)
      .where("status", "=", "running")
      .returning(["org_id"])
      .executeTakeFirst();
    if (paused) {
      await recordAudit(trx, { orgId: paused.org_id, actor: { type: "system" }, action: "campaign.paused", target: { type: "campaign", id: campaignId }, metadata: { reason, ...(detail ? { detail } : {}) } });
    }
    return paused;
  });
  if (row) await publishCampaignProgress(row.org_id, campaignId);
  return Boolean(row);
}
