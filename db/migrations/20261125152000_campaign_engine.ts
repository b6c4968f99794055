import { type Kysely, sql } from "kysely";

/**
 * What the campaign dispatcher needs beyond the campaign tables: a heartbeat per dispatcher run (a
 * 'sending' row whose run stopped beating goes back to pending, instead of waiting out a long lease),
 * and the Postgres fallback of the per-connection pacing slots when Redis is absent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("campaign_dispatch_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("campaign_id", "uuid", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("heartbeat_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`CREATE INDEX campaign_dispatch_runs_campaign_idx ON campaign_dispatch_runs (campaign_id, heartbeat_at DESC)`.execute(db);

  // Generic cell rate algorithm: the theoretical time the next send on this key may go.
  await db.schema
    .createTable("send_pacing_slots")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("next_at", "timestamptz", (c) => c.notNull())
    .execute();

  // An opt-out cancels the contact's pending rows in every campaign.
  await sql`CREATE INDEX campaign_recipients_contact_pending_idx ON campaign_recipients (contact_id) WHERE status IN ('pending', 'sending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS campaign_recipients_contact_pending_idx`.execute(db);
  await db.schema.dropTable("send_pacing_slots").ifExists().execute();
  await db.schema.dropTable("campaign_dispatch_runs").ifExists().execute();
}
