import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { ingestDocument } from "~/modules/ai/knowledge/ingest.server";

const payloadSchema = z.object({ documentId: z.uuid() });

/** Extracts, chunks and embeds one knowledge-base document; running it again redoes the same work. */
export const kbDocumentEmbed: Task = async (payload, helpers) => {
  const { documentId } = payloadSchema.parse(payload);
  const outcome = await ingestDocument(getDb(), documentId, { finalAttempt: helpers.job.attempts >= helpers.job.max_attempts });
  helpers.logger.info(`kb document ${documentId}: ${outcome}`);
};
