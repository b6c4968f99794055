import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { runBotReply } from "~/modules/ai/bot/bot-reply.server";

const payloadSchema = z.object({ orgId: z.uuid(), conversationId: z.uuid() });

/** The bot answers a conversation's unanswered customer messages, or hands off to a person. */
export const aiReply: Task = async (payload) => {
  const { orgId, conversationId } = payloadSchema.parse(payload);
  await runBotReply(getDb(), { orgId, conversationId });
};
