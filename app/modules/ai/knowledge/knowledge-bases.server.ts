import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { enqueueJob, ensureJobQueue } from "~/modules/inbox/jobs.server";
import { OFFLINE_EMBEDDING_DIMENSIONS, OFFLINE_EMBEDDING_MODEL } from "../offline-embedder";
import { getAiMode, knownEmbeddingDimensions } from "../runtime.server";

export type KnowledgeBaseSummary = {
  id: string;
  name: string;
  description: string;
  embeddingModel: string;
  documentCount: number;
  readyCount: number;
  pendingCount: number;
  failedCount: number;
  chunkCount: number;
  updatedAt: Date;
};

export type KnowledgeBase = {
  id: string;
  name: string;
  description: string;
  embeddingModel: string;
  embeddingDimensions: number | null;
  previousEmbeddingModel: string | null;
  createdAt: Date;
};

export type ReembedStatus = { total: number; onCurrentModel: number } | null;

/** The model new knowledge bases and re-embeds use: the provider's, or the offline embedder. */
export async function currentEmbeddingModel(db: Database, orgId: string): Promise<{ model: string; dimensions: number | null }> {
  const mode = await getAiMode(db, orgId);
  if (mode.kind === "offline") return { model: OFFLINE_EMBEDDING_MODEL, dimensions: OFFLINE_EMBEDDING_DIMENSIONS };
  return { model: mode.embeddingModel, dimensions: knownEmbeddingDimensions(mode.embeddingModel) };
}

export async function listKnowledgeBases(db: Database, orgId: string): Promise<KnowledgeBaseSummary[]> {
  const rows = await db
    .selectFrom("knowledge_bases as kb")
    .select((eb) => [
      "kb.id",
      "kb.name",
      "kb.description",
      "kb.embedding_model",
      "kb.updated_at",
      eb.selectFrom("kb_documents as d").whereRef("d.kb_id", "=", "kb.id").select(sql<number>`count(*)::int`.as("n")).as("document_count"),
      eb.selectFrom("kb_documents as d").whereRef("d.kb_id", "=", "kb.id").where("d.status", "=", "ready").select(sql<number>`count(*)::int`.as("n")).as("ready_count"),
      eb
        .selectFrom("kb_documents as d")
        .whereRef("d.kb_id", "=", "kb.id")
        .where("d.status", "in", ["queued", "processing"])
        .select(sql<number>`count(*)::int`.as("n"))
        .as("pending_count"),
      eb.selectFrom("kb_documents as d").whereRef("d.kb_id", "=", "kb.id").where("d.status", "=", "failed").select(sql<number>`count(*)::int`.as("n")).as("failed_count"),
      eb.selectFrom("kb_documents as d").whereRef("d.kb_id", "=", "kb.id").select(sql<number>`coalesce(sum(chunk_count), 0)::int`.as("n")).as("chunk_count"),
    ])
    .where("kb.org_id", "=", orgId)
    .orderBy("kb.name")
    .orderBy("kb.id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    embeddingModel: row.embedding_model,
    documentCount: row.document_count ?? 0,
    readyCount: row.ready_count ?? 0,
    pendingCount: row.pending_count ?? 0,
    failedCount: row.failed_count ?? 0,
    chunkCount: row.chunk_count ?? 0,
    updatedAt: row.updated_at,
  }));
}

export async function findKnowledgeBase(db: Database, orgId: string, id: string): Promise<KnowledgeBase | null> {
  const row = await db.selectFrom("knowledge_bases").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    embeddingModel: row.embedding_model,
    embeddingDimensions: row.embedding_dimensions,
    previousEmbeddingModel: row.previous_embedding_model,
    createdAt: row.created_at,
  };
}

export async function createKnowledgeBase(db: Database, orgId: string, userId: string | null, input: { name: string; description: string }): Promise<string> {
  const { model, dimensions } = await currentEmbeddingModel(db, orgId);
  const row = await db
    .insertInto("knowledge_bases")
    .values({ org_id: orgId, name: input.name, description: input.description, embedding_model: model, embedding_dimensions: dimensions, created_by: userId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateKnowledgeBase(db: Database, orgId: string, id: string, input: { name: string; description: string }): Promise<boolean> {
  const result = await db
    .updateTable("knowledge_bases")
    .set({ name: input.name, description: input.description, updated_at: new Date() })
    .where("org_id", "=", orgId)
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteKnowledgeBase(db: Database, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("knowledge_bases").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** How far a running re-embed is; null when every chunk is on the current model. */
export async function reembedStatus(db: Database, kb: KnowledgeBase): Promise<ReembedStatus> {
  if (!kb.previousEmbeddingModel) return null;
  const row = await db
    .selectFrom("kb_chunks")
    .select([sql<number>`count(*)::int`.as("total"), sql<number>`count(*) FILTER (WHERE embedding_model = ${kb.embeddingModel})::int`.as("current")])
    .where("kb_id", "=", kb.id)
    .executeTakeFirstOrThrow();
  return { total: row.total, onCurrentModel: row.current };
}

/**
 * Points the knowledge base at a new embedding model and queues the re-embed. Chunks keep their
 * old vectors (searched with the old model) until each is replaced.
 */
export async function startReembed(db: Database, orgId: string, kbId: string, model: string, dimensions: number | null): Promise<void> {
  await ensureJobQueue();
  await db.transaction().execute(async (trx) => {
    const kb = await trx
      .selectFrom("knowledge_bases")
      .select(["embedding_model", "embedding_dimensions", "previous_embedding_model"])
      .where("org_id", "=", orgId)
      .where("id", "=", kbId)
      .forUpdate()
      .executeTakeFirst();
    if (!kb || kb.embedding_model === model) return;
    await trx
      .updateTable("knowledge_bases")
      .set({
        embedding_model: model,
        embedding_dimensions: dimensions,
        // A second switch mid-way keeps the oldest searchable model: it is what most chunks still have.
        previous_embedding_model: kb.previous_embedding_model ?? kb.embedding_model,
        previous_embedding_dimensions: kb.previous_embedding_model ? undefined : kb.embedding_dimensions,
        updated_at: new Date(),
      })
      .where("id", "=", kbId)
      .execute();
    await enqueueJob(trx, { identifier: "knowledgeBase.reembed", payload: { knowledgeBaseId: kbId }, jobKey: `kb-reembed:${kbId}`, maxAttempts: 10 });
  });
}

/** After the AI settings change: every knowledge base not on the current embedding model is re-embedded. */
export async function reembedStaleKnowledgeBases(db: Database, orgId: string): Promise<number> {
  const { model, dimensions } = await currentEmbeddingModel(db, orgId);
  const stale = await db.selectFrom("knowledge_bases").select("id").where("org_id", "=", orgId).where("embedding_model", "<>", model).execute();
  for (const kb of stale) await startReembed(db, orgId, kb.id, model, dimensions);
  return stale.length;
}
