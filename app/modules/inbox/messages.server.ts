import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { decodeCursor, encodeCursor, exactTimestamp } from "./cursor.server";

export const MESSAGES_PAGE_SIZE = 30;

export type MessageStatus = "received" | "queued" | "sent" | "delivered" | "read" | "failed";

export type ConversationMessage = {
  id: string;
  direction: "inbound" | "outbound";
  isNote: boolean;
  type: string;
  body: string;
  status: MessageStatus;
  error: { code: string | null; message: string | null; consequence: string | null; gaveUp: boolean } | null;
  /** The last passing error while the message is still queued for a retry. */
  retrying: boolean;
  senderType: string;
  senderName: string | null;
  createdAt: string;
  media: { id: string; mimeType: string; filename: string | null; storageKey: string } | null;
  templateName: string | null;
  /** Knowledge-base passages a bot answer was based on. */
  aiSources: Array<{ title: string; excerpt: string }>;
};

type Extras = { errorConsequence?: string | null; gaveUp?: boolean; template?: { name?: string }; ai?: { sources?: Array<{ title: string; excerpt: string }> } };

/**
 * One page of a conversation, oldest first for display. Without `before` it is the newest page;
 * `olderCursor` names the page before it (null at the start of the conversation).
 */
export async function listMessages(
  db: Database,
  orgId: string,
  conversationId: string,
  page: { before?: string | null; limit?: number } = {},
): Promise<{ messages: ConversationMessage[]; olderCursor: string | null }> {
  const limit = page.limit ?? MESSAGES_PAGE_SIZE;
  const before = decodeCursor(page.before);
  let query = db
    .selectFrom("messages as m")
    .leftJoin("users as u", "u.id", "m.sender_user_id")
    .leftJoin("media as md", "md.id", "m.media_id")
    .select([
      "m.id",
      "m.direction",
      "m.is_note",
      "m.type",
      "m.body",
      "m.status",
      "m.error_code",
      "m.error_message",
      "m.content",
      "m.sender_type",
      "u.name as sender_name",
      "m.created_at",
      "md.id as media_id",
      "md.mime_type",
      "md.filename",
      "md.storage_key",
      exactTimestamp("m.created_at").as("cursor_at"),
    ])
    .where("m.org_id", "=", orgId)
    .where("m.conversation_id", "=", conversationId);
  if (before) {
    query = query.where((eb) => eb(eb.refTuple("m.created_at", "m.id"), "<", eb.tuple(sql<Date>`${before.at}::timestamptz`, sql<string>`${before.id}::uuid`)));
  }
  const rows = await query.orderBy("m.created_at", "desc").orderBy("m.id", "desc").limit(limit + 1).execute();
  const pageRows = rows.slice(0, limit);
  const oldest = pageRows.at(-1);
  return {
    messages: pageRows.reverse().map((row) => {
      const extras = (row.content ?? {}) as Extras;
      const failed = row.status === "failed";
      return {
        id: row.id,
        direction: row.direction as ConversationMessage["direction"],
        isNote: row.is_note,
        type: row.type,
        body: row.body,
        status: row.status as MessageStatus,
        error: failed || row.error_code ? { code: row.error_code, message: row.error_message, consequence: extras.errorConsequence ?? null, gaveUp: Boolean(extras.gaveUp) } : null,
        retrying: !failed && row.status === "queued" && Boolean(row.error_code),
        senderType: row.sender_type,
        senderName: row.sender_name,
        createdAt: row.created_at.toISOString(),
        media: row.media_id ? { id: row.media_id, mimeType: row.mime_type!, filename: row.filename, storageKey: row.storage_key! } : null,
        templateName: extras.template?.name ?? null,
        aiSources: (extras.ai?.sources ?? []).map((source) => ({ title: source.title, excerpt: source.excerpt })),
      };
    }),
    olderCursor: rows.length > limit && oldest ? encodeCursor({ at: oldest.cursor_at, id: oldest.id }) : null,
  };
}
