import { type Kysely, sql } from "kysely";

/**
 * Inbox list filters that the (org, status, recency) index alone leaves to a scan: a channel, "mine",
 * and "unread only". Each keeps the list's (last_message_at DESC, id DESC) order so a page is a short
 * index walk; measured in bench/inbox-list.ts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX conversations_connection_status_recent_idx ON conversations (connection_id, status, last_message_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX conversations_org_assignee_status_recent_idx ON conversations (org_id, assignee_id, status, last_message_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX conversations_org_unread_recent_idx ON conversations (org_id, last_message_at DESC, id DESC) WHERE unread_count > 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["conversations_org_unread_recent_idx", "conversations_org_assignee_status_recent_idx", "conversations_connection_status_recent_idx"]) {
    await sql`DROP INDEX IF EXISTS ${sql.ref(index)}`.execute(db);
  }
}
