import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { reembedKnowledgeBase } from "~/modules/ai/knowledge/reembed.server";

const payloadSchema = z.object({ knowledgeBaseId: z.uuid() });

/** Re-embeds a knowledge base's chunks with its current model, resuming where a previous run stopped. */
export const knowledgeBaseReembed: Task = async (payload, helpers) => {
  const { knowledgeBaseId } = payloadSchema.parse(payload);
  const { reembedded } = await reembedKnowledgeBase(getDb(), knowledgeBaseId);
  helpers.logger.info(`knowledge base ${knowledgeBaseId}: ${reembedded} chunks re-embedded`);
};
