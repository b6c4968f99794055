import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { applyTemplateStatusEvent } from "../templates/template-events.server";
import { inTransaction } from "#db/transaction.js";
import { recordReconciledSend } from "../campaigns/reconcile.server";
import { setConnectionStatus } from "../channels/connections.server";
import { type ConnectionContext, type DeliveryStatus, type InboundEvent, STATUS_RANK } from "../channels/types";
import { matchContact } from "./contact-match.server";
import { contentSummary, previewOf } from "./inbound-event";
import { publishConversationUpdated, publishMessageCreated, publishMessageStatus } from "./live.server";
import { fetchInboundMedia } from "./media.server";
import { afterInboundMessage, afterOutboundStatus } from "./inbound-hooks.server";
import { applyOptKeyword, confirmOptKeyword } from "./opt-out-keywords.server";

export type IngestOutcome =
  | { kind: "message"; messageId: string; conversationId: string; created: boolean }
  | { kind: "status"; messageId: string; changed: boolean }
  | { kind: "template_status"; updated: number }
  | { kind: "account_alert" };

/** A status for a message we have not stored (yet): the send job may still be saving its provider id. */
export class UnknownMessageError extends Error {
  constructor(readonly externalId: string) {
    super(`no message with external id ${externalId} on this connection`);
    this.name = "UnknownMessageError";
  }
}

type MessageEvent = Extract<InboundEvent, { kind: "message" }>;
type StatusEvent = Extract<InboundEvent, { kind: "status" }>;

/** Applies one provider event. Safe to run twice: the second run finds everything in place. */
export async function applyInboundEvent(db: Database, connection: ConnectionContext, event: InboundEvent): Promise<IngestOutcome> {
  switch (event.kind) {
    case "message":
      return applyMessage(db, connection, event);
    case "status":
      return applyStatus(db, connection, event);
    case "template_status": {
      const { updated } = await applyTemplateStatusEvent(db, connection, event);
      return { kind: "template_status", updated };
    }
    case "account_alert": {
      const current = await db.selectFrom("channel_connections").select("status").where("id", "=", connection.id).executeTakeFirstOrThrow();
      await setConnectionStatus(db, connection.id, current.status as Parameters<typeof setConnectionStatus>[2], { warning: `${event.code}: ${event.message}` });
      return { kind: "account_alert" };
    }
  }
}

async function applyMessage(db: Database, connection: ConnectionContext, event: MessageEvent): Promise<IngestOutcome> {
  const { orgId } = connection;
  // Loop guard: an id we already hold is a replay or the echo of our own send, never a new message.
  const existing = await db
    .selectFrom("messages")
    .select(["id", "conversation_id", "media_id"])
    .where("connection_id", "=", connection.id)
    .where("external_id", "=", event.externalId)
    .executeTakeFirst();
  if (existing) {
    if (!existing.media_id) await fetchInboundMedia(db, connection, existing.id);
    return { kind: "message", messageId: existing.id, conversationId: existing.conversation_id, created: false };
  }

  const { type, body } = contentSummary(event.content);
  const content = event.content.type === "text" ? {} : event.content;
  const inserted = await inTransaction(db, async (trx) => {
    const contact = await matchContact(trx, orgId, event.from);
    const conversation = await trx
      .insertInto("conversations")
      .values({ org_id: orgId, connection_id: connection.id, contact_id: contact.id })
      .onConflict((conflict) => conflict.columns(["connection_id", "contact_id"]).doUpdateSet({ updated_at: new Date() }))
      .returning("id")
      .executeTakeFirstOrThrow();
    const message = await trx
      .insertInto("messages")
      .values({
        org_id: orgId,
        conversation_id: conversation.id,
        connection_id: connection.id,
        direction: "inbound",
        type,
        body,
        content: JSON.stringify(content),
        status: "received",
        external_id: event.externalId,
        sender_type: "contact",
      })
      .onConflict((conflict) => conflict.columns(["connection_id", "external_id"]).where("external_id", "is not", null).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!message) return null;
    // Messages are ordered by arrival (as our replies are); the provider's time opens the 24-hour window.
    // A customer writing again reopens a resolved conversation.
    await trx
      .updateTable("conversations")
      .set({
        unread_count: sql`unread_count + 1`,
        status: sql`CASE WHEN status = 'resolved' THEN 'open' ELSE status END`,
        last_message_at: sql`now()`,
        last_inbound_at: sql`greatest(coalesce(last_inbound_at, ${event.timestamp}), ${event.timestamp})`,
        last_message_preview: previewOf(type, body),
        updated_at: new Date(),
      })
      .where("id", "=", conversation.id)
      .execute();
    // "SAIR"/"STOP" (or "VOLTAR") alone flips the contact's opt-out together with storing the message.
    const optChange = event.content.type === "text" ? await applyOptKeyword(trx, { orgId, contactId: contact.id, text: event.content.text, messageId: message.id }) : null;
    await afterInboundMessage(trx, {
      orgId,
      connectionId: connection.id,
      conversationId: conversation.id,
      contactId: contact.id,
      messageId: message.id,
      receivedAt: event.timestamp,
      optDirection: optChange?.direction ?? null,
    });
    return { messageId: message.id, conversationId: conversation.id, optChange };
  });
  if (!inserted) {
    // Another worker stored the same id between our check and insert.
    const row = await db.selectFrom("messages").select(["id", "conversation_id"]).where("connection_id", "=", connection.id).where("external_id", "=", event.externalId).executeTakeFirstOrThrow();
    return { kind: "message", messageId: row.id, conversationId: row.conversation_id, created: false };
  }
  const { messageId, conversationId, optChange } = inserted;
  await publishMessageCreated(orgId, conversationId, messageId);
  if (optChange) {
    await publishConversationUpdated(orgId, conversationId);
    await confirmOptKeyword(db, connection, conversationId, optChange);
  }
  await fetchInboundMedia(db, connection, messageId);
  return { kind: "message", messageId, conversationId, created: true };
}

const TIMESTAMP_COLUMN = { sent: "sent_at", delivered: "delivered_at", read: "read_at", failed: "failed_at" } as const;
const IMPLIED: Record<DeliveryStatus, Array<keyof typeof TIMESTAMP_COLUMN>> = {
  queued: [],
  sent: ["sent"],
  delivered: ["sent", "delivered"],
  read: ["sent", "delivered", "read"],
  failed: ["failed"],
};

/**
 * Statuses only move forward by STATUS_RANK (a late "sent" never overwrites "read"); "failed" is final.
 * A status for an id we never stored may prove an uncertain campaign send (its reference names the
 * recipient): that send is recorded first, then the status applies to it like to any message.
 */
async function applyStatus(db: Database, connection: ConnectionContext, event: StatusEvent): Promise<IngestOutcome> {
  let outcome = await applyStatusToStored(db, connection, event);
  // Looked up again even when nothing was reconciled here: another status of the same send may just have been.
  if (!outcome && event.reference) {
    await recordReconciledSend(db, connection, event);
    outcome = await applyStatusToStored(db, connection, event);
  }
  if (!outcome) throw new UnknownMessageError(event.externalId);
  if (outcome.changed) {
    await publishMessageStatus(connection.orgId, outcome.conversationId, outcome.messageId);
    if (event.status === "failed") await publishConversationUpdated(connection.orgId, outcome.conversationId);
  }
  return { kind: "status", messageId: outcome.messageId, changed: outcome.changed };
}

async function applyStatusToStored(db: Database, connection: ConnectionContext, event: StatusEvent) {
  return inTransaction(db, async (trx) => {
    const message = await trx
      .selectFrom("messages")
      .select(["id", "conversation_id", "status", "sent_at", "delivered_at", "read_at", "failed_at"])
      .where("connection_id", "=", connection.id)
      .where("external_id", "=", event.externalId)
      .forUpdate()
      .executeTakeFirst();
    if (!message) return null;
    const current = message.status as DeliveryStatus | "received";
    const advances = current !== "failed" && STATUS_RANK[event.status] > STATUS_RANK[current];
    // Timestamps of steps the provider skipped (read before delivered) are filled in, never overwritten.
    const stamps: Partial<Record<(typeof TIMESTAMP_COLUMN)[keyof typeof TIMESTAMP_COLUMN], Date>> = {};
    if (current !== "failed") {
      for (const step of IMPLIED[event.status]) {
        const column = TIMESTAMP_COLUMN[step];
        if (!message[column]) stamps[column] = event.timestamp;
      }
    }
    if (!advances && Object.keys(stamps).length === 0) return { messageId: message.id, conversationId: message.conversation_id, changed: false };
    await trx
      .updateTable("messages")
      .set({
        ...stamps,
        ...(advances ? { status: event.status } : {}),
        ...(advances && event.status === "failed" ? { error_code: event.error?.code ?? null, error_message: event.error?.message ?? null } : {}),
      })
      .where("id", "=", message.id)
      .execute();
    if (advances) {
      await afterOutboundStatus(trx, { orgId: connection.orgId, messageId: message.id, status: event.status, at: event.timestamp, errorCode: event.error?.code ?? null });
    }
    return { messageId: message.id, conversationId: message.conversation_id, changed: advances };
  });
}
