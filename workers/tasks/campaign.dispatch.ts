import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { runDispatchSlice } from "~/modules/campaigns/dispatch.server";
import { enqueueDispatch } from "~/modules/campaigns/jobs.server";

const payloadSchema = z.object({ campaignId: z.uuid() });

/**
 * One bounded slice of a campaign's sending; it hands over to a fresh job (same key) so a restart,
 * a deploy or another worker picks up where it stopped. Quiet hours, daily caps and retry backoff
 * come back as a later run_at.
 */
export const campaignDispatch: Task = async (payload) => {
  const { campaignId } = payloadSchema.parse(payload);
  const db = getDb();
  const { outcome } = await runDispatchSlice(db, campaignId);
  if (outcome.kind === "again") await enqueueDispatch(db, campaignId);
  else if (outcome.kind === "later") await enqueueDispatch(db, campaignId, { runAt: outcome.at });
};
