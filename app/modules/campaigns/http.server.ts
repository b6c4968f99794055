import type { Database } from "#db/index.js";
import { forbidden, notFound, requireOrg } from "../auth/guards.server";
import { permissions } from "../orgs/roles";
import { type Campaign, findCampaign } from "./drafts.server";

// Small pieces every campaigns route repeats.

/** Owners and admins build and control campaigns; agents and viewers only watch them. */
export async function requireCampaignManager(request: Request) {
  const context = await requireOrg(request);
  if (!permissions.manageCampaigns(context.role)) forbidden("Only owners and admins can create or control campaigns.");
  return context;
}

/** The organization's campaign named by the URL, or a 404 (any other org's id, or not a uuid). */
export async function requireCampaign(db: Database, orgId: string, campaignId: string | undefined): Promise<Campaign> {
  const campaign = campaignId ? await findCampaign(db, orgId, campaignId) : null;
  if (!campaign) notFound("Campaign not found");
  return campaign;
}
