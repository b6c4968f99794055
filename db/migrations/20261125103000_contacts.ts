import { type Kysely, sql } from "kysely";

/**
 * Lists, counts and audiences only ever see live (not erased) contacts. A partial index in list order
 * lets the first page and the (capped) count be index-only scans over the live rows of one organization.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX contacts_live_org_created_idx ON contacts (org_id, created_at DESC, id DESC) WHERE erased_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS contacts_live_org_created_idx`.execute(db);
}
