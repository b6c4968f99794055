import type { Database } from "#db/index.js";

export type MemberOption = { id: string; name: string };
export type ContactOption = { id: string; name: string; phone: string | null };

export async function listMemberOptions(db: Database, orgId: string): Promise<MemberOption[]> {
  return db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name"])
    .where("memberships.org_id", "=", orgId)
    .orderBy("users.name")
    .limit(500)
    .execute();
}

export const CONTACT_OPTIONS_LIMIT = 50;

/**
 * Contacts to pick a lead's contact from: the most recent ones, or those matching `query` by name,
 * phone or email (the trigram index on search_text). `include` keeps the current choice in the list.
 */
export async function searchContactOptions(db: Database, orgId: string, query = "", include?: string | null): Promise<ContactOption[]> {
  const needle = query.trim().toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`);
  let select = db
    .selectFrom("contacts")
    .select(["id", "name", "phone"])
    .where("org_id", "=", orgId)
    .where("erased_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(CONTACT_OPTIONS_LIMIT);
  if (needle) select = select.where("search_text", "like", `%${needle}%`);
  const contacts = await select.execute();
  if (include && !contacts.some((contact) => contact.id === include)) {
    const current = await db.selectFrom("contacts").select(["id", "name", "phone"]).where("id", "=", include).where("org_id", "=", orgId).executeTakeFirst();
    if (current) contacts.unshift(current);
  }
  return contacts;
}
