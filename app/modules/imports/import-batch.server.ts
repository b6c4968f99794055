import { sql, type Transaction } from "kysely";
import type { DB } from "#db/index.js";
import { enrollOnTagAdded } from "../cadences/enrollments.server";
import type { OnExisting } from "./mapping";
import type { ContactDraft } from "./rows.server";

// One batch of rows written with a handful of set-based statements (unnest arrays), whatever its size.

export type BatchEntry = { rowNumber: number; record: readonly string[] } & ({ contact: ContactDraft; error?: undefined } | { contact?: undefined; error: string });
export type BatchCounts = { created: number; updated: number; skipped: number; errors: number };

type Target = { orgId: string; importId: string; onExisting: OnExisting; tagIds: readonly string[] };

/** Tag ids by lower-cased name, shared by every batch of a run so each name is looked up once. */
export type TagCache = Map<string, string>;

export async function writeBatch(trx: Transaction<DB>, target: Target, entries: readonly BatchEntry[], tagCache: TagCache): Promise<BatchCounts> {
  const drafts = entries.flatMap((entry) => (entry.contact ? [entry.contact] : []));
  const problems = entries.filter((entry) => entry.error !== undefined);
  const touched = await upsertContacts(trx, target, drafts);
  await applyTags(trx, target, drafts, touched, tagCache);

  if (problems.length) {
    await sql`
      INSERT INTO contact_import_errors (import_id, org_id, row_number, message, raw)
      SELECT ${target.importId}::uuid, ${target.orgId}::uuid, e.row_number, e.message, e.raw::jsonb
      FROM unnest(${problems.map((entry) => entry.rowNumber)}::int[], ${problems.map((entry) => entry.error)}::text[], ${problems.map((entry) => JSON.stringify(entry.record))}::text[])
        AS e(row_number, message, raw)
      ON CONFLICT (import_id, row_number) DO NOTHING`.execute(trx);
  }

  const created = [...touched.values()].filter((contact) => contact.inserted).length;
  const updated = touched.size - created;
  return { created, updated, skipped: drafts.length - touched.size, errors: problems.length };
}

type Touched = Map<string, { id: string; inserted: boolean }>;

/** Returns the contacts this batch created or updated, by phone; with `skip`, existing ones are left out. */
async function upsertContacts(trx: Transaction<DB>, target: Target, drafts: readonly ContactDraft[]): Promise<Touched> {
  if (!drafts.length) return new Map();
  const values = sql`
    SELECT ${target.orgId}::uuid, c.name, c.phone, c.email::citext, c.attributes::jsonb
    FROM unnest(${drafts.map((draft) => draft.name)}::text[], ${drafts.map((draft) => draft.phone)}::text[], ${drafts.map((draft) => draft.email)}::text[], ${drafts.map((draft) => JSON.stringify(draft.attributes))}::text[])
      AS c(name, phone, email, attributes)`;
  // An empty cell never blanks what the contact already has; opt-out and erasure fields are not the import's to change.
  const onConflict =
    target.onExisting === "update"
      ? sql`DO UPDATE SET
          name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE contacts.name END,
          email = coalesce(excluded.email, contacts.email),
          attributes = contacts.attributes || excluded.attributes,
          updated_at = now()`
      : sql`DO NOTHING`;
  const { rows } = await sql<{ id: string; phone: string; inserted: boolean }>`
    INSERT INTO contacts (org_id, name, phone, email, attributes) ${values}
    ON CONFLICT (org_id, phone) WHERE phone IS NOT NULL ${onConflict}
    RETURNING id, phone, (xmax = 0) AS inserted`.execute(trx);
  return new Map(rows.map((row) => [row.phone, { id: row.id, inserted: row.inserted }]));
}

async function applyTags(trx: Transaction<DB>, target: Target, drafts: readonly ContactDraft[], touched: Touched, tagCache: TagCache) {
  const missing = new Set<string>();
  for (const draft of drafts) {
    if (!touched.has(draft.phone)) continue;
    for (const name of draft.tagNames) if (!tagCache.has(name.toLowerCase())) missing.add(name);
  }
  if (missing.size) {
    const names = [...missing];
    await sql`INSERT INTO tags (org_id, name) SELECT ${target.orgId}::uuid, n FROM unnest(${names}::text[]) AS n ON CONFLICT (org_id, name) DO NOTHING`.execute(trx);
    const { rows } = await sql<{ id: string; name: string }>`SELECT id, name FROM tags WHERE org_id = ${target.orgId}::uuid AND name = ANY(${names}::citext[])`.execute(trx);
    for (const row of rows) tagCache.set(row.name.toLowerCase(), row.id);
  }

  const contactIds: string[] = [];
  const tagIds: string[] = [];
  for (const draft of drafts) {
    const contact = touched.get(draft.phone);
    if (!contact) continue;
    const ids = new Set([...target.tagIds, ...draft.tagNames.flatMap((name) => tagCache.get(name.toLowerCase()) ?? [])]);
    for (const tagId of ids) {
      contactIds.push(contact.id);
      tagIds.push(tagId);
    }
  }
  if (!contactIds.length) return;
  const { rows: added } = await sql<{ contact_id: string; tag_id: string }>`
    INSERT INTO contact_tags (contact_id, tag_id, org_id)
    SELECT c, t, ${target.orgId}::uuid FROM unnest(${contactIds}::uuid[], ${tagIds}::uuid[]) AS p(c, t)
    ON CONFLICT DO NOTHING
    RETURNING contact_id, tag_id`.execute(trx);
  // A tag the import added is a tag added: it enrolls the contacts in the cadences it triggers.
  const addedByTag = new Map<string, string[]>();
  for (const row of added) addedByTag.set(row.tag_id, [...(addedByTag.get(row.tag_id) ?? []), row.contact_id]);
  for (const [tagId, ids] of addedByTag) await enrollOnTagAdded(trx, target.orgId, ids, tagId);
}
