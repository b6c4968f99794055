import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { SendError } from "../channels/types";
import { previewOf } from "../inbox/inbound-event";

export type CampaignOutbound = { type: string; body: string; mediaId: string | null; content: Record<string, unknown> };
export type ClaimedRef = { id: number; orgId: string; campaignId: string; connectionId: string; contactId: string };

/**
 * Records one accepted send in a single statement: the conversation (opened if needed), the message
 * (sender 'campaign', the provider's id) and the recipient row (sent). One round trip per result keeps
 * the window where a crash loses the record of a real send as short as it can be.
 */
export async function recordCampaignSent(db: Database, ref: ClaimedRef, outbound: CampaignOutbound, result: { externalId: string; status: string }): Promise<void> {
  const preview = previewOf(outbound.type, outbound.body);
  const status = result.status === "queued" ? "queued" : result.status;
  const statement = sql`
    WITH conversation AS (
      INSERT INTO conversations AS c (org_id, connection_id, contact_id, last_message_at, last_message_preview)
      VALUES (${ref.orgId}, ${ref.connectionId}, ${ref.contactId}, now(), ${preview})
      ON CONFLICT ON CONSTRAINT conversations_connection_contact_key
      DO UPDATE SET last_message_at = now(), last_message_preview = excluded.last_message_preview, updated_at = now()
      RETURNING c.id
    ), message AS (
      INSERT INTO messages (org_id, conversation_id, connection_id, direction, type, body, media_id, content, status, external_id, sender_type, sent_at)
      SELECT ${ref.orgId}, conversation.id, ${ref.connectionId}, 'outbound', ${outbound.type}, ${outbound.body}, ${outbound.mediaId},
        ${JSON.stringify(outbound.content)}::jsonb, ${status}, ${result.externalId}, 'campaign', ${status === "queued" ? null : sql`now()`}
      FROM conversation
      RETURNING id
    )
    UPDATE campaign_recipients SET status = 'sent', message_id = (SELECT id FROM message), external_id = ${result.externalId},
      sent_at = now(), claimed_by = NULL, error_code = NULL, error_message = NULL, retryable = NULL
    WHERE id = ${ref.id} AND status IN ('sending', 'pending', 'cancelled')`;
  try {
    await statement.execute(db);
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    // The provider's echo of this very send was stored as an inbound message first: it never was one.
    await db.deleteFrom("messages").where("connection_id", "=", ref.connectionId).where("external_id", "=", result.externalId).where("direction", "=", "inbound").execute();
    await statement.execute(db);
  }
}

export async function recordCampaignFailed(db: Database, recipientId: number, failure: SendError, options: { retryable: boolean }): Promise<void> {
  await db
    .updateTable("campaign_recipients")
    .set({ status: "failed", failed_at: new Date(), error_code: failure.code.slice(0, 100), error_message: failure.message.slice(0, 1000), retryable: options.retryable, claimed_by: null })
    .where("id", "=", recipientId)
    .where("status", "=", "sending")
    .execute();
}

/** A passing failure: back to pending until `retryAt`, the error kept for the results list. */
export async function recordCampaignRetry(db: Database, recipientId: number, failure: SendError, retryAt: Date): Promise<void> {
  await db
    .updateTable("campaign_recipients")
    .set({ status: "pending", next_attempt_at: retryAt, error_code: failure.code.slice(0, 100), error_message: failure.message.slice(0, 1000), claimed_by: null })
    .where("id", "=", recipientId)
    .where("status", "=", "sending")
    .execute();
}

/** An opt-out noticed at send time also counts as the campaign's opt-out. */
export async function recordCampaignSkipped(db: Database, recipientIds: number[], reason: string): Promise<void> {
  if (!recipientIds.length) return;
  await db
    .updateTable("campaign_recipients")
    .set({ status: "skipped", skip_reason: reason, claimed_by: null, ...(reason === "opted_out" ? { opted_out_at: sql`coalesce(opted_out_at, now())` } : {}) })
    .where("id", "in", recipientIds)
    .where("status", "=", "sending")
    .execute();
}

/** Claimed rows this run will not send after all go back to pending (cancelled if the campaign was). */
export async function releaseClaims(db: Database, campaignId: string, recipientIds: number[]): Promise<void> {
  if (!recipientIds.length) return;
  await db
    .updateTable("campaign_recipients")
    .set({
      status: sql`(SELECT CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE 'pending' END FROM campaigns WHERE id = ${campaignId})`,
      claimed_by: null,
      attempts: sql`greatest(0, attempts - 1)`,
    })
    .where("id", "in", recipientIds)
    .where("status", "=", "sending")
    .execute();
}

export type SentItem = { ref: ClaimedRef; outbound: CampaignOutbound; result: { externalId: string; status: string } };

/**
 * Many accepted sends of one campaign in one statement (group commit): the dispatcher's lanes hand
 * their results to a recorder that writes whatever has arrived since its last write, so each result
 * is stored within one write of its arrival and the database commits once per group, not per send.
 * Rows must be for distinct contacts (one campaign never holds a contact twice).
 */
export async function recordCampaignSentBatch(db: Database, items: SentItem[]): Promise<void> {
  if (!items.length) return;
  const first = items[0]!.ref;
  const rows = items.map(({ ref, outbound, result }) => ({
    rid: ref.id,
    contact_id: ref.contactId,
    ext: result.externalId,
    type: outbound.type,
    body: outbound.body,
    media_id: outbound.mediaId,
    content: outbound.content,
    status: result.status === "queued" ? "queued" : result.status,
    preview: previewOf(outbound.type, outbound.body),
  }));
  await sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(rid bigint, contact_id uuid, ext text, type text, body text, media_id uuid, content jsonb, status text, preview text)
    ), conversation AS (
      INSERT INTO conversations AS c (org_id, connection_id, contact_id, last_message_at, last_message_preview)
      SELECT ${first.orgId}::uuid, ${first.connectionId}::uuid, input.contact_id, now(), input.preview FROM input
      ON CONFLICT ON CONSTRAINT conversations_connection_contact_key
      DO UPDATE SET last_message_at = now(), last_message_preview = excluded.last_message_preview, updated_at = now()
      RETURNING c.id, c.contact_id
    ), message AS (
      INSERT INTO messages (org_id, conversation_id, connection_id, direction, type, body, media_id, content, status, external_id, sender_type, sent_at)
      SELECT ${first.orgId}::uuid, conversation.id, ${first.connectionId}::uuid, 'outbound', input.type, input.body, input.media_id, input.content,
        input.status, input.ext, 'campaign', CASE WHEN input.status = 'queued' THEN NULL ELSE now() END
      FROM input JOIN conversation ON conversation.contact_id = input.contact_id
      RETURNING id, external_id
    )
    UPDATE campaign_recipients r SET status = 'sent', message_id = message.id, external_id = input.ext, sent_at = now(),
      claimed_by = NULL, error_code = NULL, error_message = NULL, retryable = NULL
    FROM input JOIN message ON message.external_id = input.ext
    WHERE r.id = input.rid AND r.status IN ('sending', 'pending', 'cancelled')`.execute(db);
}

/** Collects sent results and writes them in groups; each caller's promise settles when its row is stored. */
export function createSentRecorder(db: Database, options: { maxGroup?: number } = {}) {
  const maxGroup = options.maxGroup ?? 500;
  let waiting: Array<{ item: SentItem; resolve: () => void; reject: (error: unknown) => void }> = [];
  let writing = false;

  async function drain() {
    writing = true;
    while (waiting.length) {
      const group = waiting.slice(0, maxGroup);
      waiting = waiting.slice(group.length);
      try {
        await recordCampaignSentBatch(db, group.map((entry) => entry.item));
        for (const entry of group) entry.resolve();
      } catch {
        // One bad row (an echo stored first, a constraint) must not fail the group: record them one by one.
        for (const entry of group) {
          await recordCampaignSent(db, entry.item.ref, entry.item.outbound, entry.item.result).then(entry.resolve, entry.reject);
        }
      }
    }
    writing = false;
  }

  return {
    record(item: SentItem): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}
