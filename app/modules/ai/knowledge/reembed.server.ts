import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { embedTextsWithModel } from "../runtime.server";

const BATCH = 64;

/**
 * Moves every chunk of a knowledge base onto its current embedding model, a batch at a time, each
 * batch committed on its own: a crash resumes where it stopped, and until a chunk is replaced it
 * stays searchable with its old model. When none is left, the previous model is forgotten.
 */
export async function reembedKnowledgeBase(db: Database, knowledgeBaseId: string): Promise<{ reembedded: number }> {
  let reembedded = 0;
  for (;;) {
    const kb = await db.selectFrom("knowledge_bases").select(["id", "org_id", "embedding_model"]).where("id", "=", knowledgeBaseId).executeTakeFirst();
    if (!kb) return { reembedded };
    const stale = await db
      .selectFrom("kb_chunks")
      .select(["id", "heading", "content"])
      .where("kb_id", "=", kb.id)
      .where("embedding_model", "<>", kb.embedding_model)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (stale.length === 0) {
      await db
        .updateTable("knowledge_bases")
        .set({ previous_embedding_model: null, previous_embedding_dimensions: null, updated_at: new Date() })
        .where("id", "=", kb.id)
        .where("embedding_model", "=", kb.embedding_model)
        .execute();
      await publishLiveEvent({ orgId: kb.org_id, type: LiveEventTypes.kbDocumentProgress, ids: { knowledgeBaseId: kb.id } });
      return { reembedded };
    }
    const texts = stale.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.content}` : chunk.content));
    const { embeddings } = await embedTextsWithModel(db, { orgId: kb.org_id, texts, purpose: "kb.reembed", model: kb.embedding_model });
    await db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("knowledge_bases").select("embedding_model").where("id", "=", kb.id).forUpdate().executeTakeFirst();
      // Switched again while embedding: these vectors are already stale; the next round redoes them.
      if (current?.embedding_model !== kb.embedding_model) return;
      await sql`
        UPDATE kb_chunks AS c SET embedding = v.embedding::real[], embedding_model = ${kb.embedding_model}
        FROM jsonb_to_recordset(${JSON.stringify(stale.map((chunk, index) => ({ id: chunk.id, embedding: `{${embeddings[index].join(",")}}` })))}::jsonb)
          AS v(id uuid, embedding text)
        WHERE c.id = v.id`.execute(trx);
      if (embeddings[0]) {
        await trx.updateTable("knowledge_bases").set({ embedding_dimensions: embeddings[0].length }).where("id", "=", kb.id).where("embedding_dimensions", "is", null).execute();
      }
    });
    reembedded += stale.length;
    await publishLiveEvent({ orgId: kb.org_id, type: LiveEventTypes.kbDocumentProgress, ids: { knowledgeBaseId: kb.id } });
  }
}
