import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { OFFLINE_EMBEDDING_MODEL } from "../offline-embedder";

export type VectorStoreKind = "pgvector" | "exact";

export type NearestInput = { orgId: string; kbIds: string[]; model: string; embedding: number[]; limit: number };
export type VectorHit = { id: string; similarity: number };

export interface VectorStore {
  kind: VectorStoreKind;
  nearest(db: Database, input: NearestInput): Promise<VectorHit[]>;
}

/** Widths with an HNSW index (the ai_core migration); other widths use pgvector without an index. */
export const HNSW_DIMENSIONS = new Set([256, 384, 512, 768, 1024, 1536]);
/**
 * Candidates the HNSW graph explores per query. The offline embedder's hashed vectors sit close
 * together (many near-ties), so the graph needs a wide search to keep recall@10 ≥ 0.95 at 100k
 * chunks (bench/kb-retrieval.ts with m 64 / ef_construction 512: about 0.7 at 100, 0.89–0.92 at 400,
 * 0.96–0.98 at 800, no better at pgvector's maximum of 1000); learned embeddings spread out and do
 * with pgvector's usual 100.
 */
export const HNSW_EF_SEARCH = 100;
export const OFFLINE_HNSW_EF_SEARCH = 800;

export function efSearchFor(model: string): number {
  return model === OFFLINE_EMBEDDING_MODEL ? OFFLINE_HNSW_EF_SEARCH : HNSW_EF_SEARCH;
}

const vectorLiteral = (embedding: number[]) => `[${embedding.join(",")}]`;
const arrayLiteral = (embedding: number[]) => `{${embedding.join(",")}}`;

/** pgvector: the real[] column cast to vector(n) matches the partial HNSW index for that width. */
export const pgvectorStore: VectorStore = {
  kind: "pgvector",
  async nearest(db, { orgId, kbIds, model, embedding, limit }) {
    const dims = sql.lit(embedding.length);
    const query = sql`${vectorLiteral(embedding)}::vector(${dims})`;
    const search = async (trx: Database) => {
      await sql`SET LOCAL hnsw.ef_search = ${sql.lit(efSearchFor(model))}`.execute(trx);
      // pgvector ≥ 0.8: keep walking the graph when the org/kb filter discards candidates.
      if (await supportsIterativeScan(db)) await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(trx);
      const { rows } = await sql<VectorHit>`
        SELECT id, 1 - (embedding::vector(${dims}) <=> ${query}) AS similarity
        FROM kb_chunks
        WHERE embedding_dims = ${dims} AND org_id = ${orgId} AND kb_id = ANY(${kbIds}::uuid[]) AND embedding_model = ${model}
        ORDER BY embedding::vector(${dims}) <=> ${query}
        LIMIT ${limit}`.execute(trx);
      // relaxed_order may return a nearly sorted list.
      return rows.sort((a, b) => b.similarity - a.similarity);
    };
    // SET LOCAL needs a transaction; inside the caller's it simply lasts until that one ends.
    return db.isTransaction ? search(db) : db.transaction().execute(search);
  },
};

/** No extension: exact cosine (dot product of normalized vectors) over real[]. */
export const exactStore: VectorStore = {
  kind: "exact",
  async nearest(db, { orgId, kbIds, model, embedding, limit }) {
    const { rows } = await sql<VectorHit>`
      SELECT id, kb_dot(embedding, ${arrayLiteral(embedding)}::real[]) AS similarity
      FROM kb_chunks
      WHERE org_id = ${orgId} AND kb_id = ANY(${kbIds}::uuid[]) AND embedding_model = ${model} AND embedding_dims = ${embedding.length}
      ORDER BY similarity DESC, id
      LIMIT ${limit}`.execute(db);
    return rows;
  },
};

type VectorSupport = { installed: boolean; iterativeScan: boolean };
const support = new WeakMap<Database, Promise<VectorSupport>>();

export function vectorSupport(db: Database): Promise<VectorSupport> {
  let found = support.get(db);
  if (!found) {
    found = sql<{ extversion: string }>`SELECT extversion FROM pg_extension WHERE extname = 'vector'`.execute(db).then(({ rows }) => {
      const version = rows[0]?.extversion;
      if (!version) return { installed: false, iterativeScan: false };
      const [major, minor] = version.split(".").map(Number);
      return { installed: true, iterativeScan: major > 0 || minor >= 8 };
    });
    support.set(db, found);
  }
  return found;
}

async function supportsIterativeScan(db: Database): Promise<boolean> {
  return (await vectorSupport(db)).iterativeScan;
}

export async function vectorStoreFor(db: Database, forced?: VectorStoreKind): Promise<VectorStore> {
  if (forced === "exact") return exactStore;
  if (forced === "pgvector") return pgvectorStore;
  return (await vectorSupport(db)).installed ? pgvectorStore : exactStore;
}
