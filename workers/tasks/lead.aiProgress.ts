import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { progressLead } from "~/modules/ai/leads/progress.server";

const payloadSchema = z.object({ orgId: z.uuid(), leadId: z.uuid(), conversationId: z.uuid() });

/** Classifies where an open lead stands after its conversation moved on, and moves it when sure enough. */
export const leadAiProgress: Task = async (payload) => {
  const { orgId, leadId, conversationId } = payloadSchema.parse(payload);
  await progressLead(getDb(), { orgId, leadId, conversationId });
};
