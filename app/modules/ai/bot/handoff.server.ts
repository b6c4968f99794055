import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { type Locale, type MessageKey, translate } from "~/lib/i18n";
import { roleAtLeast, type Role } from "../../orgs/roles";
import { queueOutboundMessage } from "../../inbox/outbound.server";
import type { HandoffReason } from "./handoff-rules";

/** A member counts as online when one of their sessions was used this recently. */
const ONLINE_WINDOW_MINUTES = 15;

/**
 * The agent (or better) of the organization who is online and holds the fewest open conversations;
 * null when nobody is online — the conversation then waits unassigned in the shared queue, where the
 * note and the live update tell the whole team.
 */
export async function leastBusyOnlineMember(db: Database, orgId: string): Promise<{ id: string; name: string } | null> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select((eb) => [
      "users.id",
      "users.name",
      "memberships.role",
      eb
        .selectFrom("conversations")
        .whereRef("conversations.assignee_id", "=", "users.id")
        .where("conversations.org_id", "=", orgId)
        .where("conversations.status", "!=", "resolved")
        .select(eb.fn.countAll<number>().as("n"))
        .as("open"),
    ])
    .where("memberships.org_id", "=", orgId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("sessions")
          .select("sessions.id_hash")
          .whereRef("sessions.user_id", "=", "users.id")
          .where("sessions.expires_at", ">", sql<Date>`now()`)
          .where("sessions.last_seen_at", ">", sql<Date>`now() - make_interval(mins => ${ONLINE_WINDOW_MINUTES})`),
      ),
    )
    .orderBy("users.name")
    .orderBy("users.id")
    .execute();
  const candidates = rows.filter((row) => roleAtLeast(row.role as Role, "agent"));
  candidates.sort((a, b) => Number(a.open ?? 0) - Number(b.open ?? 0));
  const chosen = candidates[0];
  return chosen ? { id: chosen.id, name: chosen.name } : null;
}

export type HandoffInput = {
  orgId: string;
  conversationId: string;
  reason: HandoffReason;
  detail: string | null;
  locale: Locale;
  /** Said to the customer after the handoff line when the team is away (the persona's away message). */
  awayMessage?: string | null;
};

export type HandoffOutcome = { handedOff: boolean; assigneeId: string | null; noteId: string | null; customerMessageId: string | null };

/**
 * The bot steps aside: bot off with the reason, an assignee if someone is online, a private note that
 * says why, and one line to the customer so they know a person is coming. Runs in the caller's
 * transaction; the caller publishes the live updates after commit. Does nothing when the bot is already off.
 */
export async function handOff(trx: Database, input: HandoffInput): Promise<HandoffOutcome> {
  const conversation = await trx
    .updateTable("conversations")
    .set({ bot_active: false, handoff_reason: input.reason, handoff_at: sql`now()`, updated_at: new Date() })
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.conversationId)
    .where("bot_active", "=", true)
    .returning(["id", "connection_id", "assignee_id"])
    .executeTakeFirst();
  if (!conversation) return { handedOff: false, assigneeId: null, noteId: null, customerMessageId: null };

  let assignee: { id: string; name: string } | null = null;
  if (!conversation.assignee_id) {
    assignee = await leastBusyOnlineMember(trx, input.orgId);
    if (assignee) await trx.updateTable("conversations").set({ assignee_id: assignee.id }).where("id", "=", conversation.id).execute();
  }
  const why = translate(input.locale, `aiBot.handoff.reason.${input.reason}` as MessageKey, { detail: input.detail ?? "" });
  const who = conversation.assignee_id
    ? translate(input.locale, "aiBot.handoff.keptAssignee")
    : assignee
      ? translate(input.locale, "aiBot.handoff.assigned", { name: assignee.name })
      : translate(input.locale, "aiBot.handoff.unassigned");
  const note = await trx
    .insertInto("messages")
    .values({
      org_id: input.orgId,
      conversation_id: conversation.id,
      connection_id: conversation.connection_id,
      direction: "outbound",
      is_note: true,
      type: "text",
      body: `${translate(input.locale, "aiBot.handoff.noteTitle")} ${why} ${who}`,
      content: JSON.stringify({ handoff: { reason: input.reason, detail: input.detail } }),
      status: "sent",
      sender_type: "ai",
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  const customerLine = [translate(input.locale, "aiBot.handoff.toCustomer"), input.awayMessage?.trim() || null].filter(Boolean).join("\n\n");
  const message = await queueOutboundMessage(trx, { orgId: input.orgId, conversationId: conversation.id, content: { type: "text", text: customerLine }, senderType: "ai" });
  return { handedOff: true, assigneeId: assignee?.id ?? conversation.assignee_id, noteId: note.id, customerMessageId: message.id };
}
