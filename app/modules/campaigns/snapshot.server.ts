import { sql } from "kysely";
import { z } from "zod";
import type { Database } from "#db/index.js";
import { contactsMatching } from "../contacts/contact-filter.server";
import type { ContactFilter } from "../contacts/contact-filter";
import { normalizePhone } from "../contacts/phone.server";
import type { SkipReason } from "./campaign-types";

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("segment"), segmentId: z.uuid() }),
  z.object({ kind: z.literal("tags"), tagIds: z.array(z.uuid()).min(1).max(20), match: z.enum(["any", "all"]).default("any") }),
  z.object({ kind: z.literal("list") }),
]);
export type Audience = z.infer<typeof audienceSchema>;


export type SnapshotCounts = { recipients: number; skipped: number };

type Campaign = { id: string; orgId: string; audience: unknown };

/**
 * Writes the campaign's audience into campaign_recipients, one row per contact (unique), in the
 * caller's transaction. Contacts who cannot be sent to are recorded as skipped with the reason.
 * Running it twice adds nobody twice.
 */
export async function snapshotAudience(trx: Database, campaign: Campaign): Promise<SnapshotCounts> {
  const audience = audienceSchema.parse(campaign.audience);
  if (audience.kind === "list") await snapshotList(trx, campaign);
  else await snapshotContacts(trx, campaign, filterFor(audience));
  return countSnapshot(trx, campaign.id);
}

function filterFor(audience: Exclude<Audience, { kind: "list" }>): ContactFilter {
  if (audience.kind === "segment") return { segmentId: audience.segmentId };
  if (audience.kind === "tags") return { tagIds: audience.tagIds, tagMode: audience.match };
  return {};
}

async function snapshotContacts(trx: Database, campaign: Campaign, filter: ContactFilter) {
  const matching = (await contactsMatching(trx, campaign.orgId, filter)).select(["contacts.id", "contacts.phone", "contacts.opted_out"]).as("c");
  await trx
    .insertInto("campaign_recipients")
    .columns(["org_id", "campaign_id", "contact_id", "phone", "status", "skip_reason"])
    .expression(
      trx
        .selectFrom(matching)
        .select([
          sql.lit(campaign.orgId).as("org_id"),
          sql.lit(campaign.id).as("campaign_id"),
          "c.id",
          "c.phone",
          sql<string>`CASE WHEN c.opted_out OR c.phone IS NULL THEN 'skipped' ELSE 'pending' END`.as("status"),
          sql<string | null>`CASE WHEN c.opted_out THEN 'opted_out' WHEN c.phone IS NULL THEN 'no_phone' END`.as("skip_reason"),
        ]),
    )
    .onConflict((conflict) => conflict.constraint("campaign_recipients_campaign_contact_key").doNothing())
    .execute();
}

/**
 * An uploaded list: numbers normalized in the organization's country, matched to contacts (unknown
 * valid numbers become contacts); invalid and repeated numbers are recorded as skipped.
 */
async function snapshotList(trx: Database, campaign: Campaign) {
  const org = await trx.selectFrom("organizations").select("country").where("id", "=", campaign.orgId).executeTakeFirstOrThrow();
  const entries = await trx.selectFrom("campaign_list_entries").select(["row_number", "phone", "name"]).where("campaign_id", "=", campaign.id).orderBy("row_number").execute();
  const valid = new Map<string, string>();
  const skipped: Array<{ phone: string; reason: SkipReason }> = [];
  for (const entry of entries) {
    const normalized = normalizePhone(entry.phone, org.country);
    if (!normalized.ok) skipped.push({ phone: entry.phone.slice(0, 40), reason: normalized.reason === "empty" ? "no_phone" : "invalid_phone" });
    else if (valid.has(normalized.e164)) skipped.push({ phone: normalized.e164, reason: "duplicate_phone" });
    else valid.set(normalized.e164, (entry.name ?? "").trim().slice(0, 200));
  }
  const phones = [...valid.keys()];
  const names = [...valid.values()];
  if (phones.length) {
    await sql`
      INSERT INTO contacts (org_id, phone, name)
      SELECT ${campaign.orgId}::uuid, e.phone, e.name FROM unnest(${phones}::text[], ${names}::text[]) AS e(phone, name)
      ON CONFLICT (org_id, phone) WHERE phone IS NOT NULL DO NOTHING`.execute(trx);
    await sql`
      INSERT INTO campaign_recipients (org_id, campaign_id, contact_id, phone, status, skip_reason)
      SELECT ${campaign.orgId}::uuid, ${campaign.id}::uuid, c.id, c.phone,
        CASE WHEN c.opted_out OR c.erased_at IS NOT NULL THEN 'skipped' ELSE 'pending' END,
        CASE WHEN c.erased_at IS NOT NULL THEN 'erased' WHEN c.opted_out THEN 'opted_out' END
      FROM unnest(${phones}::text[]) AS e(phone)
      JOIN contacts c ON c.org_id = ${campaign.orgId}::uuid AND c.phone = e.phone
      ON CONFLICT ON CONSTRAINT campaign_recipients_campaign_contact_key DO NOTHING`.execute(trx);
  }
  // Contact-less rows (invalid or repeated numbers) do not collide on the unique key: insert them once.
  const already = await trx.selectFrom("campaign_recipients").select("id").where("campaign_id", "=", campaign.id).where("contact_id", "is", null).limit(1).executeTakeFirst();
  for (let at = 0; !already && at < skipped.length; at += 5_000) {
    await trx
      .insertInto("campaign_recipients")
      .values(skipped.slice(at, at + 5_000).map((row) => ({ org_id: campaign.orgId, campaign_id: campaign.id, contact_id: null, phone: row.phone, status: "skipped", skip_reason: row.reason })))
      .execute();
  }
}

async function countSnapshot(trx: Database, campaignId: string): Promise<SnapshotCounts> {
  const row = await trx
    .selectFrom("campaign_recipients")
    .select([
      sql<number>`count(*) FILTER (WHERE status = 'pending')::int`.as("recipients"),
      sql<number>`count(*) FILTER (WHERE status = 'skipped')::int`.as("skipped"),
    ])
    .where("campaign_id", "=", campaignId)
    .executeTakeFirstOrThrow();
  return { recipients: row.recipients, skipped: row.skipped };
}
