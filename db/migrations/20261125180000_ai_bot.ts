import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

/**
 * The AI bot: personas (who answers, how, from which knowledge bases, and when to hand off to a
 * person), which persona answers where (a connection's default, a conversation's override, else
 * the organization's default persona), the handoff state of a conversation, and AI lead
 * progression (per-pipeline switch and threshold, per-stage criteria, and a log of every decision
 * the team can undo). Bot turns since the last human reply are counted from messages, not stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("personas")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("system_prompt", "text", (c) => c.notNull())
    .addColumn("tone", "text", (c) => c.notNull().defaultTo("friendly").check(sql`tone IN ('friendly', 'formal', 'neutral', 'enthusiastic')`))
    .addColumn("language", "text", (c) => c.notNull().defaultTo("pt-BR").check(sql`language IN ('pt-BR', 'en')`))
    .addColumn("model", "text") // null: the organization's chat model
    .addColumn("temperature", "real", (c) => c.notNull().defaultTo(0.3).check(sql`temperature BETWEEN 0 AND 2`))
    .addColumn("max_reply_chars", "integer", (c) => c.notNull().defaultTo(600).check(sql`max_reply_chars BETWEEN 50 AND 4000`))
    .addColumn("greeting", "text", (c) => c.notNull().defaultTo(""))
    // { days: [0..6] (0 = Sunday), start: "09:00", end: "18:00", timezone: "America/Sao_Paulo" }; null: always open
    .addColumn("business_hours", "jsonb")
    .addColumn("away_message", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("handoff_keywords", sql`text[]`, (c) => c.notNull().defaultTo(sql`ARRAY['atendente', 'humano', 'human', 'agent', 'pessoa']::text[]`))
    .addColumn("low_confidence_threshold", "real", (c) => c.notNull().defaultTo(0.5).check(sql`low_confidence_threshold BETWEEN 0 AND 1`))
    .addColumn("sentiment_handoff", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("max_bot_turns", "integer", (c) => c.notNull().defaultTo(8).check(sql`max_bot_turns BETWEEN 1 AND 100`))
    // Wait this long after the customer's last message, so a burst of messages gets one answer.
    .addColumn("reply_delay_seconds", "integer", (c) => c.notNull().defaultTo(5).check(sql`reply_delay_seconds BETWEEN 0 AND 120`))
    .addColumn("is_default", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .addUniqueConstraint("personas_org_name_key", ["org_id", "name"])
    .execute();
  await sql`CREATE UNIQUE INDEX personas_org_default_key ON personas (org_id) WHERE is_default`.execute(db);

  await db.schema
    .createTable("persona_knowledge_bases")
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("persona_id", "uuid", (c) => c.notNull().references("personas.id").onDelete("cascade"))
    .addColumn("knowledge_base_id", "uuid", (c) => c.notNull().references("knowledge_bases.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("persona_knowledge_bases_pkey", ["persona_id", "knowledge_base_id"])
    .execute();
  await db.schema.createIndex("persona_knowledge_bases_kb_idx").on("persona_knowledge_bases").column("knowledge_base_id").execute();

  await db.schema
    .alterTable("channel_connections")
    .addColumn("persona_id", "uuid", (c) => c.references("personas.id").onDelete("set null"))
    .execute();
  await db.schema
    .alterTable("conversations")
    .addColumn("persona_id", "uuid", (c) => c.references("personas.id").onDelete("set null"))
    // Why and when the bot last stepped aside (keyword, max_turns, low_confidence, sentiment, budget, unavailable, guard, no_persona).
    .addColumn("handoff_reason", "text")
    .addColumn("handoff_at", "timestamptz")
    .execute();

  await db.schema
    .alterTable("pipelines")
    .addColumn("ai_enabled", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("ai_confidence_threshold", "real", (c) => c.notNull().defaultTo(0.7).check(sql`ai_confidence_threshold BETWEEN 0 AND 1`))
    .addColumn("ai_allow_backwards", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable("stages")
    .addColumn("ai_criteria", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ai_keywords", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  await db.schema
    .createTable("lead_ai_decisions")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("pipeline_id", "uuid", (c) => c.notNull().references("pipelines.id").onDelete("cascade"))
    .addColumn("lead_id", "uuid", (c) => c.notNull().references("leads.id").onDelete("cascade"))
    .addColumn("conversation_id", "uuid", (c) => c.references("conversations.id").onDelete("set null"))
    .addColumn("from_stage_id", "uuid", (c) => c.references("stages.id").onDelete("set null"))
    .addColumn("to_stage_id", "uuid", (c) => c.references("stages.id").onDelete("set null"))
    .addColumn("confidence", "real", (c) => c.notNull().check(sql`confidence BETWEEN 0 AND 1`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode IN ('openai', 'offline')`))
    .addColumn("applied", "boolean", (c) => c.notNull())
    // Why it was not applied: same_stage, below_threshold, backwards, unknown_stage, lead_moved, failed.
    .addColumn("skip_reason", "text")
    .addColumn("ai_run_id", "uuid", (c) => c.references("ai_runs.id").onDelete("set null"))
    .addColumn("undone_at", "timestamptz")
    .addColumn("undone_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX lead_ai_decisions_pipeline_recent_idx ON lead_ai_decisions (org_id, pipeline_id, created_at DESC, id DESC)`.execute(db);
  await db.schema.createIndex("lead_ai_decisions_lead_idx").on("lead_ai_decisions").column("lead_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("lead_ai_decisions").ifExists().execute();
  await db.schema.alterTable("stages").dropColumn("ai_criteria").dropColumn("ai_keywords").execute();
  await db.schema.alterTable("pipelines").dropColumn("ai_enabled").dropColumn("ai_confidence_threshold").dropColumn("ai_allow_backwards").execute();
  await db.schema.alterTable("conversations").dropColumn("persona_id").dropColumn("handoff_reason").dropColumn("handoff_at").execute();
  await db.schema.alterTable("channel_connections").dropColumn("persona_id").execute();
  await db.schema.dropTable("persona_knowledge_bases").ifExists().execute();
  await db.schema.dropTable("personas").ifExists().execute();
}
