import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { enrollOnTagAdded } from "../cadences/enrollments.server";

export type TagSummary = { id: string; name: string; color: string };
export type TagWithCount = TagSummary & { contactCount: number };

export async function listTags(db: Database, orgId: string): Promise<TagSummary[]> {
  return db.selectFrom("tags").select(["id", "name", "color"]).where("org_id", "=", orgId).orderBy("name").execute();
}

export async function listTagsWithCounts(db: Database, orgId: string): Promise<TagWithCount[]> {
  const rows = await db
    .selectFrom("tags")
    .leftJoin("contact_tags", "contact_tags.tag_id", "tags.id")
    .select(["tags.id", "tags.name", "tags.color", (eb) => eb.fn.count<number>("contact_tags.contact_id").as("contactCount")])
    .where("tags.org_id", "=", orgId)
    .groupBy("tags.id")
    .orderBy("tags.name")
    .execute();
  return rows.map((row) => ({ ...row, contactCount: Number(row.contactCount) }));
}

export async function findTag(db: Database, orgId: string, tagId: string): Promise<TagSummary | undefined> {
  return db.selectFrom("tags").select(["id", "name", "color"]).where("org_id", "=", orgId).where("id", "=", tagId).executeTakeFirst();
}

/** Tags of each contact, for a page of rows (one query). */
export async function tagsByContact(db: Database, orgId: string, contactIds: readonly string[]): Promise<Map<string, TagSummary[]>> {
  const byContact = new Map<string, TagSummary[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await db
    .selectFrom("contact_tags")
    .innerJoin("tags", "tags.id", "contact_tags.tag_id")
    .select(["contact_tags.contact_id", "tags.id", "tags.name", "tags.color"])
    .where("contact_tags.org_id", "=", orgId)
    .where("contact_tags.contact_id", "in", contactIds)
    .orderBy("tags.name")
    .execute();
  for (const { contact_id, ...tag } of rows) {
    const list = byContact.get(contact_id) ?? [];
    list.push(tag);
    byContact.set(contact_id, list);
  }
  return byContact;
}

export type TagWriteResult = { ok: true; id: string } | { ok: false; reason: "duplicate" | "not_found" };

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";

export async function createTag(db: Database, orgId: string, input: { name: string; color: string }): Promise<TagWriteResult> {
  try {
    const row = await db.insertInto("tags").values({ org_id: orgId, name: input.name, color: input.color }).returning("id").executeTakeFirstOrThrow();
    return { ok: true, id: row.id };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate" };
    throw error;
  }
}

export async function updateTag(db: Database, orgId: string, tagId: string, input: { name: string; color: string }): Promise<TagWriteResult> {
  try {
    const row = await db.updateTable("tags").set({ name: input.name, color: input.color }).where("org_id", "=", orgId).where("id", "=", tagId).returning("id").executeTakeFirst();
    return row ? { ok: true, id: row.id } : { ok: false, reason: "not_found" };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "duplicate" };
    throw error;
  }
}

/** Removes the tag from every contact too (cascade); audited with how many contacts had it. */
export async function deleteTag(db: Database, orgId: string, tagId: string, actor: AuditEntry["actor"]): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const tag = await trx.selectFrom("tags").select(["id", "name"]).where("org_id", "=", orgId).where("id", "=", tagId).forUpdate().executeTakeFirst();
    if (!tag) return false;
    const { count } = await trx.selectFrom("contact_tags").select((eb) => eb.fn.countAll<number>().as("count")).where("tag_id", "=", tagId).executeTakeFirstOrThrow();
    await trx.deleteFrom("tags").where("id", "=", tagId).execute();
    await recordAudit(trx, { orgId, actor, action: "tag.deleted", target: { type: "tag", id: tagId }, metadata: { name: tag.name, contactCount: Number(count) } });
    return true;
  });
}

/** Tags a contact; false when the contact or tag is not the organization's (or the contact was erased). */
export async function addTagToContact(db: Database, orgId: string, contactId: string, tagId: string): Promise<boolean> {
  const result = await db
    .insertInto("contact_tags")
    .columns(["contact_id", "tag_id", "org_id"])
    .expression((eb) =>
      eb
        .selectFrom("contacts")
        .innerJoin("tags", (join) => join.on("tags.org_id", "=", orgId).on("tags.id", "=", tagId))
        .select(["contacts.id as contact_id", "tags.id as tag_id", sql<string>`${orgId}::uuid`.as("org_id")])
        .where("contacts.org_id", "=", orgId)
        .where("contacts.id", "=", contactId)
        .where("contacts.erased_at", "is", null),
    )
    .onConflict((conflict) => conflict.doNothing())
    .returning("contact_id")
    .execute();
  if (result.length) {
    await enrollOnTagAdded(db, orgId, [contactId], tagId);
    return true;
  }
  // Nothing inserted: either it was already tagged (fine) or an id is not ours.
  const tagged = await db.selectFrom("contact_tags").select("contact_id").where("org_id", "=", orgId).where("contact_id", "=", contactId).where("tag_id", "=", tagId).executeTakeFirst();
  return Boolean(tagged);
}

export async function removeTagFromContact(db: Database, orgId: string, contactId: string, tagId: string): Promise<boolean> {
  const [contact, tag] = await Promise.all([
    db.selectFrom("contacts").select("id").where("org_id", "=", orgId).where("id", "=", contactId).executeTakeFirst(),
    findTag(db, orgId, tagId),
  ]);
  if (!contact || !tag) return false;
  await db.deleteFrom("contact_tags").where("org_id", "=", orgId).where("contact_id", "=", contactId).where("tag_id", "=", tagId).execute();
  return true;
}
