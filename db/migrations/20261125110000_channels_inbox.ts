import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("channel_connections")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('sandbox', 'whatsapp_cloud', 'whatsapp_baileys', 'twilio_sms')`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status IN ('pending', 'qr', 'connected', 'disconnected', 'logged_out', 'error')`),
    )
    .addColumn("config", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)) // non-secret: ids, numbers
    .addColumn("secrets", "text") // secret box sealed JSON, bound to the connection id
    .addColumn("address", "text") // our own number/identity on this channel (E.164), when known
    .addColumn("rate_per_second", "real")
    .addColumn("daily_cap", "integer")
    .addColumn("warnings", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("channel_connections_org_idx").on("channel_connections").column("org_id").execute();

  // Baileys auth state (creds + signal keys), every value sealed; one sidecar owns a connection through the lease.
  await db.schema
    .createTable("baileys_auth")
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("key_type", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", now)
    .addPrimaryKeyConstraint("baileys_auth_pkey", ["connection_id", "key_type", "key_id"])
    .execute();
  await db.schema
    .createTable("channel_leases")
    .addColumn("connection_id", "uuid", (c) => c.primaryKey().references("channel_connections.id").onDelete("cascade"))
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("media")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("filename", "text")
    .addColumn("sha256", "text")
    .addColumn("created_at", "timestamptz", now)
    .execute();

  await db.schema
    .createTable("conversations")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("contact_id", "uuid", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open").check(sql`status IN ('open', 'pending', 'resolved')`))
    .addColumn("assignee_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("bot_active", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("unread_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_message_at", "timestamptz", now)
    .addColumn("last_inbound_at", "timestamptz") // opens WhatsApp's 24-hour customer-service window
    .addColumn("last_message_preview", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .addUniqueConstraint("conversations_connection_contact_key", ["connection_id", "contact_id"])
    .execute();
  await sql`CREATE INDEX conversations_org_status_recent_idx ON conversations (org_id, status, last_message_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX conversations_org_recent_idx ON conversations (org_id, last_message_at DESC, id DESC)`.execute(db);
  await db.schema.createIndex("conversations_contact_idx").on("conversations").column("contact_id").execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("conversation_id", "uuid", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("direction", "text", (c) => c.notNull().check(sql`direction IN ('inbound', 'outbound')`))
    .addColumn("is_note", "boolean", (c) => c.notNull().defaultTo(false)) // private notes never leave the inbox
    .addColumn("type", "text", (c) =>
      c.notNull().check(sql`type IN ('text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'template', 'interactive', 'reaction', 'unsupported')`),
    )
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("media_id", "uuid", (c) => c.references("media.id").onDelete("set null"))
    .addColumn("content", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)) // type-specific extras (template vars, location…)
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')`),
    )
    .addColumn("external_id", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("sender_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("sender_type", "text", (c) => c.notNull().defaultTo("contact").check(sql`sender_type IN ('contact', 'user', 'ai', 'campaign', 'cadence', 'api', 'system')`))
    .addColumn("sent_at", "timestamptz")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("read_at", "timestamptz")
    .addColumn("failed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await sql`CREATE UNIQUE INDEX messages_connection_external_key ON messages (connection_id, external_id) WHERE external_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX messages_conversation_recent_idx ON messages (conversation_id, created_at DESC, id DESC)`.execute(db);

  await db.schema
    .createTable("message_templates")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("external_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("components", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("synced_at", "timestamptz", now)
    .addUniqueConstraint("message_templates_connection_name_language_key", ["connection_id", "name", "language"])
    .execute();

  await db.schema
    .createTable("canned_responses")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("shortcut", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("canned_responses_org_shortcut_key", ["org_id", "shortcut"])
    .execute();

  // Every inbound provider event, stored before it is acknowledged; dedupe_key is the provider's id for it.
  await db.schema
    .createTable("webhook_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("connection_id", "uuid", (c) => c.notNull().references("channel_connections.id").onDelete("cascade"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", now)
    .addColumn("processed_at", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addUniqueConstraint("webhook_events_dedupe_key", ["connection_id", "dedupe_key"])
    .execute();
  await sql`CREATE INDEX webhook_events_unprocessed_idx ON webhook_events (received_at) WHERE processed_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["webhook_events", "canned_responses", "message_templates", "messages", "conversations", "media", "channel_leases", "baileys_auth", "channel_connections"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
