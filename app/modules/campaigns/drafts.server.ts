import { z } from "zod";
import type { Database } from "#db/index.js";
import { recordAudit } from "../audit/audit.server";
import type { ChannelKind } from "../channels/types";
import {
  asAudience,
  asMessage,
  asPacing,
  asQuietHours,
  type CampaignAudience,
  type CampaignMessage,
  type CampaignPacing,
  type CampaignStatus,
  isCampaignStatus,
  type QuietHours,
} from "./campaign-types";
import { defaultPacing } from "./pacing";

export type Campaign = {
  id: string;
  name: string;
  status: CampaignStatus;
  connectionId: string | null;
  connectionKind: ChannelKind | null;
  connectionName: string | null;
  audience: CampaignAudience;
  message: CampaignMessage;
  scheduledAt: Date | null;
  pacing: CampaignPacing;
  quietHours: QuietHours | null;
  pauseReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  pausedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
};

/** What the builder writes; everything else belongs to the campaign's lifecycle. */
export type CampaignDraft = {
  name: string;
  connectionId: string | null;
  audience: CampaignAudience;
  message: CampaignMessage;
  scheduledAt: Date | null;
  pacing: CampaignPacing;
  quietHours: QuietHours | null;
};

const uuid = z.uuid();

/** A route param that is not a uuid is simply not found (never a Postgres cast error). */
export function isCampaignId(value: string | undefined): value is string {
  return uuid.safeParse(value).success;
}

export async function findCampaign(db: Database, orgId: string, campaignId: string): Promise<Campaign | null> {
  if (!isCampaignId(campaignId)) return null;
  const row = await db
    .selectFrom("campaigns")
    .leftJoin("channel_connections", (join) => join.onRef("channel_connections.id", "=", "campaigns.connection_id").on("channel_connections.org_id", "=", orgId))
    .selectAll("campaigns")
    .select(["channel_connections.kind as connection_kind", "channel_connections.name as connection_name"])
    .where("campaigns.org_id", "=", orgId)
    .where("campaigns.id", "=", campaignId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    status: isCampaignStatus(row.status) ? row.status : "draft",
    connectionId: row.connection_id,
    connectionKind: (row.connection_kind as ChannelKind | null) ?? null,
    connectionName: row.connection_name ?? null,
    audience: asAudience(row.audience),
    message: asMessage(row.message),
    scheduledAt: row.scheduled_at,
    pacing: asPacing(row.pacing),
    quietHours: asQuietHours(row.quiet_hours),
    pauseReason: row.pause_reason,
    createdAt: row.created_at,
    startedAt: row.started_at,
    pausedAt: row.paused_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
  };
}

export async function createDraft(
  db: Database,
  input: { orgId: string; userId: string; name: string; connection: { id: string; kind: ChannelKind } | null },
): Promise<string> {
  const row = await db
    .insertInto("campaigns")
    .values({
      org_id: input.orgId,
      name: input.name,
      connection_id: input.connection?.id ?? null,
      pacing: JSON.stringify(input.connection ? defaultPacing(input.connection.kind) : {}),
      created_by: input.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, { orgId: input.orgId, actor: { type: "user", id: input.userId }, action: "campaign.created", target: { type: "campaign", id: row.id }, metadata: { name: input.name } });
  return row.id;
}

/** Saves the builder's choices; false when the campaign is no longer a draft (someone started it meanwhile). */
export async function saveDraft(db: Database, orgId: string, campaignId: string, draft: CampaignDraft): Promise<boolean> {
  const result = await db
    .updateTable("campaigns")
    .set({
      name: draft.name,
      connection_id: draft.connectionId,
      audience: JSON.stringify(draft.audience),
      message: JSON.stringify(draft.message),
      scheduled_at: draft.scheduledAt,
      pacing: JSON.stringify(draft.pacing),
      quiet_hours: draft.quietHours ? JSON.stringify(draft.quietHours) : null,
      updated_at: new Date(),
    })
    .where("org_id", "=", orgId)
    .where("id", "=", campaignId)
    .where("status", "=", "draft")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDraft(db: Database, orgId: string, campaignId: string, actorId: string): Promise<boolean> {
  const result = await db.deleteFrom("campaigns").where("org_id", "=", orgId).where("id", "=", campaignId).where("status", "=", "draft").executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await recordAudit(db, { orgId, actor: { type: "user", id: actorId }, action: "campaign.deleted", target: { type: "campaign", id: campaignId } });
  return true;
}
