import type { Task } from "graphile-worker";
import { getDb } from "~/lib/db.server";
import { sweepCampaigns } from "~/modules/campaigns/recovery.server";

/** Every minute: a running campaign whose dispatcher died with its worker gets a fresh dispatch job. */
export const campaignSweep: Task = async () => {
  await sweepCampaigns(getDb());
};
