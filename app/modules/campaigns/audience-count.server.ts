import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { ContactFilter } from "../contacts/contact-filter";
import { contactsMatching, SegmentNotFoundError } from "../contacts/contact-filter.server";
import type { CampaignAudience } from "./campaign-types";

const E164 = /^\+[1-9]\d{6,14}$/;

export type AudienceCount = {
  /** Contacts (or list lines) the audience names, before exclusions. */
  total: number;
  /** Who would receive the message if it started now. */
  eligible: number;
  excluded: { optedOut: number; noPhone: number; invalidPhone: number; duplicatePhone: number; erased: number };
};

const EMPTY_COUNT: AudienceCount = { total: 0, eligible: 0, excluded: { optedOut: 0, noPhone: 0, invalidPhone: 0, duplicatePhone: 0, erased: 0 } };

export function audienceFilter(audience: Exclude<CampaignAudience, { kind: "list" }>): ContactFilter {
  if (audience.kind === "segment") return { segmentId: audience.segmentId };
  if (audience.kind === "tags") return { tagIds: audience.tagIds, tagMode: audience.match };
  return {};
}

async function countFilterAudience(db: Database, orgId: string, filter: ContactFilter): Promise<AudienceCount> {
  const matches = (await contactsMatching(db, orgId, filter)).select(["contacts.opted_out", "contacts.phone"]).as("matches");
  const row = await db
    .selectFrom(matches)
    .select([
      sql<string>`count(*)`.as("total"),
      sql<string>`count(*) filter (where matches.opted_out)`.as("opted_out"),
      sql<string>`count(*) filter (where not matches.opted_out and matches.phone is null)`.as("no_phone"),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const optedOut = Number(row.opted_out);
  const noPhone = Number(row.no_phone);
  // Phones are unique per organization, so a filter audience has no duplicates; erased contacts never match.
  return { total, eligible: total - optedOut - noPhone, excluded: { optedOut, noPhone, invalidPhone: 0, duplicatePhone: 0, erased: 0 } };
}

/** A list's lines: invalid numbers, repeats, then the known contacts who opted out or were erased. */
async function countListAudience(db: Database, orgId: string, phones: readonly string[]): Promise<AudienceCount> {
  const valid = phones.filter((phone) => E164.test(phone));
  const unique = [...new Set(valid)];
  const invalidPhone = phones.length - valid.length;
  const duplicatePhone = valid.length - unique.length;
  let optedOut = 0;
  let erased = 0;
  for (let start = 0; start < unique.length; start += 5_000) {
    const chunk = unique.slice(start, start + 5_000);
    const row = await db
      .selectFrom("contacts")
      .select([
        sql<string>`count(*) filter (where erased_at is null and opted_out)`.as("opted_out"),
        sql<string>`count(*) filter (where erased_at is not null)`.as("erased"),
      ])
      .where("org_id", "=", orgId)
      .where("phone", "in", chunk)
      .executeTakeFirstOrThrow();
    optedOut += Number(row.opted_out);
    erased += Number(row.erased);
  }
  return {
    total: phones.length,
    eligible: unique.length - optedOut - erased,
    excluded: { optedOut, noPhone: 0, invalidPhone, duplicatePhone, erased },
  };
}

/** The live count beside the audience picker; `listPhones` are the list's lines (saved or just submitted). */
export async function countAudience(db: Database, orgId: string, audience: CampaignAudience, listPhones: readonly string[] = []): Promise<AudienceCount> {
  if (audience.kind === "list") return countListAudience(db, orgId, listPhones);
  try {
    return await countFilterAudience(db, orgId, audienceFilter(audience));
  } catch (error) {
    // A draft whose segment was deleted since: nobody, until another audience is picked.
    if (error instanceof SegmentNotFoundError) return EMPTY_COUNT;
    throw error;
  }
}
