import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { runTemplateSyncJob } from "~/modules/templates/template-sync.server";

const payloadSchema = z.object({ orgId: z.uuid(), connectionId: z.uuid() });

/** Mirrors every page of the connection's Meta templates; queued per connection by "sync now" and template webhooks. */
export const templatesSync: Task = async (payload, helpers) => {
  const { orgId, connectionId } = payloadSchema.parse(payload);
  const result = await runTemplateSyncJob(getDb(), { orgId, connectionId, attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
  if (result) helpers.logger.info(`synced ${result.fetched} templates over ${result.pages} pages, removed ${result.removed}`);
};
