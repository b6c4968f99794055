import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { ChannelKind, ConnectionContext } from "../channels/types";
import { RUN_STALE_MS } from "./dispatch.server";
import { prepareMessage, renderFor } from "./prepare-message.server";
import { recordCampaignSent } from "./send-record.server";

/**
 * Uncertain sends. A dispatcher killed mid-send leaves rows 'sending' that may or may not have reached
 * the provider, and the Graph API has no idempotency key. Every campaign send carries the reference
 * `cr:<recipient id>`, which the provider echoes on the message's status webhooks; a dead run's rows
 * on such channels wait a reconcile window before they may be sent again, and a status webhook naming
 * one of them records the send it proves (its provider id, its message row) instead.
 */

/** Channels whose status webhooks echo the reference given at send time. */
export const REFERENCE_ECHOING_KINDS: readonly ChannelKind[] = ["whatsapp_cloud", "twilio_sms", "sandbox"];
export const DEFAULT_RECONCILE_WINDOW_MS = 60_000;

let reconcileWindowMs = DEFAULT_RECONCILE_WINDOW_MS;
/** Tests and the crash drill only: how long an uncertain row waits for its status webhook. */
export function setReconcileWindowForTests(ms: number | null): void {
  reconcileWindowMs = ms ?? DEFAULT_RECONCILE_WINDOW_MS;
}
export function reconcileWindowMsNow(): number {
  return reconcileWindowMs;
}

export function campaignSendReference(recipientId: number): string {
  return `cr:${recipientId}`;
}

function recipientIdOf(reference: string | undefined): number | null {
  const match = /^cr:(\d{1,18})$/.exec(reference ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * A status for a provider id we never stored, naming a campaign recipient of this connection: if that
 * row's send was uncertain (a dead run's, or waiting out its window), the send did happen: record it
 * like the dispatcher would have. Answers whether a message row now holds `externalId`. A row a live
 * run still holds is left to that run (its own record is moments away).
 */
export async function recordReconciledSend(db: Database, connection: ConnectionContext, event: { externalId: string; reference?: string }): Promise<boolean> {
  const recipientId = recipientIdOf(event.reference);
  if (recipientId === null) return false;
  const row = await db
    .selectFrom("campaign_recipients as r")
    .innerJoin("campaigns as c", "c.id", "r.campaign_id")
    .innerJoin("contacts", (join) => join.onRef("contacts.id", "=", "r.contact_id").onRef("contacts.org_id", "=", "r.org_id"))
    .select(["r.id", "r.campaign_id", "c.message", "contacts.id as contact_id", "contacts.name", "contacts.phone", "contacts.email", "contacts.attributes"])
    .where("r.id", "=", recipientId)
    .where("r.org_id", "=", connection.orgId)
    .where("c.org_id", "=", connection.orgId)
    .where("c.connection_id", "=", connection.id)
    .where((eb) =>
      eb.or([
        eb("r.uncertain_since", "is not", null),
        eb.and([
          eb("r.status", "=", "sending"),
          sql<boolean>`NOT EXISTS (
            SELECT 1 FROM campaign_dispatch_runs run
            WHERE run.id = r.claimed_by AND run.finished_at IS NULL AND run.heartbeat_at > now() - make_interval(secs => ${RUN_STALE_MS / 1000})
          )`,
        ]),
      ]),
    )
    .executeTakeFirst();
  if (!row) return false;
  const prepared = await prepareMessage(db, connection.orgId, row.message);
  const rendered = prepared ? renderFor(prepared, row, row.id) : { type: "text", body: "", content: {} };
  // Marks the row sent unless it already is (it was resent meanwhile): the message row is kept either way, an honest duplicate.
  try {
    await recordCampaignSent(
      db,
      { id: row.id, orgId: connection.orgId, campaignId: row.campaign_id, connectionId: connection.id, contactId: row.contact_id },
      { type: rendered.type, body: rendered.body, mediaId: prepared?.mediaId ?? null, content: rendered.content },
      { externalId: event.externalId, status: "sent" },
    );
  } catch (error) {
    // Another status of the same message (its "delivered" beside its "sent") recorded it first.
    if ((error as { code?: string }).code !== "23505") throw error;
  }
  return true;
}
