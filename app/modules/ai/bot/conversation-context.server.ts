import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { PromptContact, TranscriptLine } from "./prompt";

/** How much of the conversation the bot reads: enough for context, bounded for cost. */
export const HISTORY_MESSAGES = 20;

export type ConversationContext = {
  conversationId: string;
  connectionId: string;
  botActive: boolean;
  optedOut: boolean;
  contact: PromptContact;
  history: TranscriptLine[];
  /** Customer messages after the last reply by a person or the bot, oldest first. */
  pending: Array<{ id: string; text: string }>;
  /** The newest message (notes aside): a reply is written only if it is still this one. */
  lastMessageId: string | null;
  botTurns: number;
};

/**
 * Everything the bot may know about one conversation, read with the conversation's own ids: its
 * recent messages (notes excluded: they are for the team) and its one contact. Nothing here can
 * reach another contact's data, which is what keeps a prompt injection from asking for it.
 */
export async function loadConversationContext(db: Database, orgId: string, conversationId: string): Promise<ConversationContext | null> {
  const conversation = await db
    .selectFrom("conversations")
    .innerJoin("contacts", "contacts.id", "conversations.contact_id")
    .select([
      "conversations.id",
      "conversations.connection_id",
      "conversations.bot_active",
      "contacts.name",
      "contacts.phone",
      "contacts.email",
      "contacts.attributes",
      "contacts.opted_out",
    ])
    .where("conversations.org_id", "=", orgId)
    .where("conversations.id", "=", conversationId)
    .executeTakeFirst();
  if (!conversation) return null;

  const rows = await db
    .selectFrom("messages")
    .select(["id", "direction", "body", "type", "sender_type", "created_at"])
    .where("org_id", "=", orgId)
    .where("conversation_id", "=", conversationId)
    .where("is_note", "=", false)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(HISTORY_MESSAGES)
    .execute();
  const messages = rows.reverse();
  const answeredBy = new Set(["ai", "user"]);
  const lastAnswer = messages.findLastIndex((message) => message.direction === "outbound" && answeredBy.has(message.sender_type));
  const pending = messages
    .slice(lastAnswer + 1)
    .filter((message) => message.direction === "inbound" && message.body.trim())
    .map((message) => ({ id: message.id, text: message.body }));
  const history: TranscriptLine[] = messages
    .filter((message) => message.body.trim())
    .map((message) => ({ from: message.direction === "inbound" ? "customer" : message.sender_type === "ai" ? "assistant" : "agent", text: message.body }));

  // Bot replies since a person last wrote, or since the last handoff (turning the bot back on starts afresh).
  const { rows: turns } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM messages m
    WHERE m.org_id = ${orgId} AND m.conversation_id = ${conversationId} AND m.sender_type = 'ai' AND NOT m.is_note
      AND m.created_at > greatest(
        coalesce((SELECT max(h.created_at) FROM messages h WHERE h.conversation_id = ${conversationId} AND h.sender_type = 'user' AND NOT h.is_note), '-infinity'),
        -- Read in SQL: a JavaScript Date would drop the microseconds the handoff's own message shares.
        coalesce((SELECT c.handoff_at FROM conversations c WHERE c.id = ${conversationId}), '-infinity'))`.execute(db);

  return {
    conversationId: conversation.id,
    connectionId: conversation.connection_id,
    botActive: conversation.bot_active,
    optedOut: conversation.opted_out,
    contact: { name: conversation.name || null, phone: conversation.phone, email: conversation.email, attributes: (conversation.attributes ?? {}) as Record<string, unknown> },
    history,
    pending,
    lastMessageId: messages.at(-1)?.id ?? null,
    botTurns: turns[0]?.n ?? 0,
  };
}
