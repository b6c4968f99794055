import { type ExpressionBuilder, sql } from "kysely";
import type { Database, DB } from "#db/index.js";
import type { DeliveryStatus } from "../channels/types";
import { publishProgressThrottled } from "./progress.server";

/**
 * What inbound messages and delivery statuses mean for campaigns, called from the inbox's hooks inside
 * the transaction that stores them: statuses follow the recipient through delivered/read/failed, a
 * reply within the campaign's window is attributed to the latest campaign that reached the contact,
 * and an opt-out stops every campaign still waiting to reach them.
 */

/** Live events prompt a refetch, so they go out shortly after the caller's transaction commits. */
function publishSoon(rows: Array<{ org_id: string; campaign_id: string }>) {
  for (const row of rows) setTimeout(() => void publishProgressThrottled(row.org_id, row.campaign_id), 250).unref();
}

export async function followCampaignStatus(trx: Database, facts: { orgId: string; messageId: string; status: DeliveryStatus; at: Date; errorCode: string | null }): Promise<void> {
  if (facts.status !== "delivered" && facts.status !== "read" && facts.status !== "failed") return;
  const from = facts.status === "delivered" ? ["sent"] : ["sent", "delivered"];
  const rows = await trx
    .updateTable("campaign_recipients")
    .set({
      status: facts.status,
      ...(facts.status === "failed"
        ? { failed_at: facts.at, error_code: facts.errorCode ?? "failed", retryable: false }
        : { delivered_at: sql`coalesce(delivered_at, ${facts.at})`, ...(facts.status === "read" ? { read_at: sql`coalesce(read_at, ${facts.at})` } : {}) }),
    })
    .where("message_id", "=", facts.messageId)
    .where("org_id", "=", facts.orgId)
    .where("status", "in", from)
    .returning(["org_id", "campaign_id"])
    .execute();
  publishSoon(rows);
}

/** Pending rows of the contact in every campaign become cancelled; the latest campaign that reached them notes the opt-out. */
export async function stopCampaignsForOptOut(trx: Database, input: { orgId: string; contactId: string; at: Date }): Promise<void> {
  const cancelled = await trx
    .updateTable("campaign_recipients")
    .set({ status: "cancelled", opted_out_at: input.at, claimed_by: null })
    .where("org_id", "=", input.orgId)
    .where("contact_id", "=", input.contactId)
    .where("status", "=", "pending")
    .returning(["org_id", "campaign_id"])
    .execute();
  const reached = await trx
    .updateTable("campaign_recipients")
    .set({ opted_out_at: input.at })
    .where("id", "=", (eb) => latestReached(eb, input))
    .where("opted_out_at", "is", null)
    .returning(["org_id", "campaign_id"])
    .execute();
  publishSoon([...cancelled, ...reached]);
}

/** The latest campaign send to this contact whose reply window still covers `at`. */
function latestReached(eb: ExpressionBuilder<DB, "campaign_recipients">, input: { orgId: string; contactId: string; at: Date }) {
  return eb
    .selectFrom("campaign_recipients as r")
    .innerJoin("campaigns as c", "c.id", "r.campaign_id")
    .select("r.id")
    .where("r.contact_id", "=", input.contactId)
    .where("r.org_id", "=", input.orgId)
    .where("r.sent_at", "is not", null)
    .where("r.sent_at", "<=", input.at)
    .where(sql<boolean>`r.sent_at > ${input.at}::timestamptz - make_interval(hours => c.reply_window_hours)`)
    .orderBy("r.sent_at", "desc")
    .limit(1);
}

export async function attributeCampaignReply(trx: Database, input: { orgId: string; contactId: string; at: Date }): Promise<void> {
  const rows = await trx
    .updateTable("campaign_recipients")
    .set({ replied_at: input.at })
    .where("id", "=", (eb) => latestReached(eb, input))
    .where("replied_at", "is", null)
    .returning(["org_id", "campaign_id"])
    .execute();
  publishSoon(rows);
}
