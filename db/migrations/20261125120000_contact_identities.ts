import { type Kysely, sql } from "kysely";

/**
 * Other identities of a contact on a channel. WhatsApp may address the same person by phone JID or by
 * an opaque `@lid` JID (Baileys); both must land on one contact, so the LID is recorded here once seen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contact_identities")
    .addColumn("org_id", "uuid", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("contact_id", "uuid", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('wa_lid')`))
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("contact_identities_pkey", ["org_id", "kind", "value"])
    .execute();
  await db.schema.createIndex("contact_identities_contact_idx").on("contact_identities").column("contact_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("contact_identities").ifExists().execute();
}
