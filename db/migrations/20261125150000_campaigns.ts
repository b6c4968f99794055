import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

/**
 * Campaigns: a draft holds the builder's choices; starting one snapshots its audience into
 * campaign_recipients, one row per contact, each a small state machine the dispatcher walks
 * (pending → sending → sent → delivered → read, or failed / skipped / cancelled). Counts are
 * always computed from those rows, so they are right after any restart.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("campaigns")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("draft").check(sql`status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')`),
    )
    .addColumn("connection_id", "uuid", (c) => c.references("channel_connections.id").onDelete("set null"))
    // { kind: "all" } | { kind: "segment", segmentId } | { kind: "tags", tagIds, match: "any" | "all" } | { kind: "list" }
    .addColumn("audience", "jsonb", (c) => c.notNull().defaultTo(sql`'{"kind":"all"}'::jsonb`))
    // { type: "text", text, mediaId? } | { type: "template", templateId, variables: [{ source, fallback }] }
    .addColumn("message", "jsonb", (c) => c.notNull().defaultTo(sql`'{"type":"text","text":""}'::jsonb`))
    .addColumn("scheduled_at", "timestamptz") // null: start now
    // { ratePerSecond } (Cloud API, Twilio) or { minDelaySeconds, maxDelaySeconds, dailyCap } (Baileys)
    .addColumn("pacing", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("quiet_hours", "jsonb") // { start: "21:00", end: "08:00" } in the organization's time zone
    .addColumn("reply_window_hours", "integer", (c) => c.notNull().defaultTo(72))
    .addColumn("pause_reason", "text")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("started_at", "timestamptz")
    .addColumn("paused_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addColumn("cancelled_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX campaigns_org_recent_idx ON campaigns (org_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX campaigns_active_idx ON campaigns (status, scheduled_at) WHERE status IN ('scheduled', 'running')`.execute(db);

  // An uploaded list audience: the numbers as given, matched to (or made into) contacts at start.
  await db.schema
    .createTable("campaign_list_entries")
    .addColumn("campaign_id", "uuid", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("row_number", "integer", (c) => c.notNull())
    .addColumn("phone", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addPrimaryKeyConstraint("campaign_list_entries_pkey", ["campaign_id", "row_number"])
    .execute();

  await db.schema
    .createTable("campaign_recipients")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("campaign_id", "uuid", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("contact_id", "uuid", (c) => c.references("contacts.id").onDelete("set null"))
    .addColumn("phone", "text") // the address snapshotted at start
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled')`),
    )
    .addColumn("skip_reason", "text") // opted_out, invalid_phone, duplicate_phone, no_phone, sms_duplicate, erased
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", now)
    .addColumn("claimed_by", "text") // the dispatcher run holding a 'sending' row
    .addColumn("claimed_at", "timestamptz")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("retryable", "boolean")
    .addColumn("message_id", "uuid", (c) => c.references("messages.id").onDelete("set null"))
    .addColumn("external_id", "text")
    .addColumn("sent_at", "timestamptz")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("read_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .addColumn("replied_at", "timestamptz")
    .addColumn("opted_out_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("campaign_recipients_campaign_contact_key", ["campaign_id", "contact_id"])
    .execute();
  await sql`CREATE INDEX campaign_recipients_dispatch_idx ON campaign_recipients (campaign_id, next_attempt_at, id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX campaign_recipients_campaign_status_idx ON campaign_recipients (campaign_id, status, id)`.execute(db);
  await sql`CREATE INDEX campaign_recipients_message_idx ON campaign_recipients (message_id) WHERE message_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX campaign_recipients_contact_sent_idx ON campaign_recipients (contact_id, sent_at DESC) WHERE sent_at IS NOT NULL`.execute(db);

  // The same SMS text never reaches the same number twice within the window, across campaigns and cadences.
  await db.schema
    .createTable("sms_send_ledger")
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("phone", "text", (c) => c.notNull())
    .addColumn("text_hash", "text", (c) => c.notNull())
    .addColumn("sent_at", "timestamptz", now)
    .addPrimaryKeyConstraint("sms_send_ledger_pkey", ["org_id", "phone", "text_hash"])
    .execute();

  // Ban-aware pacing for numbers paired by QR: sends per number per day (warm-up and daily cap).
  await db.schema
    .createTable("connection_send_days")
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("sent", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("connection_send_days_pkey", ["connection_id", "day"])
    .execute();
  await db.schema.alterTable("channel_connections").addColumn("warmup_started_on", "date").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("channel_connections").dropColumn("warmup_started_on").execute();
  for (const table of ["connection_send_days", "sms_send_ledger", "campaign_recipients", "campaign_list_entries", "campaigns"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
