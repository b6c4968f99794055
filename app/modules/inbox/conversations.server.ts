import { sql } from "kysely";
import { z } from "zod";
import type { Database } from "#db/index.js";
import type { ChannelKind } from "../channels/types";
import { decodeCursor, encodeCursor, exactTimestamp } from "./cursor.server";
import type { ConversationStatus, InboxFilter } from "./schemas";

export const CONVERSATIONS_PAGE_SIZE = 25;
const uuid = z.uuid();

export type ConversationListItem = {
  id: string;
  status: ConversationStatus;
  unreadCount: number;
  lastMessageAt: string;
  preview: string;
  botActive: boolean;
  assignee: { id: string; name: string } | null;
  contact: { id: string; name: string; phone: string | null };
  channel: { id: string; kind: ChannelKind; name: string };
};

/** Letters are matched against name/phone/e-mail; something that looks like a phone number by its digits. */
function searchPattern(q: string): string {
  const looksLikePhone = /^[\d\s()+.-]+$/.test(q) && /\d{3,}/.test(q.replace(/\D/g, ""));
  const needle = looksLikePhone ? q.replace(/\D/g, "") : q.toLowerCase();
  return `%${needle.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** One page of the inbox, most recent activity first, after `after` (a cursor from the previous page). */
export async function listConversations(
  db: Database,
  orgId: string,
  userId: string,
  filter: InboxFilter,
  page: { after?: string | null; limit?: number } = {},
): Promise<{ conversations: ConversationListItem[]; nextCursor: string | null }> {
  const limit = page.limit ?? CONVERSATIONS_PAGE_SIZE;
  const after = decodeCursor(page.after);
  let query = db
    .selectFrom("conversations as c")
    .innerJoin("contacts as ct", "ct.id", "c.contact_id")
    .innerJoin("channel_connections as ch", "ch.id", "c.connection_id")
    .leftJoin("users as u", "u.id", "c.assignee_id")
    .select([
      "c.id",
      "c.status",
      "c.unread_count",
      "c.last_message_at",
      "c.last_message_preview",
      "c.bot_active",
      "c.assignee_id",
      "u.name as assignee_name",
      "ct.id as contact_id",
      "ct.name as contact_name",
      "ct.phone as contact_phone",
      "ch.id as channel_id",
      "ch.kind as channel_kind",
      "ch.name as channel_name",
      exactTimestamp("c.last_message_at").as("cursor_at"),
    ])
    .where("c.org_id", "=", orgId);
  if (filter.status !== "all") query = query.where("c.status", "=", filter.status);
  if (filter.assignee === "mine") query = query.where("c.assignee_id", "=", userId);
  if (filter.assignee === "unassigned") query = query.where("c.assignee_id", "is", null);
  if (filter.channel) query = query.where("c.connection_id", "=", filter.channel);
  if (filter.unread) query = query.where("c.unread_count", ">", 0);
  if (filter.tag) {
    const tagId = filter.tag;
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom("contact_tags as tg").select(sql`1`.as("one")).whereRef("tg.contact_id", "=", "c.contact_id").where("tg.tag_id", "=", tagId)),
    );
  }
  if (filter.q) {
    const pattern = searchPattern(filter.q);
    // Through the trigram index on contacts first: a rare name must not walk every conversation.
    query = query.where("c.contact_id", "in", (eb) =>
      eb.selectFrom("contacts as found").select("found.id").where("found.org_id", "=", orgId).where("found.search_text", "like", pattern),
    );
  }
  if (after) {
    query = query.where((eb) => eb(eb.refTuple("c.last_message_at", "c.id"), "<", eb.tuple(sql<Date>`${after.at}::timestamptz`, sql<string>`${after.id}::uuid`)));
  }
  const rows = await query.orderBy("c.last_message_at", "desc").orderBy("c.id", "desc").limit(limit + 1).execute();
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    conversations: pageRows.map((row) => ({
      id: row.id,
      status: row.status as ConversationStatus,
      unreadCount: row.unread_count,
      lastMessageAt: row.last_message_at.toISOString(),
      preview: row.last_message_preview,
      botActive: row.bot_active,
      assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? "" } : null,
      contact: { id: row.contact_id, name: row.contact_name, phone: row.contact_phone },
      channel: { id: row.channel_id, kind: row.channel_kind as ChannelKind, name: row.channel_name },
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
  };
}

/** Open conversations with unread messages, counted up to `cap` (the badge says "99+" beyond). */
export async function countUnreadConversations(db: Database, orgId: string, cap = 100): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb.selectFrom("conversations").select(sql`1`.as("one")).where("org_id", "=", orgId).where("unread_count", ">", 0).where("status", "!=", "resolved").limit(cap).as("unread"),
    )
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export type ConversationDetail = {
  id: string;
  status: ConversationStatus;
  botActive: boolean;
  unreadCount: number;
  lastInboundAt: string | null;
  assignee: { id: string; name: string } | null;
  contact: { id: string; name: string; phone: string | null; optedOut: boolean };
  channel: { id: string; kind: ChannelKind; name: string; status: string };
};

export async function findConversation(db: Database, orgId: string, conversationId: string): Promise<ConversationDetail | null> {
  if (!uuid.safeParse(conversationId).success) return null;
  const row = await db
    .selectFrom("conversations as c")
    .innerJoin("contacts as ct", "ct.id", "c.contact_id")
    .innerJoin("channel_connections as ch", "ch.id", "c.connection_id")
    .leftJoin("users as u", "u.id", "c.assignee_id")
    .select([
      "c.id",
      "c.status",
      "c.bot_active",
      "c.unread_count",
      "c.last_inbound_at",
      "c.assignee_id",
      "u.name as assignee_name",
      "ct.id as contact_id",
      "ct.name as contact_name",
      "ct.phone as contact_phone",
      "ct.opted_out",
      "ch.id as channel_id",
      "ch.kind as channel_kind",
      "ch.name as channel_name",
      "ch.status as channel_status",
    ])
    .where("c.org_id", "=", orgId)
    .where("c.id", "=", conversationId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    status: row.status as ConversationStatus,
    botActive: row.bot_active,
    unreadCount: row.unread_count,
    lastInboundAt: row.last_inbound_at?.toISOString() ?? null,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? "" } : null,
    contact: { id: row.contact_id, name: row.contact_name, phone: row.contact_phone, optedOut: row.opted_out },
    channel: { id: row.channel_id, kind: row.channel_kind as ChannelKind, name: row.channel_name, status: row.channel_status },
  };
}

const WINDOW_MS = 24 * 60 * 60 * 1000;

/** WhatsApp's customer-service window: free-form replies only within 24 h of the customer's last message. */
export function isServiceWindowOpen(conversation: Pick<ConversationDetail, "lastInboundAt" | "channel">, now = new Date()): boolean {
  if (conversation.channel.kind !== "whatsapp_cloud") return true;
  return conversation.lastInboundAt !== null && now.getTime() - new Date(conversation.lastInboundAt).getTime() < WINDOW_MS;
}
