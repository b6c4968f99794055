import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { publishCampaignProgress } from "./lifecycle.server";

export type CampaignProgress = {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Recipients who answered within the campaign's reply window. */
  replied: number;
  /** Recipients who opted out after the campaign reached them (or while it ran). */
  optedOut: number;
};

/**
 * Counted from the recipient rows every time, so the figures are right after any restart. `sent`
 * counts rows whose latest state is sent (delivered and read are counted on their own).
 */
export async function campaignProgress(db: Database, orgId: string, campaignId: string): Promise<CampaignProgress> {
  const count = (condition: string) => sql<number>`count(*) FILTER (WHERE ${sql.raw(condition)})::int`;
  const row = await db
    .selectFrom("campaign_recipients")
    .select([
      sql<number>`count(*)::int`.as("total"),
      count("status = 'pending'").as("pending"),
      count("status = 'sending'").as("sending"),
      count("status = 'sent'").as("sent"),
      count("status = 'delivered'").as("delivered"),
      count("status = 'read'").as("read"),
      count("status = 'failed'").as("failed"),
      count("status = 'skipped'").as("skipped"),
      count("status = 'cancelled'").as("cancelled"),
      count("replied_at IS NOT NULL").as("replied"),
      count("opted_out_at IS NOT NULL").as("optedOut"),
    ])
    .where("org_id", "=", orgId)
    .where("campaign_id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return row;
}

const PROGRESS_EVENT_INTERVAL_MS = 1_000;
const lastPublished = new Map<string, number>();

/** At most one campaign.progress event a second per campaign from this process; browsers refetch the counts. */
export async function publishProgressThrottled(orgId: string, campaignId: string, options: { force?: boolean } = {}): Promise<void> {
  const now = Date.now();
  if (!options.force && now - (lastPublished.get(campaignId) ?? 0) < PROGRESS_EVENT_INTERVAL_MS) return;
  lastPublished.set(campaignId, now);
  if (lastPublished.size > 1_000) lastPublished.clear();
  await publishCampaignProgress(orgId, campaignId);
}
