import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { classifyMedia } from "~/lib/storage/media-limits";
import { getStorage } from "~/lib/storage/storage.server";
import { loadConnection } from "../channels/connections.server";
import { getAdapter } from "../channels/registry.server";
import { releaseSmsText } from "../outreach/sms-duplicates.server";
import type { ConnectionContext, SendError, SendResult, TemplateMessage } from "../channels/types";
import { enqueueJob, ensureJobQueue } from "./jobs.server";
import { publishConversationUpdated, publishMessageCreated, publishMessageStatus } from "./live.server";
import { previewOf } from "./inbound-event";
import { applySendFailureConsequence } from "./send-consequences.server";

export const MESSAGE_SEND_MAX_ATTEMPTS = 8;

export type OutboundContent =
  | { type: "text"; text: string }
  | { type: "media"; mediaId: string; caption?: string }
  /** `preview` is the body with the variables filled in, as the customer will read it. */
  | { type: "template"; template: TemplateMessage; preview: string };

export type OutboundSender = "user" | "ai" | "campaign" | "cadence" | "api" | "system";
export type QueuedMessage = { id: string; conversationId: string; status: "queued"; createdAt: Date };

export class ConversationNotFoundError extends Error {
  constructor() {
    super("conversation not found in this organization");
    this.name = "ConversationNotFoundError";
  }
}

/** Stores the message as queued and its `message.send` job in one transaction; the job does the provider call. */
export async function queueOutboundMessage(
  db: Database,
  input: { orgId: string; conversationId: string; content: OutboundContent; senderType: OutboundSender; senderUserId?: string | null },
): Promise<QueuedMessage> {
  await ensureJobQueue();
  const { content } = input;
  const queued = await inTransaction(db, async (trx) => {
    const conversation = await trx.selectFrom("conversations").select(["id", "connection_id"]).where("org_id", "=", input.orgId).where("id", "=", input.conversationId).executeTakeFirst();
    if (!conversation) throw new ConversationNotFoundError();
    let type = "text";
    let body = "";
    let mediaId: string | null = null;
    let extras: Record<string, unknown> = {};
    if (content.type === "text") body = content.text;
    else if (content.type === "template") {
      type = "template";
      body = content.preview;
      extras = { template: content.template };
    } else {
      const media = await trx.selectFrom("media").select(["id", "mime_type"]).where("org_id", "=", input.orgId).where("id", "=", content.mediaId).executeTakeFirst();
      if (!media) throw new Error("media not found in this organization");
      type = classifyMedia(media.mime_type) ?? "document";
      body = content.caption ?? "";
      mediaId = media.id;
    }
    const message = await trx
      .insertInto("messages")
      .values({
        org_id: input.orgId,
        conversation_id: conversation.id,
        connection_id: conversation.connection_id,
        direction: "outbound",
        type,
        body,
        media_id: mediaId,
        content: JSON.stringify(extras),
        status: "queued",
        sender_type: input.senderType,
        sender_user_id: input.senderUserId ?? null,
      })
      .returning(["id", "created_at"])
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("conversations")
      .set({ last_message_at: sql`now()`, last_message_preview: previewOf(type, body), updated_at: new Date() })
      .where("id", "=", conversation.id)
      .execute();
    await enqueueJob(trx, {
      identifier: "message.send",
      payload: { messageId: message.id },
      // One queue per conversation keeps replies in the order they were written.
      queueName: `conversation:${conversation.id}`,
      maxAttempts: MESSAGE_SEND_MAX_ATTEMPTS,
    });
    return { id: message.id, conversationId: conversation.id, status: "queued" as const, createdAt: message.created_at };
  });
  await publishMessageCreated(input.orgId, queued.conversationId, queued.id);
  return queued;
}

/** Thrown for a failure the provider may not repeat: graphile-worker backs off and runs the job again. */
export class RetryableSendError extends Error {
  constructor(readonly failure: SendError) {
    super(`send failed, will retry (${failure.code}): ${failure.message}`);
    this.name = "RetryableSendError";
  }
}

type Sendable = Awaited<ReturnType<typeof loadSendable>>;

function loadSendable(db: Database, messageId: string) {
  return db
    .selectFrom("messages")
    .innerJoin("conversations", "conversations.id", "messages.conversation_id")
    .innerJoin("contacts", "contacts.id", "conversations.contact_id")
    .leftJoin("media", "media.id", "messages.media_id")
    .select([
      "messages.id",
      "messages.org_id",
      "messages.conversation_id",
      "messages.connection_id",
      "messages.type",
      "messages.body",
      "messages.content",
      "messages.sender_type",
      "contacts.id as contact_id",
      "contacts.phone",
      "media.storage_key",
      "media.mime_type",
      "media.filename",
    ])
    .select((eb) =>
      eb
        .selectFrom("contact_identities")
        .select("contact_identities.value")
        .whereRef("contact_identities.contact_id", "=", "contacts.id")
        .where("contact_identities.kind", "=", "wa_lid")
        .limit(1)
        .as("lid"),
    )
    .where("messages.id", "=", messageId)
    .where("messages.direction", "=", "outbound")
    .where("messages.is_note", "=", false)
    .where("messages.status", "=", "queued")
    // An external id means an earlier run reached the provider: never send twice.
    .where("messages.external_id", "is", null)
    .executeTakeFirst();
}

async function callProvider(connection: ConnectionContext, message: NonNullable<Sendable>, to: string): Promise<SendResult> {
  const adapter = getAdapter(connection.kind);
  try {
    if (message.type === "text") return await adapter.sendText(connection, to, message.body);
    if (message.type === "template") {
      const template = (message.content as { template?: TemplateMessage }).template;
      if (!template) return { ok: false, code: "bad_message", message: "template message without its template", retryable: false };
      return await adapter.sendTemplate(connection, to, template);
    }
    if (!message.storage_key || !message.mime_type) return { ok: false, code: "media_missing", message: "the attachment is gone", retryable: false };
    const url = await getStorage().url(message.storage_key, { expiresIn: 3600 });
    const kind = classifyMedia(message.mime_type) ?? "document";
    return await adapter.sendMedia(connection, to, { kind, url, mimeType: message.mime_type, filename: message.filename ?? undefined, caption: message.body || undefined });
  } catch (error) {
    return { ok: false, code: "exception", message: error instanceof Error ? error.message : String(error), retryable: true };
  }
}

async function recordSent(db: Database, message: NonNullable<Sendable>, result: Extract<SendResult, { ok: true }>) {
  const update = () =>
    db
      .updateTable("messages")
      .set({ external_id: result.externalId, status: result.status, sent_at: result.status === "queued" ? null : new Date(), error_code: null, error_message: null })
      .where("id", "=", message.id)
      .where("status", "=", "queued")
      .execute();
  try {
    await update();
  } catch (error) {
    if ((error as { code?: string }).code !== "23505") throw error;
    // The provider's echo of this very send got stored as inbound first: it was never a customer message.
    await db.deleteFrom("messages").where("connection_id", "=", message.connection_id).where("external_id", "=", result.externalId).where("direction", "=", "inbound").execute();
    await update();
  }
}

async function recordFailed(db: Database, connection: ConnectionContext, message: NonNullable<Sendable>, failure: SendError) {
  await db
    .updateTable("messages")
    .set({
      status: "failed",
      failed_at: new Date(),
      error_code: failure.code,
      error_message: failure.message,
      // gaveUp: a passing failure (rate limit, timeout) that outlasted every retry.
      content: sql`content || ${JSON.stringify({ errorConsequence: failure.consequence ?? null, gaveUp: failure.retryable })}::jsonb`,
    })
    .where("id", "=", message.id)
    .where("status", "=", "queued")
    .execute();
  await applySendFailureConsequence(db, { orgId: message.org_id, connectionId: connection.id, contactId: message.contact_id }, failure);
  // Automated SMS claimed its text in the duplicate window; a text that never arrived may be sent again.
  if (connection.kind === "twilio_sms" && message.type === "text" && message.phone && (message.sender_type === "cadence" || message.sender_type === "campaign")) {
    await releaseSmsText(db, { orgId: message.org_id, phone: message.phone, text: message.body });
  }
}

/**
 * The `message.send` step: one provider call for a queued message. Retryable failures throw while
 * attempts remain (the message stays queued, with the last error noted); permanent ones mark it failed.
 */
export async function sendQueuedMessage(db: Database, messageId: string, attempt: { attempts: number; maxAttempts: number }): Promise<"sent" | "failed" | "skipped"> {
  const message = await loadSendable(db, messageId);
  if (!message) return "skipped";
  const connection = await loadConnection(db, message.org_id, message.connection_id);
  if (!connection) return "skipped";
  const to = message.phone ?? message.lid;
  const result: SendResult = to ? await callProvider(connection, message, to) : { ok: false, code: "no_recipient", message: "the contact has no phone number", retryable: false };

  if (result.ok) {
    await recordSent(db, message, result);
  } else if (result.retryable && attempt.attempts < attempt.maxAttempts) {
    await db.updateTable("messages").set({ error_code: result.code, error_message: result.message }).where("id", "=", message.id).where("status", "=", "queued").execute();
    throw new RetryableSendError(result);
  } else {
    await recordFailed(db, connection, message, result);
  }
  await publishMessageStatus(message.org_id, message.conversation_id, message.id);
  await publishConversationUpdated(message.org_id, message.conversation_id);
  return result.ok ? "sent" : "failed";
}
