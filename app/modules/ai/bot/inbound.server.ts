import type { Database } from "#db/index.js";
import type { InboundMessageFacts } from "../../inbox/inbound-hooks.server";
import { scheduleLeadProgress } from "../leads/progress.server";
import { botReplyDelay, scheduleBotReply } from "./bot-reply.server";

/**
 * The AI's part of storing a customer message (in that transaction): schedule the bot's debounced
 * answer when the bot is on, and a look at where the contact's open leads stand. An opt-out or
 * opt-in keyword is answered by the platform itself, never by the bot.
 */
export async function afterInboundMessageForAi(trx: Database, facts: InboundMessageFacts): Promise<void> {
  if (facts.optDirection) return;
  const delaySeconds = await botReplyDelay(trx, facts.orgId, facts.conversationId);
  if (delaySeconds !== null) await scheduleBotReply(trx, { orgId: facts.orgId, conversationId: facts.conversationId, delaySeconds });
  await scheduleLeadProgress(trx, { orgId: facts.orgId, contactId: facts.contactId, conversationId: facts.conversationId });
}
