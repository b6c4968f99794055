import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

/**
 * Cadences: ordered steps run one scheduled job at a time per enrollment. Steps live in versions, and
 * an enrollment pins the version it started on, so editing a cadence never changes the path of someone
 * already walking it. cadence_step_runs is unique per (enrollment, position): a step never runs twice,
 * whatever the job queue does, and the rows are the enrollment's timeline.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cadences")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("paused").check(sql`status IN ('active', 'paused', 'archived')`))
    // Enrollment triggers: a tag added to a contact, a lead entering a stage.
    .addColumn("trigger_tag_id", "uuid", (c) => c.references("tags.id").onDelete("set null"))
    .addColumn("trigger_stage_id", "uuid", (c) => c.references("stages.id").onDelete("set null"))
    .addColumn("exit_on_reply", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("exit_on_lead_closed", "boolean", (c) => c.notNull().defaultTo(true))
    // { days: [1..5] (0 = Sunday), start: "09:00", end: "18:00" } in the organization's time zone.
    .addColumn("business_hours", "jsonb", (c) => c.notNull().defaultTo(sql`'{"days":[1,2,3,4,5],"start":"09:00","end":"18:00"}'::jsonb`))
    .addColumn("current_version_id", "uuid")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX cadences_org_recent_idx ON cadences (org_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX cadences_trigger_tag_idx ON cadences (trigger_tag_id) WHERE trigger_tag_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX cadences_trigger_stage_idx ON cadences (trigger_stage_id) WHERE trigger_stage_id IS NOT NULL`.execute(db);

  await db.schema
    .createTable("cadence_versions")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("cadence_id", "uuid", (c) => c.notNull().references("cadences.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("cadence_versions_cadence_number_key", ["cadence_id", "number"])
    .execute();
  await db.schema
    .alterTable("cadences")
    .addForeignKeyConstraint("cadences_current_version_fkey", ["current_version_id"], "cadence_versions", ["id"])
    .onDelete("set null")
    .execute();

  await db.schema
    .createTable("cadence_steps")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("version_id", "uuid", (c) => c.notNull().references("cadence_versions.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('wait', 'send', 'tag_add', 'tag_remove', 'move_stage')`))
    // wait: { mode: "duration", seconds } | { mode: "business_hours" }; send: { connectionId, text };
    // tag_add / tag_remove: { tagId }; move_stage: { stageId }
    .addColumn("config", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint("cadence_steps_version_position_key", ["version_id", "position"])
    .execute();

  await db.schema
    .createTable("cadence_enrollments")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("cadence_id", "uuid", (c) => c.notNull().references("cadences.id").onDelete("cascade"))
    .addColumn("version_id", "uuid", (c) => c.notNull().references("cadence_versions.id"))
    .addColumn("contact_id", "uuid", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("lead_id", "uuid", (c) => c.references("leads.id").onDelete("set null"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active").check(sql`status IN ('active', 'completed', 'exited')`))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0)) // the next step to run
    .addColumn("next_run_at", "timestamptz")
    .addColumn("source", "text", (c) => c.notNull().check(sql`source IN ('manual', 'segment', 'tag', 'stage')`))
    .addColumn("enrolled_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("exit_reason", "text") // replied, opted_out, lead_won, lead_lost, manual, cadence_archived
    .addColumn("exited_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`CREATE UNIQUE INDEX cadence_enrollments_one_active_key ON cadence_enrollments (cadence_id, contact_id) WHERE status = 'active'`.execute(db);
  await sql`CREATE INDEX cadence_enrollments_cadence_recent_idx ON cadence_enrollments (cadence_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX cadence_enrollments_contact_idx ON cadence_enrollments (contact_id, status)`.execute(db);
  await sql`CREATE INDEX cadence_enrollments_lead_idx ON cadence_enrollments (lead_id) WHERE lead_id IS NOT NULL`.execute(db);

  await db.schema
    .createTable("cadence_step_runs")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("enrollment_id", "uuid", (c) => c.notNull().references("cadence_enrollments.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('done', 'skipped', 'failed')`))
    .addColumn("detail", "text") // skip reason or error code
    .addColumn("message_id", "uuid", (c) => c.references("messages.id").onDelete("set null"))
    .addColumn("ran_at", "timestamptz", now)
    .addUniqueConstraint("cadence_step_runs_enrollment_position_key", ["enrollment_id", "position"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("cadences").dropConstraint("cadences_current_version_fkey").execute();
  for (const table of ["cadence_step_runs", "cadence_enrollments", "cadence_steps", "cadence_versions", "cadences"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
