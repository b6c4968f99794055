import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { type CampaignStatus, isCampaignStatus } from "./campaign-types";

export const CAMPAIGNS_PAGE_SIZE = 25;

export type CampaignListItem = {
  id: string;
  name: string;
  status: CampaignStatus;
  connectionName: string | null;
  scheduledAt: string | null;
  createdAt: string;
  stats: { total: number; sent: number; delivered: number; read: number; failed: number; replied: number };
};

/** Newest first, keyset by (created_at, id); `before` is the last id of the previous page. */
export async function listCampaigns(db: Database, orgId: string, options: { before?: string } = {}): Promise<{ campaigns: CampaignListItem[]; nextBefore: string | null }> {
  let query = db
    .selectFrom("campaigns")
    .leftJoin("channel_connections", (join) => join.onRef("channel_connections.id", "=", "campaigns.connection_id").on("channel_connections.org_id", "=", orgId))
    .select(["campaigns.id", "campaigns.name", "campaigns.status", "campaigns.scheduled_at", "campaigns.created_at", "channel_connections.name as connection_name"])
    .where("campaigns.org_id", "=", orgId);
  if (options.before) {
    const cursor = await db.selectFrom("campaigns").select(["created_at", "id"]).where("org_id", "=", orgId).where("id", "=", options.before).executeTakeFirst();
    if (cursor) query = query.where(sql<boolean>`(campaigns.created_at, campaigns.id) < (${cursor.created_at}, ${cursor.id})`);
  }
  const rows = await query.orderBy("campaigns.created_at", "desc").orderBy("campaigns.id", "desc").limit(CAMPAIGNS_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, CAMPAIGNS_PAGE_SIZE);
  const stats = await statsFor(
    db,
    orgId,
    page.map((row) => row.id),
  );
  return {
    campaigns: page.map((row) => ({
      id: row.id,
      name: row.name,
      status: isCampaignStatus(row.status) ? row.status : "draft",
      connectionName: row.connection_name ?? null,
      scheduledAt: row.scheduled_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      stats: stats.get(row.id) ?? { total: 0, sent: 0, delivered: 0, read: 0, failed: 0, replied: 0 },
    })),
    nextBefore: rows.length > CAMPAIGNS_PAGE_SIZE ? page.at(-1)!.id : null,
  };
}

/** One grouped scan of the page's recipients (the campaign/status index keeps it narrow). */
async function statsFor(db: Database, orgId: string, campaignIds: string[]) {
  const stats = new Map<string, CampaignListItem["stats"]>();
  if (campaignIds.length === 0) return stats;
  const rows = await db
    .selectFrom("campaign_recipients")
    .select([
      "campaign_id",
      sql<string>`count(*)`.as("total"),
      sql<string>`count(*) filter (where status in ('sent', 'delivered', 'read'))`.as("sent"),
      sql<string>`count(*) filter (where status in ('delivered', 'read'))`.as("delivered"),
      sql<string>`count(*) filter (where status = 'read')`.as("read"),
      sql<string>`count(*) filter (where status = 'failed')`.as("failed"),
      sql<string>`count(*) filter (where replied_at is not null)`.as("replied"),
    ])
    .where("org_id", "=", orgId)
    .where("campaign_id", "in", campaignIds)
    .groupBy("campaign_id")
    .execute();
  for (const row of rows) {
    stats.set(row.campaign_id, {
      total: Number(row.total),
      sent: Number(row.sent),
      delivered: Number(row.delivered),
      read: Number(row.read),
      failed: Number(row.failed),
      replied: Number(row.replied),
    });
  }
  return stats;
}
