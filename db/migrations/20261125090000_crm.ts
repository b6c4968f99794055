import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await db.schema
    .createTable("contacts")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("phone", "text") // E.164
    .addColumn("email", sql`citext`)
    .addColumn("attributes", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)) // custom fields by key
    .addColumn("opted_out", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("opted_out_at", "timestamptz")
    .addColumn("opt_out_reason", "text")
    .addColumn("opt_out_source", "text")
    .addColumn("erased_at", "timestamptz")
    .addColumn("search_text", "text", (c) =>
      c.generatedAlwaysAs(sql`lower(coalesce(name, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email::text, ''))`).stored(),
    )
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE UNIQUE INDEX contacts_org_phone_key ON contacts (org_id, phone) WHERE phone IS NOT NULL`.execute(db);
  await sql`CREATE INDEX contacts_org_created_idx ON contacts (org_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX contacts_search_trgm_idx ON contacts USING gin (search_text gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX contacts_attributes_idx ON contacts USING gin (attributes jsonb_path_ops)`.execute(db);

  await db.schema
    .createTable("tags")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", sql`citext`, (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull().defaultTo("#64748b"))
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("tags_org_name_key", ["org_id", "name"])
    .execute();

  await db.schema
    .createTable("contact_tags")
    .addColumn("contact_id", "uuid", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("tag_id", "uuid", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("created_at", "timestamptz", now)
    .addPrimaryKeyConstraint("contact_tags_pkey", ["contact_id", "tag_id"])
    .execute();
  await db.schema.createIndex("contact_tags_tag_idx").on("contact_tags").columns(["tag_id", "contact_id"]).execute();

  await db.schema
    .createTable("custom_fields")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type IN ('text', 'number', 'date', 'select')`))
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("custom_fields_org_key_key", ["org_id", "key"])
    .execute();

  await db.schema
    .createTable("segments")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("filter", "jsonb", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("segments_org_idx").on("segments").column("org_id").execute();

  await db.schema
    .createTable("contact_imports")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("file_sha256", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("encoding", "text")
    .addColumn("delimiter", "text")
    .addColumn("headers", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("mapping", "jsonb")
    .addColumn("on_existing", "text", (c) => c.notNull().defaultTo("update").check(sql`on_existing IN ('update', 'skip')`))
    .addColumn("tag_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("uploaded").check(sql`status IN ('uploaded', 'queued', 'running', 'completed', 'failed')`))
    .addColumn("total_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("processed_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skipped_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failure", "text")
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("contact_imports_org_idx").on("contact_imports").columns(["org_id", "created_at desc"]).execute();

  await db.schema
    .createTable("contact_import_errors")
    .addColumn("import_id", "uuid", (c) => c.notNull().references("contact_imports.id").onDelete("cascade"))
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("row_number", "integer", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("raw", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addPrimaryKeyConstraint("contact_import_errors_pkey", ["import_id", "row_number"])
    .execute();

  await db.schema
    .createTable("pipelines")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("pipelines_org_idx").on("pipelines").column("org_id").execute();

  // Positions are fractional-index keys compared byte-wise, hence COLLATE "C".
  await db.schema
    .createTable("stages")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("pipeline_id", "uuid", (c) => c.notNull().references("pipelines.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("color", "text", (c) => c.notNull().defaultTo("#64748b"))
    .addColumn("position", sql`text COLLATE "C"`, (c) => c.notNull())
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await sql`CREATE UNIQUE INDEX stages_pipeline_position_key ON stages (pipeline_id, position)`.execute(db);

  await db.schema
    .createTable("leads")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("pipeline_id", "uuid", (c) => c.notNull().references("pipelines.id").onDelete("cascade"))
    .addColumn("stage_id", "uuid", (c) => c.notNull().references("stages.id"))
    .addColumn("contact_id", "uuid", (c) => c.references("contacts.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("value_cents", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("owner_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open").check(sql`status IN ('open', 'won', 'lost')`))
    .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", sql`text COLLATE "C"`, (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("closed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE UNIQUE INDEX leads_stage_position_key ON leads (stage_id, position)`.execute(db);
  await db.schema.createIndex("leads_org_pipeline_idx").on("leads").columns(["org_id", "pipeline_id"]).execute();
  await db.schema.createIndex("leads_contact_idx").on("leads").column("contact_id").execute();

  await db.schema
    .createTable("lead_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("lead_id", "uuid", (c) => c.notNull().references("leads.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type IN ('created', 'moved', 'status_changed', 'updated')`))
    .addColumn("from_stage_id", "uuid", (c) => c.references("stages.id").onDelete("set null"))
    .addColumn("to_stage_id", "uuid", (c) => c.references("stages.id").onDelete("set null"))
    .addColumn("actor_type", "text", (c) => c.notNull().check(sql`actor_type IN ('user', 'ai', 'automation', 'api')`))
    .addColumn("actor_id", "uuid")
    .addColumn("reason", "text")
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await db.schema.createIndex("lead_events_lead_idx").on("lead_events").columns(["lead_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["lead_events", "leads", "stages", "pipelines", "contact_import_errors", "contact_imports", "segments", "custom_fields", "contact_tags", "tags", "contacts"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
