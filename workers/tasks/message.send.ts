import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { sendQueuedMessage } from "~/modules/inbox/outbound.server";

const payloadSchema = z.object({ messageId: z.uuid() });

/** One provider call for a queued message; a retryable failure throws so graphile-worker backs off. */
export const messageSend: Task = async (payload, helpers) => {
  const { messageId } = payloadSchema.parse(payload);
  await sendQueuedMessage(getDb(), messageId, { attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
};
