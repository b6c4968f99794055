import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { enqueueJob } from "../../inbox/jobs.server";
import { publishConversationAssigned, publishConversationUpdated, publishMessageCreated } from "../../inbox/live.server";
import { queueOutboundMessage } from "../../inbox/outbound.server";
import { loadConversationContext } from "./conversation-context.server";
import { handOff } from "./handoff.server";
import { personaForConversation } from "./personas.server";
import { type BotDecision, composeReply, isTeamAvailable } from "./reply-pipeline.server";

export const BOT_REPLY_TASK = "ai.reply";

/**
 * Schedules the bot's answer `delaySeconds` from now under one job key per conversation: each new
 * customer message pushes the same job later (graphile-worker's replace mode), so a burst gets one
 * answer. One queue per conversation keeps two runs from overlapping.
 */
export async function scheduleBotReply(trx: Database, input: { orgId: string; conversationId: string; delaySeconds: number }) {
  await enqueueJob(trx, {
    identifier: BOT_REPLY_TASK,
    payload: { orgId: input.orgId, conversationId: input.conversationId },
    jobKey: `ai.reply:${input.conversationId}`,
    queueName: `ai:${input.conversationId}`,
    runAt: new Date(Date.now() + input.delaySeconds * 1000),
    maxAttempts: 3,
  });
}

/** The bot's delay for this conversation, or null when the bot should not answer it. */
export async function botReplyDelay(trx: Database, orgId: string, conversationId: string): Promise<number | null> {
  const row = await trx
    .selectFrom("conversations")
    .innerJoin("channel_connections", "channel_connections.id", "conversations.connection_id")
    .leftJoin("personas as own", "own.id", "conversations.persona_id")
    .leftJoin("personas as channel", "channel.id", "channel_connections.persona_id")
    .select(["conversations.bot_active", "own.reply_delay_seconds as own_delay", "channel.reply_delay_seconds as channel_delay"])
    .select((eb) =>
      eb.selectFrom("personas").select("reply_delay_seconds").where("personas.org_id", "=", orgId).where("personas.is_default", "=", true).limit(1).as("default_delay"),
    )
    .where("conversations.org_id", "=", orgId)
    .where("conversations.id", "=", conversationId)
    .executeTakeFirst();
  if (!row?.bot_active) return null;
  return row.own_delay ?? row.channel_delay ?? row.default_delay ?? 5;
}

export type BotRunOutcome = "replied" | "handed_off" | "skipped";

/**
 * The `ai.reply` step: answer every customer message still unanswered, or hand off. Safe to run
 * twice: the answer is written only if those messages are still the unanswered ones and the bot is
 * still on, checked under the conversation's row lock after the (slow) model call.
 */
export async function runBotReply(db: Database, input: { orgId: string; conversationId: string }): Promise<BotRunOutcome> {
  const context = await loadConversationContext(db, input.orgId, input.conversationId);
  if (!context?.botActive || context.optedOut || context.pending.length === 0) return "skipped";
  const persona = await personaForConversation(db, input.orgId, input.conversationId);
  const decision: BotDecision = persona
    ? await composeReply(db, {
        orgId: input.orgId,
        persona,
        history: context.history,
        pending: context.pending.map((message) => message.text),
        contact: context.contact,
        botTurns: context.botTurns,
        conversationId: context.conversationId,
      })
    : { kind: "handoff", reason: "no_persona", detail: null, mode: null };
  const lastMessageId = context.lastMessageId;
  const locale = persona?.language ?? "pt-BR";

  const committed = await inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom("conversations")
      .select(["bot_active"])
      .select((eb) =>
        eb
          .selectFrom("messages")
          .select("messages.id")
          .whereRef("messages.conversation_id", "=", "conversations.id")
          .where("messages.is_note", "=", false)
          .orderBy("messages.created_at", "desc")
          .orderBy("messages.id", "desc")
          .limit(1)
          .as("last_message_id"),
      )
      .where("org_id", "=", input.orgId)
      .where("id", "=", input.conversationId)
      .forUpdate()
      .executeTakeFirst();
    // Turned off meanwhile, already answered, or the customer wrote again (that message's own job answers all).
    if (!current?.bot_active || current.last_message_id !== lastMessageId) return null;
    if (decision.kind === "handoff") {
      const outcome = await handOff(trx, {
        orgId: input.orgId,
        conversationId: input.conversationId,
        reason: decision.reason,
        detail: decision.detail,
        locale,
        awayMessage: persona && !isTeamAvailable(persona) ? persona.awayMessage : null,
      });
      return { kind: "handoff" as const, ...outcome };
    }
    const message = await queueOutboundMessage(trx, { orgId: input.orgId, conversationId: input.conversationId, content: { type: "text", text: decision.text }, senderType: "ai" });
    const ai = { personaId: persona?.id ?? null, mode: decision.mode, confidence: decision.confidence, sources: decision.sources };
    await trx
      .updateTable("messages")
      .set({ content: sql`content || ${JSON.stringify({ ai })}::jsonb` })
      .where("id", "=", message.id)
      .execute();
    return { kind: "reply" as const, messageId: message.id };
  });
  if (!committed) return "skipped";
  if (committed.kind === "reply") {
    await publishMessageCreated(input.orgId, input.conversationId, committed.messageId);
    return "replied";
  }
  if (committed.customerMessageId) await publishMessageCreated(input.orgId, input.conversationId, committed.customerMessageId);
  if (committed.noteId) await publishMessageCreated(input.orgId, input.conversationId, committed.noteId);
  await publishConversationUpdated(input.orgId, input.conversationId);
  if (committed.assigneeId) await publishConversationAssigned(input.orgId, input.conversationId, committed.assigneeId);
  return "handed_off";
}
