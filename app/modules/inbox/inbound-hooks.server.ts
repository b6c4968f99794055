import type { Database } from "#db/index.js";
import { afterInboundMessageForAi } from "../ai/bot/inbound.server";
import { exitOnReply } from "../cadences/enrollments.server";
import { attributeCampaignReply, followCampaignStatus, stopCampaignsForOptOut } from "../campaigns/attribution.server";
import type { DeliveryStatus } from "../channels/types";

/**
 * What else happens when a customer writes or a send changes status, run inside the transaction that
 * stores it so nothing is lost between the two. Each domain (campaigns, cadences, the AI bot) adds
 * its one call here instead of editing ingest; keep each call small and enqueue slow work as a job.
 */

export type InboundMessageFacts = {
  orgId: string;
  connectionId: string;
  conversationId: string;
  contactId: string;
  messageId: string;
  receivedAt: Date;
  /** Set when the message was an opt-out/opt-in keyword that flipped the contact. */
  optDirection: "out" | "in" | null;
};

export async function afterInboundMessage(trx: Database, facts: InboundMessageFacts): Promise<void> {
  // Campaigns: an opt-out stops every pending send to the contact; any other message is a reply to the latest campaign.
  if (facts.optDirection === "out") await stopCampaignsForOptOut(trx, { orgId: facts.orgId, contactId: facts.contactId, at: facts.receivedAt });
  else await attributeCampaignReply(trx, { orgId: facts.orgId, contactId: facts.contactId, at: facts.receivedAt });
  // Cadences that stop on a reply stop (an opt-out keyword already ended every enrollment).
  await exitOnReply(trx, facts.orgId, facts.contactId);
  // The bot's debounced answer (when on) and AI lead progression.
  await afterInboundMessageForAi(trx, facts);
}

export type OutboundStatusFacts = { orgId: string; messageId: string; status: DeliveryStatus; at: Date; errorCode: string | null };

export async function afterOutboundStatus(trx: Database, facts: OutboundStatusFacts): Promise<void> {
  // A campaign recipient follows its message through delivered, read or failed.
  await followCampaignStatus(trx, facts);
}
