import type { Database } from "#db/index.js";
import { contactsMatching, SegmentNotFoundError } from "../contacts/contact-filter.server";
import { renderTemplate } from "../inbox/templates.server";
import { audienceFilter } from "./audience-count.server";
import type { CampaignAudience, CampaignMessage } from "./campaign-types";
import { renderMessage, type RenderContact, templateBodyParameters } from "./render";
import type { BuilderTemplate } from "./builder-options.server";

export type SampleContact = RenderContact & { id: string | null };

const SAMPLE_SIZE = 5;

function toSample(row: { id: string; name: string; phone: string | null; email: string | null; attributes: unknown }): SampleContact {
  const attributes = row.attributes && typeof row.attributes === "object" ? (row.attributes as Record<string, unknown>) : {};
  return { id: row.id, name: row.name || null, phone: row.phone, email: row.email, attributes };
}

/** A few contacts of the audience to preview the message with (the first ones who would receive it). */
export async function sampleContacts(db: Database, orgId: string, campaignId: string, audience: CampaignAudience): Promise<SampleContact[]> {
  if (audience.kind === "list") {
    const rows = await db
      .selectFrom("campaign_list_entries")
      .leftJoin("contacts", (join) => join.onRef("contacts.phone", "=", "campaign_list_entries.phone").on("contacts.org_id", "=", orgId).on("contacts.erased_at", "is", null))
      .select(["campaign_list_entries.phone", "campaign_list_entries.name as list_name", "contacts.id", "contacts.name", "contacts.email", "contacts.attributes"])
      .where("campaign_list_entries.campaign_id", "=", campaignId)
      .orderBy("campaign_list_entries.row_number")
      .limit(SAMPLE_SIZE)
      .execute();
    return rows.map((row) =>
      row.id
        ? toSample({ id: row.id, name: row.name ?? "", phone: row.phone, email: row.email, attributes: row.attributes })
        : { id: null, name: row.list_name, phone: row.phone, email: null, attributes: {} },
    );
  }
  const matching = await contactsMatching(db, orgId, audienceFilter(audience)).catch((error: unknown) => {
    if (error instanceof SegmentNotFoundError) return null;
    throw error;
  });
  if (!matching) return [];
  const rows = await matching
    .select(["contacts.id", "contacts.name", "contacts.phone", "contacts.email", "contacts.attributes"])
    .where("contacts.opted_out", "=", false)
    .where("contacts.phone", "is not", null)
    .orderBy("contacts.created_at")
    .orderBy("contacts.id")
    .limit(SAMPLE_SIZE)
    .execute();
  return rows.map(toSample);
}

export const PREVIEW_CONTACT: SampleContact = { id: null, name: "Maria Silva", phone: "+5511987654321", email: "maria@example.com", attributes: {} };

/** The message as this contact would read it; `seed` picks the spintax variant. */
export function previewText(message: CampaignMessage, contact: RenderContact, templates: readonly BuilderTemplate[], knownKeys: readonly string[], seed: string | number = 1): string {
  if (message.type === "text") return renderMessage(message.text, contact, { seed, knownKeys });
  const template = templates.find((candidate) => candidate.id === message.templateId);
  if (!template) return "";
  return renderTemplate(template.bodyText, templateBodyParameters(message.variables, contact));
}
