import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { processWebhookEvent } from "~/modules/inbox/webhook-events.server";

const payloadSchema = z.object({ webhookEventId: z.coerce.number().int().positive() });

/** Applies one stored provider event (contact, conversation, message, status); idempotent. */
export const webhookEventProcess: Task = async (payload) => {
  const { webhookEventId } = payloadSchema.parse(payload);
  await processWebhookEvent(getDb(), webhookEventId);
};
