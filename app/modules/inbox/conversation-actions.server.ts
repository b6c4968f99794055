import type { Database } from "#db/index.js";
import { roleAtLeast, type Role } from "../orgs/roles";
import { enqueueJob, ensureJobQueue } from "./jobs.server";
import { publishConversationAssigned, publishConversationUpdated, publishMessageCreated, publishMessageStatus } from "./live.server";
import { MESSAGE_SEND_MAX_ATTEMPTS } from "./outbound.server";
import type { ConversationStatus } from "./schemas";

/** Members who can answer customers (agents and up), for the assign menu. */
export async function listAssignableMembers(db: Database, orgId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name", "memberships.role"])
    .where("memberships.org_id", "=", orgId)
    .orderBy("users.name")
    .execute();
  return rows.filter((row) => roleAtLeast(row.role as Role, "agent")).map(({ id, name }) => ({ id, name }));
}

export async function assignConversation(
  db: Database,
  input: { orgId: string; conversationId: string; assigneeId: string | null },
): Promise<"ok" | "not_found" | "invalid_assignee"> {
  if (input.assigneeId) {
    const member = await db.selectFrom("memberships").select("role").where("org_id", "=", input.orgId).where("user_id", "=", input.assigneeId).executeTakeFirst();
    if (!member || !roleAtLeast(member.role as Role, "agent")) return "invalid_assignee";
  }
  const row = await db
    .updateTable("conversations")
    .set({ assignee_id: input.assigneeId, updated_at: new Date() })
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.conversationId)
    .returning("id")
    .executeTakeFirst();
  if (!row) return "not_found";
  await publishConversationAssigned(input.orgId, input.conversationId, input.assigneeId);
  return "ok";
}

async function updateConversation(db: Database, orgId: string, conversationId: string, values: { status?: ConversationStatus; bot_active?: boolean }) {
  const row = await db
    .updateTable("conversations")
    .set({ ...values, updated_at: new Date() })
    .where("org_id", "=", orgId)
    .where("id", "=", conversationId)
    .returning("id")
    .executeTakeFirst();
  if (row) await publishConversationUpdated(orgId, conversationId);
  return Boolean(row);
}

/** Resolve, reopen or park as pending. */
export function setConversationStatus(db: Database, orgId: string, conversationId: string, status: ConversationStatus) {
  return updateConversation(db, orgId, conversationId, { status });
}

/** Human handoff: with the bot off, the AI persona leaves the conversation to the team. */
export function setBotActive(db: Database, orgId: string, conversationId: string, active: boolean) {
  return updateConversation(db, orgId, conversationId, { bot_active: active });
}

/** An agent opened it: unread back to zero (only announced when something changed, so viewers' refetches settle). */
export async function markConversationRead(db: Database, orgId: string, conversationId: string): Promise<boolean> {
  const row = await db
    .updateTable("conversations")
    .set({ unread_count: 0 })
    .where("org_id", "=", orgId)
    .where("id", "=", conversationId)
    .where("unread_count", ">", 0)
    .returning("id")
    .executeTakeFirst();
  if (row) await publishConversationUpdated(orgId, conversationId);
  return Boolean(row);
}

/** A private note: stored with the conversation for the team, never handed to a channel. */
export async function addNote(db: Database, input: { orgId: string; conversationId: string; userId: string; body: string }): Promise<string | null> {
  const conversation = await db.selectFrom("conversations").select(["id", "connection_id"]).where("org_id", "=", input.orgId).where("id", "=", input.conversationId).executeTakeFirst();
  if (!conversation) return null;
  const message = await db
    .insertInto("messages")
    .values({
      org_id: input.orgId,
      conversation_id: conversation.id,
      connection_id: conversation.connection_id,
      direction: "outbound",
      is_note: true,
      type: "text",
      body: input.body,
      status: "sent",
      sender_type: "user",
      sender_user_id: input.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await publishMessageCreated(input.orgId, conversation.id, message.id);
  return message.id;
}

/** Sends a failed message again (a new attempt budget); false when it is not a failed message of this conversation. */
export async function retryFailedMessage(db: Database, input: { orgId: string; conversationId: string; messageId: string }): Promise<boolean> {
  await ensureJobQueue();
  const retried = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("messages")
      // A fresh provider message: a failure reported after sending (a status webhook) left an id behind.
      .set({ status: "queued", external_id: null, sent_at: null, delivered_at: null, read_at: null, failed_at: null, error_code: null, error_message: null })
      .where("org_id", "=", input.orgId)
      .where("conversation_id", "=", input.conversationId)
      .where("id", "=", input.messageId)
      .where("status", "=", "failed")
      .where("is_note", "=", false)
      .where("direction", "=", "outbound")
      .returning("id")
      .executeTakeFirst();
    if (row) {
      await enqueueJob(trx, { identifier: "message.send", payload: { messageId: row.id }, queueName: `conversation:${input.conversationId}`, maxAttempts: MESSAGE_SEND_MAX_ATTEMPTS });
    }
    return Boolean(row);
  });
  if (retried) await publishMessageStatus(input.orgId, input.conversationId, input.messageId);
  return retried;
}
