import { type Kysely, sql } from "kysely";

const id = (c: any) => c.primaryKey().defaultTo(sql`gen_random_uuid()`);
const orgRef = (c: any) => c.notNull().references("organizations.id").onDelete("cascade");
const now = (c: any) => c.notNull().defaultTo(sql`now()`);

/**
 * Embedding widths that get an HNSW index when pgvector exists. HNSW needs a fixed dimension, so
 * each width has its own partial expression index over the one real[] column; any other width is
 * still searchable by an exact scan. 512 is the offline embedder, 1536 OpenAI's
 * text-embedding-3-small (and -large asked for 1536 dimensions). m = 64 / ef_construction = 512:
 * the offline embedder's hashed vectors need a denser graph for good recall (bench/kb-retrieval.ts).
 */
const HNSW_DIMENSIONS = [256, 384, 512, 768, 1024, 1536];

/**
 * AI core: per-organization provider settings, knowledge bases (documents → chunks with a
 * full-text vector and an embedding) and a ledger of every AI call (ai_runs) for usage and budget.
 * Money is stored in micro-dollars (USD × 1,000,000) as bigint: provider prices are per million
 * tokens in USD, so one call's cost is an exact integer.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ai_settings")
    .addColumn("org_id", "uuid", (c) => c.primaryKey().references("organizations.id").onDelete("cascade"))
    .addColumn("base_url", "text") // null: OPENAI_BASE_URL or api.openai.com
    .addColumn("api_key_sealed", "text") // secret-box, context "ai_settings:<org_id>:api_key"
    .addColumn("api_key_hint", "text") // last four characters, to recognise the key
    .addColumn("chat_model", "text", (c) => c.notNull().defaultTo("gpt-4o-mini"))
    .addColumn("embedding_model", "text", (c) => c.notNull().defaultTo("text-embedding-3-small"))
    .addColumn("monthly_budget_micros", "bigint", (c) => c.check(sql`monthly_budget_micros >= 0`)) // null: no limit
    .addColumn("updated_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();

  // Unaccented 'simple' parsing: customers type "preco" for "preço"; no stemming, so pt-BR and en
  // text share one configuration. to_tsvector with a constant configuration is immutable, which
  // a generated column needs (unaccent() itself is only stable).
  const unaccent = await extensionAvailable(db, "unaccent");
  if (unaccent) await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  await sql`CREATE TEXT SEARCH CONFIGURATION kb_text (COPY = simple)`.execute(db);
  if (unaccent) {
    await sql`ALTER TEXT SEARCH CONFIGURATION kb_text ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple`.execute(db);
  }

  await db.schema
    .createTable("knowledge_bases")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // The model new chunks are embedded with; chunks keep their own model until re-embedded.
    .addColumn("embedding_model", "text", (c) => c.notNull())
    .addColumn("embedding_dimensions", "integer", (c) => c.check(sql`embedding_dimensions > 0`)) // null until first embedded (unknown models)
    // While a re-embed runs, chunks still on the old model stay searchable with it.
    .addColumn("previous_embedding_model", "text")
    .addColumn("previous_embedding_dimensions", "integer")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX knowledge_bases_org_idx ON knowledge_bases (org_id, name, id)`.execute(db);

  await db.schema
    .createTable("kb_documents")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("kb_id", "uuid", (c) => c.notNull().references("knowledge_bases.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("source_kind", "text", (c) => c.notNull().check(sql`source_kind IN ('upload', 'text', 'url')`))
    .addColumn("source_ref", "text") // file name or URL
    .addColumn("mime", "text")
    .addColumn("source_bytes", "bytea") // an upload until its text is extracted, then cleared
    .addColumn("content", "text") // the extracted plain text that chunks are cut from
    .addColumn("content_hash", "text") // sha256 of content: re-adding the same text is a no-op
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("queued").check(sql`status IN ('queued', 'processing', 'ready', 'failed')`),
    )
    .addColumn("progress", "integer", (c) => c.notNull().defaultTo(0).check(sql`progress BETWEEN 0 AND 100`))
    .addColumn("chunk_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .addColumn("updated_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX kb_documents_kb_idx ON kb_documents (kb_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX kb_documents_org_idx ON kb_documents (org_id)`.execute(db);

  await db.schema
    .createTable("kb_chunks")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("kb_id", "uuid", (c) => c.notNull().references("knowledge_bases.id").onDelete("cascade"))
    .addColumn("document_id", "uuid", (c) => c.notNull().references("kb_documents.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull()) // 0-based order within the document
    .addColumn("heading", "text") // nearest heading above the chunk (markdown), for citations
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("tsv", sql`tsvector`, (c) =>
      c.generatedAlwaysAs(sql`to_tsvector('kb_text'::regconfig, coalesce(heading, '') || ' ' || content)`).stored(),
    )
    // Always L2-normalized, so the dot product is the cosine similarity.
    .addColumn("embedding", sql`real[]`, (c) => c.notNull())
    .addColumn("embedding_model", "text", (c) => c.notNull())
    .addColumn("embedding_dims", "integer", (c) => c.generatedAlwaysAs(sql`cardinality(embedding)`).stored())
    .addColumn("created_at", "timestamptz", now)
    .addUniqueConstraint("kb_chunks_document_position_key", ["document_id", "position"])
    .execute();
  await sql`CREATE INDEX kb_chunks_kb_idx ON kb_chunks (kb_id, embedding_model)`.execute(db);
  await sql`CREATE INDEX kb_chunks_document_idx ON kb_chunks (document_id, position)`.execute(db);
  await sql`CREATE INDEX kb_chunks_tsv_idx ON kb_chunks USING gin (tsv)`.execute(db);
  // The exact fallback: dot product of two normalized real[] vectors.
  await sql`
    CREATE FUNCTION kb_dot(a real[], b real[]) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT sum(x * y) FROM unnest(a, b) AS t(x, y) $$`.execute(db);

  if (await extensionAvailable(db, "vector")) {
    await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
    for (const dims of HNSW_DIMENSIONS) {
      await sql`
        CREATE INDEX ${sql.id(`kb_chunks_embedding_${dims}_hnsw`)} ON kb_chunks
        USING hnsw ((embedding::vector(${sql.lit(dims)})) vector_cosine_ops)
        WITH (m = 64, ef_construction = 512)
        WHERE embedding_dims = ${sql.lit(dims)}`.execute(db);
    }
  }

  await db.schema
    .createTable("ai_runs")
    .addColumn("id", "uuid", id)
    .addColumn("org_id", "uuid", orgRef)
    .addColumn("purpose", "text", (c) => c.notNull()) // bot.reply, suggest, summarize, lead.classify, kb.embed, kb.query, settings.test …
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind IN ('chat', 'structured', 'embedding')`))
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode IN ('openai', 'offline')`))
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("prompt_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("completion_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("latency_ms", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_micros", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('ok', 'error', 'budget_exceeded')`))
    .addColumn("error", "text")
    .addColumn("persona_id", "uuid") // personas live in the bot's migration; no foreign key across them
    .addColumn("conversation_id", "uuid", (c) => c.references("conversations.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", now)
    .execute();
  await sql`CREATE INDEX ai_runs_org_recent_idx ON ai_runs (org_id, created_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["ai_runs", "kb_chunks", "kb_documents", "knowledge_bases", "ai_settings"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`DROP FUNCTION IF EXISTS kb_dot(real[], real[])`.execute(db);
  await sql`DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_text`.execute(db);
}

async function extensionAvailable(db: Kysely<any>, name: string): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pg_available_extensions WHERE name = ${name}`.execute(db);
  return rows.length > 0;
}
