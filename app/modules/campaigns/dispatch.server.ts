import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { logger } from "~/lib/logger.server";
import { loadConnection } from "../channels/connections.server";
import { getAdapter } from "../channels/registry.server";
import type { ConnectionContext, SendError, SendResult } from "../channels/types";
import { applySendFailureConsequence } from "../inbox/send-consequences.server";
import { claimSmsText, releaseSmsText } from "../outreach/sms-duplicates.server";
import { stopCampaignsForOptOut } from "./attribution.server";
import { type AutoPauseReason, autoPauseCampaign, startScheduledCampaign } from "./lifecycle.server";
import { type Pacing, resolvePacing, sendsPerWindow, slotStore, waitForSlot } from "./pacing.server";
import { publishProgressThrottled } from "./progress.server";
import { quietUntil } from "./quiet-hours.server";
import { type PreparedMessage, prepareMessage, renderFor } from "./prepare-message.server";
import { campaignSendReference, REFERENCE_ECHOING_KINDS, reconcileWindowMsNow } from "./reconcile.server";
import { type ClaimedRef, createSentRecorder, recordCampaignFailed, recordCampaignRetry, recordCampaignSkipped, releaseClaims } from "./send-record.server";
import { returnDailyAllowance, takeDailyAllowance } from "./warmup.server";

/**
 * The campaign dispatcher: one `campaign.dispatch` job per campaign runs bounded slices. A slice
 * claims due recipients in small batches (FOR UPDATE SKIP LOCKED, marked 'sending' with this run's
 * id), sends them through a bounded pool of lanes paced per connection, and records each result the
 * moment it returns. The campaign status is re-read at least every second, so pause and cancel stop
 * new sends within about a second. A run beats a heartbeat; 'sending' rows of a run that stopped
 * beating (a killed worker) go back to pending. On channels that echo our send reference in their
 * status webhooks they first wait a reconcile window (marked uncertain), so a send that did reach the
 * provider is recorded from its webhook instead of being sent twice; elsewhere they are due at once.
 */

export const MAX_SEND_ATTEMPTS = 5;
export const RUN_HEARTBEAT_MS = 5_000;
/** A run silent this long is dead: its 'sending' rows return to pending. */
export const RUN_STALE_MS = 20_000;
const FAILURE_WINDOW = 50;
const FAILURE_MIN_SAMPLES = 20;
const FAILURE_RATE_LIMIT = 0.5;
const TROUBLED_STATUSES: Record<string, AutoPauseReason> = { disconnected: "connection_disconnected", logged_out: "connection_logged_out", error: "connection_error" };

export type DispatchOptions = {
  runId?: string;
  /** How long a slice runs before it hands over to a fresh job. */
  sliceMs?: number;
  /** Most sends in flight at once (pacing usually allows fewer). */
  maxInFlight?: number;
  /** Most rows claimed at once. */
  maxBatch?: number;
};

export type SliceOutcome =
  | { kind: "completed" }
  | { kind: "stopped"; status: string }
  | { kind: "paused"; reason: AutoPauseReason }
  | { kind: "again" }
  | { kind: "later"; at: Date; why: "quiet_hours" | "daily_cap" | "retry_backoff" | "in_flight_elsewhere" | "not_due" };

export type SliceStats = { sent: number; failed: number; retried: number; skipped: number };

let pacingOverride: "off" | null = null;
/** Benches and tests only: sends as fast as the provider answers. Never reachable from a campaign's settings. */
export function setCampaignPacingForBenchmarks(mode: "off" | null): void {
  pacingOverride = mode;
}

type Claimed = { id: number; contactId: string | null; phone: string | null; attempts: number };
type Contact = { id: string; name: string; phone: string | null; email: string | null; attributes: unknown; opted_out: boolean; erased_at: Date | null };

function backoffMs(attempt: number): number {
  const base = Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

async function loadCampaign(db: Database, campaignId: string) {
  return db
    .selectFrom("campaigns")
    .innerJoin("organizations", "organizations.id", "campaigns.org_id")
    .leftJoin("channel_connections", "channel_connections.id", "campaigns.connection_id")
    .select([
      "campaigns.id",
      "campaigns.org_id",
      "campaigns.status",
      "campaigns.connection_id",
      "campaigns.message",
      "campaigns.pacing",
      "campaigns.quiet_hours",
      "organizations.timezone",
      "channel_connections.kind",
      "channel_connections.status as connection_status",
      "channel_connections.rate_per_second",
      "channel_connections.daily_cap",
    ])
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
}

/**
 * 'sending' rows whose run stopped beating return to pending; answers how many. Where the channel
 * echoes references they are uncertain: due only after the reconcile window.
 */
export async function recoverAbandonedClaims(db: Database, campaignId: string): Promise<number> {
  const windowSeconds = reconcileWindowMsNow() / 1000;
  const result = await sql`
    WITH channel AS (
      SELECT EXISTS (
        SELECT 1 FROM campaigns c JOIN channel_connections cc ON cc.id = c.connection_id
        WHERE c.id = ${campaignId} AND cc.kind IN (${sql.join(REFERENCE_ECHOING_KINDS)})
      ) AS echoes
    )
    UPDATE campaign_recipients r SET status = 'pending', claimed_by = NULL,
      uncertain_since = CASE WHEN channel.echoes THEN coalesce(r.uncertain_since, now()) ELSE r.uncertain_since END,
      next_attempt_at = CASE WHEN channel.echoes THEN now() + make_interval(secs => ${windowSeconds}) ELSE r.next_attempt_at END
    FROM channel
    WHERE r.campaign_id = ${campaignId} AND r.status = 'sending'
      AND NOT EXISTS (
        SELECT 1 FROM campaign_dispatch_runs run
        WHERE run.id = r.claimed_by AND run.finished_at IS NULL AND run.heartbeat_at > now() - make_interval(secs => ${RUN_STALE_MS / 1000})
      )`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

async function claimBatch(db: Database, campaignId: string, runId: string, limit: number): Promise<Claimed[]> {
  const result = await sql<{ id: number; contact_id: string | null; phone: string | null; attempts: number }>`
    WITH due AS (
      SELECT id FROM campaign_recipients
      WHERE campaign_id = ${campaignId} AND status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE campaign_recipients r SET status = 'sending', claimed_by = ${runId}, claimed_at = now(), attempts = r.attempts + 1
    FROM due WHERE r.id = due.id
    RETURNING r.id, r.contact_id, r.phone, r.attempts`.execute(db);
  return result.rows.map((row) => ({ id: Number(row.id), contactId: row.contact_id, phone: row.phone, attempts: row.attempts }));
}

/** Nothing due now: finished, waiting for a retry, or rows in another live run's hands. */
async function whatIsLeft(db: Database, campaignId: string): Promise<{ pendingAt: Date | null; sending: number }> {
  const row = await db
    .selectFrom("campaign_recipients")
    .select([sql<Date | null>`min(next_attempt_at) FILTER (WHERE status = 'pending')`.as("pending_at"), sql<number>`count(*) FILTER (WHERE status = 'sending')::int`.as("sending")])
    .where("campaign_id", "=", campaignId)
    .where("status", "in", ["pending", "sending"])
    .executeTakeFirstOrThrow();
  return { pendingAt: row.pending_at, sending: row.sending };
}

async function completeIfDone(db: Database, orgId: string, campaignId: string): Promise<boolean> {
  const done = await sql`
    UPDATE campaigns SET status = 'completed', completed_at = now(), updated_at = now()
    WHERE id = ${campaignId} AND status = 'running'
      AND NOT EXISTS (SELECT 1 FROM campaign_recipients WHERE campaign_id = ${campaignId} AND status IN ('pending', 'sending'))`.execute(db);
  const completed = Number(done.numAffectedRows ?? 0) > 0;
  if (completed) await publishProgressThrottled(orgId, campaignId, { force: true });
  return completed;
}

function lanesFor(pacing: Pacing, maxInFlight: number): number {
  if (pacing.mode === "off") return maxInFlight;
  if (pacing.mode === "human") return 1;
  return Math.max(1, Math.min(maxInFlight, Math.ceil(pacing.ratePerSecond / 4)));
}

async function callProvider(connection: ConnectionContext, to: string, prepared: PreparedMessage, rendered: ReturnType<typeof renderFor>, recipientId: number): Promise<SendResult> {
  const adapter = getAdapter(connection.kind);
  const options = { reference: campaignSendReference(recipientId) };
  try {
    if (rendered.template) return await adapter.sendTemplate(connection, to, rendered.template, options);
    if (prepared.media) return await adapter.sendMedia(connection, to, { ...prepared.media, caption: rendered.body || undefined }, options);
    return await adapter.sendText(connection, to, rendered.body, options);
  } catch (error) {
    return { ok: false, code: "exception", message: error instanceof Error ? error.message : String(error), retryable: true };
  }
}

/** One slice of a campaign's dispatch. The caller re-enqueues the job for "again" and "later". */
export async function runDispatchSlice(db: Database, campaignId: string, options: DispatchOptions = {}): Promise<{ outcome: SliceOutcome; stats: SliceStats }> {
  const stats: SliceStats = { sent: 0, failed: 0, retried: 0, skipped: 0 };
  let campaign = await loadCampaign(db, campaignId);
  if (campaign?.status === "scheduled") {
    const started = await startScheduledCampaign(db, campaignId);
    if (started === "not_due") return { outcome: { kind: "later", at: new Date(Date.now() + 60_000), why: "not_due" }, stats };
    campaign = await loadCampaign(db, campaignId);
  }
  if (!campaign || campaign.status !== "running") return { outcome: { kind: "stopped", status: campaign?.status ?? "missing" }, stats };
  const orgId = campaign.org_id;
  const loaded = campaign.connection_id ? await loadConnection(db, orgId, campaign.connection_id) : null;
  if (!loaded || !campaign.kind) return pauseWith(db, campaignId, "connection_missing", stats);
  const troubled = TROUBLED_STATUSES[campaign.connection_status ?? ""];
  if (troubled) return pauseWith(db, campaignId, troubled, stats);

  const pacing = resolvePacing(loaded.kind, campaign.pacing, { ratePerSecond: campaign.rate_per_second, dailyCap: campaign.daily_cap }, { off: pacingOverride === "off" });
  // "typing…" before each message on QR numbers, inside the pause between messages.
  const connection: ConnectionContext = pacing.mode === "human" ? { ...loaded, config: { ...loaded.config, typingMs: pacing.typingMs } } : loaded;
  const prepared = await prepareMessage(db, orgId, campaign.message);
  if (!prepared) return pauseWith(db, campaignId, "invalid_message", stats);
  const store = slotStore(db);
  const timeZone = campaign.timezone;
  const quietHours = campaign.quiet_hours;

  const runId = options.runId ?? `${process.pid}:${randomUUID()}`;
  const deadline = Date.now() + (options.sliceMs ?? 20_000);
  const maxInFlight = options.maxInFlight ?? 32;
  const maxBatch = options.maxBatch ?? 500;
  await db.deleteFrom("campaign_dispatch_runs").where("campaign_id", "=", campaignId).where("finished_at", "<", sql<Date>`now() - interval '1 hour'`).execute();
  await db.insertInto("campaign_dispatch_runs").values({ id: runId, campaign_id: campaignId }).execute();
  const heartbeat = setInterval(() => {
    void db.updateTable("campaign_dispatch_runs").set({ heartbeat_at: new Date() }).where("id", "=", runId).execute().catch(() => undefined);
  }, RUN_HEARTBEAT_MS);

  const queue: Array<{ row: Claimed; contact: Contact | undefined }> = [];
  const recorder = createSentRecorder(db);
  const recent: boolean[] = [];
  let outcome: SliceOutcome | null = null;
  let refilling: Promise<void> | null = null;
  let exhausted = false;
  let lastStatusCheck = Date.now();
  let checking: Promise<void> | null = null;

  const stop = (value: SliceOutcome) => {
    outcome ??= value;
  };

  async function checkStatus() {
    const row = await db
      .selectFrom("campaigns")
      .leftJoin("channel_connections", "channel_connections.id", "campaigns.connection_id")
      .select(["campaigns.status", "channel_connections.status as connection_status"])
      .where("campaigns.id", "=", campaignId)
      .executeTakeFirst();
    lastStatusCheck = Date.now();
    if (!row || row.status !== "running") return stop({ kind: "stopped", status: row?.status ?? "missing" });
    const reason = TROUBLED_STATUSES[row.connection_status ?? ""];
    if (reason) {
      await autoPauseCampaign(db, campaignId, reason);
      return stop({ kind: "paused", reason });
    }
    const quietEnd = quietUntil(new Date(), quietHours, timeZone);
    if (quietEnd) stop({ kind: "later", at: quietEnd, why: "quiet_hours" });
  }

  function statusFresh(): Promise<void> {
    if (Date.now() - lastStatusCheck < 1_000) return Promise.resolve();
    checking ??= checkStatus().finally(() => {
      checking = null;
    });
    return checking;
  }

  async function refill() {
    await checkStatus();
    if (outcome) return;
    if (Date.now() >= deadline) return stop({ kind: "again" });
    let claimed = await claimBatch(db, campaignId, runId, sendsPerWindow(pacing, 2, maxBatch));
    if (!claimed.length && (await recoverAbandonedClaims(db, campaignId)) > 0) claimed = await claimBatch(db, campaignId, runId, sendsPerWindow(pacing, 2, maxBatch));
    if (!claimed.length) {
      // Nothing due: the lanes wind down, and once this run's own sends are recorded the slice decides what is next.
      exhausted = true;
      return;
    }
    const ids = claimed.map((row) => row.contactId).filter((id): id is string => Boolean(id));
    const contacts = ids.length
      ? await db.selectFrom("contacts").select(["id", "name", "phone", "email", "attributes", "opted_out", "erased_at"]).where("org_id", "=", orgId).where("id", "in", ids).execute()
      : [];
    const byId = new Map(contacts.map((contact) => [contact.id, contact]));
    for (const row of claimed) queue.push({ row, contact: row.contactId ? byId.get(row.contactId) : undefined });
  }

  function nextRow() {
    if (queue.length || outcome || exhausted) return Promise.resolve();
    refilling ??= refill().finally(() => {
      refilling = null;
    });
    return refilling;
  }

  function noteResult(failedPermanently: boolean) {
    recent.push(failedPermanently);
    if (recent.length > FAILURE_WINDOW) recent.shift();
    const failures = recent.filter(Boolean).length;
    return recent.length >= FAILURE_MIN_SAMPLES && failures / recent.length > FAILURE_RATE_LIMIT;
  }

  async function sendOne(row: Claimed, contact: Contact | undefined) {
    if (!contact || contact.erased_at) return void (await recordCampaignSkipped(db, [row.id], "erased"), stats.skipped++);
    if (contact.opted_out) return void (await recordCampaignSkipped(db, [row.id], "opted_out"), stats.skipped++);
    const to = contact.phone ?? row.phone;
    if (!to) return void (await recordCampaignSkipped(db, [row.id], "no_phone"), stats.skipped++);
    const rendered = renderFor(prepared!, contact, row.id);

    if (pacing.mode === "human") {
      const allowance = await takeDailyAllowance(db, { connectionId: connection.id, dailyCap: pacing.dailyCap, timeZone });
      if (!allowance.ok) {
        stop({ kind: "later", at: allowance.resumeAt, why: "daily_cap" });
        return releaseClaims(db, campaignId, [row.id]);
      }
    }
    await waitForSlot(store, connection.id, pacing);
    await statusFresh();
    if (outcome) {
      if (pacing.mode === "human") await returnDailyAllowance(db, { connectionId: connection.id, timeZone });
      return releaseClaims(db, campaignId, [row.id]);
    }
    const sms = connection.kind === "twilio_sms" ? { orgId, phone: to, text: rendered.body } : null;
    // The claim names this recipient, so its own retry after a crash is not taken for a duplicate text.
    if (sms && !(await claimSmsText(db, { ...sms, owner: campaignSendReference(row.id) })).ok) return void (await recordCampaignSkipped(db, [row.id], "sms_duplicate"), stats.skipped++);

    const result = await callProvider(connection, to, prepared!, rendered, row.id);
    const ref: ClaimedRef = { id: row.id, orgId, campaignId, connectionId: connection.id, contactId: contact.id };
    if (result.ok) {
      await recorder.record({ ref, outbound: { type: rendered.type, body: rendered.body, mediaId: prepared!.mediaId, content: rendered.content }, result });
      stats.sent++;
      noteResult(false);
    } else {
      if (sms) await releaseSmsText(db, sms);
      await handleFailure(row, contact.id, result);
    }
    void publishProgressThrottled(orgId, campaignId);
  }

  async function handleFailure(row: Claimed, contactId: string, failure: SendError) {
    if (failure.retryable && row.attempts < MAX_SEND_ATTEMPTS) {
      await recordCampaignRetry(db, row.id, failure, new Date(Date.now() + backoffMs(row.attempts)));
      stats.retried++;
    } else {
      await recordCampaignFailed(db, row.id, failure, { retryable: failure.retryable });
      stats.failed++;
    }
    const optedOut = await applySendFailureConsequence(db, { orgId, connectionId: connection.id, contactId }, failure);
    if (optedOut) await stopCampaignsForOptOut(db, { orgId, contactId, at: new Date() });
    let reason: AutoPauseReason | null = null;
    if (failure.consequence === "connection_broken") reason = "connection_error";
    else if (failure.consequence === "pause_sending") reason = failure.code === "131048" ? "spam_rate_limit" : "policy_block";
    else if (noteResult(!failure.retryable)) reason = "failure_rate";
    if (reason && (await autoPauseCampaign(db, campaignId, reason, `${failure.code}: ${failure.message}`.slice(0, 300)))) stop({ kind: "paused", reason });
  }

  async function lane() {
    while (!outcome) {
      await nextRow();
      const next = queue.shift();
      if (!next) {
        if (outcome || exhausted) break;
        continue;
      }
      try {
        await sendOne(next.row, next.contact);
      } catch (error) {
        // One contact's trouble (a bad row, a database hiccup) never halts the campaign: the row goes back for a retry.
        logger.warn({ err: error, campaignId, recipientId: next.row.id }, "campaign send failed unexpectedly");
        await recordCampaignRetry(db, next.row.id, { code: "exception", message: error instanceof Error ? error.message : String(error), retryable: true }, new Date(Date.now() + backoffMs(next.row.attempts))).catch(() => undefined);
      }
    }
  }

  try {
    await recoverAbandonedClaims(db, campaignId);
    await Promise.all(Array.from({ length: lanesFor(pacing, maxInFlight) }, () => lane()));
    if (!outcome) stop(await whatNext(db, orgId, campaignId));
  } finally {
    clearInterval(heartbeat);
    const unsent = queue.splice(0).map((item) => item.row.id);
    await releaseClaims(db, campaignId, unsent);
    await db.updateTable("campaign_dispatch_runs").set({ finished_at: new Date(), heartbeat_at: new Date() }).where("id", "=", runId).execute();
  }
  await publishProgressThrottled(orgId, campaignId, { force: true });
  return { outcome: outcome ?? { kind: "again" }, stats };
}

/** After a slice ran out of due rows: done, a retry to wait for, or rows another live run still holds. */
async function whatNext(db: Database, orgId: string, campaignId: string): Promise<SliceOutcome> {
  if (await completeIfDone(db, orgId, campaignId)) return { kind: "completed" };
  const left = await whatIsLeft(db, campaignId);
  if (left.pendingAt && left.pendingAt.getTime() <= Date.now()) return { kind: "again" };
  if (left.pendingAt) return { kind: "later", at: left.pendingAt, why: "retry_backoff" };
  if (left.sending) return { kind: "later", at: new Date(Date.now() + RUN_STALE_MS / 2), why: "in_flight_elsewhere" };
  return { kind: "stopped", status: "unknown" };
}

async function pauseWith(db: Database, campaignId: string, reason: AutoPauseReason, stats: SliceStats) {
  await autoPauseCampaign(db, campaignId, reason);
  return { outcome: { kind: "paused" as const, reason }, stats };
}
