import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { conceptSynonyms, contentWords, cosine } from "../offline-embedder";
import { embedTextsWithModel } from "../runtime.server";
import { AiBudgetExceededError, AiUnavailableError } from "../errors";
import { vectorStoreFor, type VectorHit, type VectorStoreKind } from "./vector-store.server";

export type RetrievedPassage = {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  knowledgeBaseId: string;
  /** Chunk order within its document (0-based): "<title> §<position + 1>" is a stable citation. */
  position: number;
  heading: string | null;
  content: string;
  /** Reciprocal-rank-fusion score; only comparable within one call. */
  score: number;
  /** Cosine similarity to the query (−1…1) with the chunk's model; 0 when the query could not be embedded. */
  vectorScore: number;
  /** Full-text rank (ts_rank_cd), null when the chunk came only from the vector search. */
  textScore: number | null;
};

export type RetrieveInput = {
  orgId: string;
  knowledgeBaseIds: string[];
  query: string;
  limit?: number;
  /** Force an implementation (tests, bench); default: pgvector when installed, exact otherwise. */
  vectorStore?: VectorStoreKind;
  purpose?: string;
};

const CANDIDATES = 40;
// The usual RRF constant: damps the head so one list's first hit cannot dominate.
const RRF_K = 60;

/**
 * Hybrid retrieval: full-text candidates (accent-folded, any query word) and nearest neighbours by
 * embedding, fused by reciprocal rank. While a knowledge base is being re-embedded, chunks still on
 * the previous model are searched with a query embedded by that model.
 */
export async function retrievePassages(db: Database, input: RetrieveInput): Promise<RetrievedPassage[]> {
  const limit = input.limit ?? 5;
  if (input.knowledgeBaseIds.length === 0 || !input.query.trim()) return [];
  const bases = await db
    .selectFrom("knowledge_bases")
    .select(["id", "embedding_model", "embedding_dimensions", "previous_embedding_model", "previous_embedding_dimensions"])
    .where("org_id", "=", input.orgId)
    .where("id", "in", input.knowledgeBaseIds)
    .execute();
  if (bases.length === 0) return [];
  const kbIds = bases.map((kb) => kb.id);

  const models = new Set<string>();
  for (const kb of bases) {
    models.add(kb.embedding_model);
    if (kb.previous_embedding_model) models.add(kb.previous_embedding_model);
  }

  const vectorLists = await Promise.all([...models].map((model) => vectorCandidates(db, input, kbIds, model)));
  const textHits = await textCandidates(db, input.orgId, kbIds, input.query, [...new Set(vectorLists.flatMap((list) => list.hits.map((hit) => hit.id)))]);
  const queryEmbeddings = new Map<string, number[]>();
  for (const list of vectorLists) if (list.embedding) queryEmbeddings.set(list.model, list.embedding);

  const fused = new Map<string, { score: number; textScore: number | null }>();
  const entry = (id: string) => {
    let found = fused.get(id);
    if (!found) fused.set(id, (found = { score: 0, textScore: null }));
    return found;
  };
  textHits.forEach((hit, rank) => {
    const found = entry(hit.id);
    found.score += 1 / (RRF_K + rank + 1);
    found.textScore = hit.rank;
  });
  // Several models are alternatives for the same chunks, not extra votes: merge them into one list.
  const vectorHits = vectorLists.flatMap((list) => list.hits).sort((a, b) => b.similarity - a.similarity);
  const seen = new Set<string>();
  let vectorRank = 0;
  for (const hit of vectorHits) {
    if (seen.has(hit.id)) continue;
    seen.add(hit.id);
    const found = entry(hit.id);
    found.score += 1 / (RRF_K + vectorRank + 1);
    vectorRank++;
  }

  const vectorRankOf = new Map([...seen].map((id, index) => [id, index]));
  // Equal fused scores (first in one list, second in the other): the closer meaning wins.
  const top = [...fused.entries()]
    .sort((a, b) => b[1].score - a[1].score || (vectorRankOf.get(a[0]) ?? Infinity) - (vectorRankOf.get(b[0]) ?? Infinity))
    .slice(0, limit);
  if (top.length === 0) return [];
  const rows = await db
    .selectFrom("kb_chunks as c")
    .innerJoin("kb_documents as d", "d.id", "c.document_id")
    .select(["c.id", "c.document_id", "c.kb_id", "c.position", "c.heading", "c.content", "c.embedding", "c.embedding_model", "d.title"])
    .where("c.org_id", "=", input.orgId)
    .where(
      "c.id",
      "in",
      top.map(([id]) => id),
    )
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return top.flatMap(([id, scores]) => {
    const row = byId.get(id);
    if (!row) return [];
    const queryEmbedding = queryEmbeddings.get(row.embedding_model);
    return [
      {
        chunkId: row.id,
        documentId: row.document_id,
        documentTitle: row.title,
        knowledgeBaseId: row.kb_id,
        position: row.position,
        heading: row.heading,
        content: row.content,
        score: scores.score,
        textScore: scores.textScore,
        vectorScore: queryEmbedding ? cosine(queryEmbedding, row.embedding) : 0,
      },
    ];
  });
}

// "entregas" → "entreg:*", "compra" → "compr:*"; never shorter than five letters ("entre" is another word).
const prefixed = (term: string) => (term.length >= 7 ? `${term.slice(0, Math.max(6, term.length - 2))}:*` : term.length === 6 ? `${term.slice(0, 5)}:*` : term);

/**
 * Two full-text queries: `strict` needs every content word of the question; `loose` takes any of
 * them or of the words of the same concepts (see the offline embedder's lexicon). Words of six
 * letters or more also match by prefix ("entregas" ~ "entrega").
 */
export function buildTextQueries(query: string): { strict: string | null; loose: string } | null {
  const own = [...new Set(contentWords(query))].slice(0, 12);
  // Ranking cost grows with the query's terms: a few synonyms are enough to reach the passage.
  const terms = [...new Set([...own, ...conceptSynonyms(query)].map(prefixed))].slice(0, 20);
  if (terms.length === 0) return null;
  return { strict: own.length >= 2 ? own.map(prefixed).join(" & ") : null, loose: terms.join(" | ") };
}

/**
 * Ranking reads each candidate's tsvector, and a common word can match most of a large knowledge
 * base (and an all-words index scan over long posting lists is slow too). So the ranked set is
 * bounded: up to TEXT_POOL rows with any of the words, plus the vector search's candidates. A
 * small knowledge base is ranked whole; a large one still ranks the passages that matter.
 * Rows holding every word of the question come first.
 */
const TEXT_POOL = 200;

async function textCandidates(db: Database, orgId: string, kbIds: string[], query: string, vectorIds: string[]) {
  const queries = buildTextQueries(query);
  if (!queries) return [];
  const scope = sql`c.org_id = ${orgId} AND c.kb_id = ANY(${kbIds}::uuid[])`;
  const loose = sql`to_tsquery('kb_text', ${queries.loose})`;
  // The tsquery is written inline (not joined from a CTE) so the planner sees it and can pick a
  // sequential scan that stops at TEXT_POOL rows when the words are common.
  const { rows } = await sql<{ id: string; rank: number }>`
    WITH pool AS (
      (SELECT c.id FROM kb_chunks c WHERE ${scope} AND c.tsv @@ ${loose} LIMIT ${TEXT_POOL})
      UNION
      SELECT c.id FROM kb_chunks c WHERE ${scope} AND c.id = ANY(${vectorIds}::uuid[])
    )
    SELECT c.id, ts_rank(c.tsv, ${loose}) AS rank
    FROM pool JOIN kb_chunks c ON c.id = pool.id
    WHERE c.tsv @@ ${loose}
    ORDER BY ${queries.strict ? sql`(c.tsv @@ to_tsquery('kb_text', ${queries.strict}))` : sql`false`} DESC, rank DESC, c.id
    LIMIT ${CANDIDATES}`.execute(db);
  return rows;
}

async function vectorCandidates(
  db: Database,
  input: RetrieveInput,
  kbIds: string[],
  model: string,
): Promise<{ model: string; embedding: number[] | null; hits: VectorHit[] }> {
  let embedding: number[];
  try {
    [embedding] = (await embedTextsWithModel(db, { orgId: input.orgId, texts: [input.query], purpose: input.purpose ?? "kb.query", model })).embeddings;
  } catch (error) {
    // No provider for this model now (went offline, budget spent): full text still answers.
    if (error instanceof AiUnavailableError || error instanceof AiBudgetExceededError) return { model, embedding: null, hits: [] };
    throw error;
  }
  const store = await vectorStoreFor(db, input.vectorStore);
  return { model, embedding, hits: await store.nearest(db, { orgId: input.orgId, kbIds, model, embedding, limit: CANDIDATES }) };
}
