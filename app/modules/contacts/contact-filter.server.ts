import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { Database, DB } from "#db/index.js";
import { type ContactFilter, type CustomFieldCondition, type SavedFilter, savedFilterSchema } from "./contact-filter";
import { type CustomFieldType, isCustomFieldType } from "./custom-fields";

/** Thrown when a filter names a segment that is not in the organization (deleted, or another tenant's). */
export class SegmentNotFoundError extends Error {
  constructor(readonly segmentId: string) {
    super(`Segment ${segmentId} not found`);
    this.name = "SegmentNotFoundError";
  }
}

export type ContactsQuery = SelectQueryBuilder<DB, "contacts", object>;

type ResolvedFilter = {
  /** The filter itself plus, when it names a segment, the segment's saved filter (ANDed). */
  parts: SavedFilter[];
  /** Current type of each custom field the filter mentions; a condition on a missing field matches nothing. */
  fieldTypes: Map<string, CustomFieldType>;
  /** A stored filter that no longer parses must select no one rather than everyone. */
  matchesNothing: boolean;
};

async function resolveFilter(db: Database, orgId: string, filter: ContactFilter): Promise<ResolvedFilter> {
  const { segmentId, ...own } = filter;
  const parts: SavedFilter[] = [own];
  if (segmentId) {
    const segment = await db.selectFrom("segments").select("filter").where("org_id", "=", orgId).where("id", "=", segmentId).executeTakeFirst();
    if (!segment) throw new SegmentNotFoundError(segmentId);
    // Saved filters cannot name a segment (savedFilterSchema has no segmentId), so this never recurses.
    const saved = savedFilterSchema.safeParse(segment.filter);
    if (!saved.success) return { parts, fieldTypes: new Map(), matchesNothing: true };
    parts.push(saved.data);
  }
  const keys = [...new Set(parts.flatMap((part) => part.custom ?? []).map((condition) => condition.key))];
  const fieldTypes = new Map<string, CustomFieldType>();
  if (keys.length) {
    const fields = await db.selectFrom("custom_fields").select(["key", "type"]).where("org_id", "=", orgId).where("key", "in", keys).execute();
    for (const field of fields) if (isCustomFieldType(field.type)) fieldTypes.set(field.key, field.type);
  }
  return { parts, fieldTypes, matchesNothing: false };
}

/** Search words: a phone-looking query ("(11) 98765-4321") becomes its digits, anything else lower-cased words. */
export function searchTerms(search: string): string[] {
  const trimmed = search.trim();
  if (/^[\d\s().+-]+$/.test(trimmed) && /\d/.test(trimmed)) return [trimmed.replace(/\D/g, "")];
  return foldAccents(trimmed.toLowerCase()).split(/\s+/).filter(Boolean);
}

// Exactly the folding of the contacts.search_text column (migration 20261125230000), so both sides agree.
const FOLD_FROM = "áàâãäåéèêëíìîïóòôõöúùûüçñýÿ";
const FOLD_TO = "aaaaaaeeeeiiiiooooouuuucnyy";
const FOLD = new Map([...FOLD_FROM].map((character, index) => [character, FOLD_TO[index]!]));

function foldAccents(text: string): string {
  return [...text.normalize("NFC")].map((character) => FOLD.get(character) ?? character).join("");
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (character) => `\\${character}`);

type Eb = ExpressionBuilder<DB, "contacts">;

function hasTag(eb: Eb, tagIds: string[]) {
  return eb.exists(eb.selectFrom("contact_tags").select(sql.lit(1).as("one")).whereRef("contact_tags.contact_id", "=", "contacts.id").where("contact_tags.tag_id", "in", tagIds));
}

type Attributes = ReturnType<typeof sql.ref>;
const contains = (attributes: Attributes, value: Record<string, unknown>) => sql<SqlBool>`${attributes} @> ${JSON.stringify(value)}::jsonb`;

/** Conditions the GIN index on attributes can answer (containment); the others are checked row by row. */
function usesAttributesIndex(condition: CustomFieldCondition): boolean {
  return condition.type === "select" || (condition.type === "number" && condition.op === "eq") || (condition.type === "date" && condition.op === "on");
}

function customCondition(condition: CustomFieldCondition, fieldTypes: Map<string, CustomFieldType>, attributes: Attributes): Expression<SqlBool> {
  if (fieldTypes.get(condition.key) !== condition.type) return sql<SqlBool>`false`;
  const { key } = condition;
  const text = sql<string>`(${attributes} ->> ${key})`;
  switch (condition.type) {
    case "text":
      if (condition.op === "is_set") return sql<SqlBool>`coalesce(${text}, '') <> ''`;
      if (condition.op === "eq") return sql<SqlBool>`lower(${text}) = lower(${condition.value ?? ""})`;
      return sql<SqlBool>`${text} ilike ${`%${escapeLike(condition.value ?? "")}%`}`;
    case "number": {
      if (condition.op === "eq") return contains(attributes, { [key]: condition.value });
      // Guarded cast: a stray non-number value must not turn a filter into a SQL error.
      const number = sql`(case when jsonb_typeof(${attributes} -> ${key}) = 'number' then ${text}::numeric end)`;
      return condition.op === "gt" ? sql<SqlBool>`${number} > ${condition.value}` : sql<SqlBool>`${number} < ${condition.value}`;
    }
    case "date": {
      if (condition.op === "on") return contains(attributes, { [key]: condition.value });
      const date = sql`(case when ${text} ~ '^\\d{4}-\\d{2}-\\d{2}$' then ${text} end) collate "C"`;
      return condition.op === "before" ? sql<SqlBool>`${date} < ${condition.value}` : sql<SqlBool>`${date} > ${condition.value}`;
    }
    case "select":
      return sql<SqlBool>`(${sql.join(
        condition.value.map((value) => contains(attributes, { [key]: value })),
        sql` or `,
      )})`;
  }
}

const CONTACT_ATTRIBUTES = sql.ref("contacts.attributes");

/** `custom: "indexed"` leaves out the conditions checked row by row, for counts to apply after a fence. */
function applySavedFilter<O>(
  query: SelectQueryBuilder<DB, "contacts", O>,
  orgId: string,
  filter: SavedFilter,
  fieldTypes: Map<string, CustomFieldType>,
  custom: "all" | "indexed",
) {
  let next = query;
  for (const term of filter.search ? searchTerms(filter.search) : []) {
    next = next.where("contacts.search_text", "like", `%${escapeLike(term)}%`);
  }
  const tagIds = filter.tagIds ?? [];
  if (tagIds.length) {
    if (filter.tagMode === "all") for (const tagId of tagIds) next = next.where((eb) => hasTag(eb, [tagId]));
    else next = next.where((eb) => hasTag(eb, tagIds));
  }
  if (filter.excludeTagIds?.length) {
    const excluded = filter.excludeTagIds;
    next = next.where((eb) => eb.not(hasTag(eb, excluded)));
  }
  if (filter.optedOut !== undefined) next = next.where("contacts.opted_out", "=", filter.optedOut);
  // Calendar days are the organization's, so "created on the 1st" means its local midnight to midnight.
  const orgZone = sql`(select organizations.timezone from organizations where organizations.id = ${orgId})`;
  if (filter.createdFrom) next = next.where("contacts.created_at", ">=", sql<Date>`(${filter.createdFrom}::date::timestamp at time zone ${orgZone})`);
  if (filter.createdTo) next = next.where("contacts.created_at", "<", sql<Date>`((${filter.createdTo}::date + 1)::timestamp at time zone ${orgZone})`);
  for (const condition of filter.custom ?? []) {
    if (custom === "all" || usesAttributesIndex(condition)) next = next.where(customCondition(condition, fieldTypes, CONTACT_ATTRIBUTES));
  }
  return next;
}

function baseQuery(db: Database, orgId: string, resolved: ResolvedFilter, custom: "all" | "indexed"): ContactsQuery {
  let query: ContactsQuery = db.selectFrom("contacts").where("contacts.org_id", "=", orgId).where("contacts.erased_at", "is", null);
  if (resolved.matchesNothing) return query.where(sql<SqlBool>`false`);
  for (const part of resolved.parts) query = applySavedFilter(query, orgId, part, resolved.fieldTypes, custom);
  return query;
}

/**
 * Every live (not erased) contact of the organization that matches `filter`, as a query to select
 * from: `(await contactsMatching(db, orgId, filter)).select(["contacts.id"])`. This is the one place
 * audiences are defined; campaigns and cadences reach segments through it. Opt-out is a filter like
 * any other: senders must add `optedOut: false` (or check it) themselves.
 * Throws SegmentNotFoundError when `filter.segmentId` is not one of the organization's segments.
 */
export async function contactsMatching(db: Database, orgId: string, filter: ContactFilter): Promise<ContactsQuery> {
  return baseQuery(db, orgId, await resolveFilter(db, orgId, filter), "all");
}

/**
 * The matches as rows of one column, for counting. Postgres cannot tell how costly a row-by-row jsonb
 * comparison is, so with a tag it may run it on every contact before the join; here those comparisons
 * wait behind a fence (OFFSET 0) until tags, search, dates and the jsonb index have narrowed the rows.
 */
// The two shapes (plain, or fenced subquery) only meet in `select count(*) from (…)`, so their row type does not matter.
async function matchesForCount(db: Database, orgId: string, filter: ContactFilter): Promise<SelectQueryBuilder<any, any, object>> {
  const resolved = await resolveFilter(db, orgId, filter);
  const residual = resolved.matchesNothing ? [] : resolved.parts.flatMap((part) => part.custom ?? []).filter((condition) => !usesAttributesIndex(condition));
  if (residual.length === 0) return baseQuery(db, orgId, resolved, "all").select(sql.lit(1).as("one"));
  const narrowed = baseQuery(db, orgId, resolved, "indexed").select("contacts.attributes").offset(0).as("narrowed");
  let query = db.selectFrom(narrowed).select(sql.lit(1).as("one"));
  for (const condition of residual) query = query.where(customCondition(condition, resolved.fieldTypes, sql.ref("narrowed.attributes")));
  return query;
}

export async function countContacts(db: Database, orgId: string, filter: ContactFilter): Promise<number> {
  const matches = (await matchesForCount(db, orgId, filter)).as("matches");
  const { count } = await db.selectFrom(matches).select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * Counts at most `cap` + 1 matches: an exact count of a broad filter over 100 k contacts costs more
 * than the page itself, and past the cap "more than N" is what a person needs from a list.
 */
export async function countContactsUpTo(db: Database, orgId: string, filter: ContactFilter, cap: number): Promise<{ count: number; capped: boolean }> {
  const matches = (await matchesForCount(db, orgId, filter)).limit(cap + 1).as("matches");
  const { count } = await db.selectFrom(matches).select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  const total = Number(count);
  return total > cap ? { count: cap, capped: true } : { count: total, capped: false };
}

/** Ids a person put in a URL must be the organization's: false when a tag or segment is not. */
export async function filterReferencesExist(db: Database, orgId: string, filter: ContactFilter): Promise<boolean> {
  const tagIds = [...new Set([...(filter.tagIds ?? []), ...(filter.excludeTagIds ?? [])])];
  if (tagIds.length) {
    const found = await db.selectFrom("tags").select("id").where("org_id", "=", orgId).where("id", "in", tagIds).execute();
    if (found.length !== tagIds.length) return false;
  }
  if (filter.segmentId) {
    const segment = await db.selectFrom("segments").select("id").where("org_id", "=", orgId).where("id", "=", filter.segmentId).executeTakeFirst();
    if (!segment) return false;
  }
  return true;
}
