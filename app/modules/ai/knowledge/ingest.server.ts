import type { Database } from "#db/index.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { AiBudgetExceededError, AiUnavailableError } from "../errors";
import { embedTextsWithModel } from "../runtime.server";
import { chunkText } from "./chunker";
import { contentHash } from "./documents.server";
import { detectFormat, extractText, ExtractError } from "./extract.server";
import { fetchDocumentUrl, UrlFetchError } from "./fetch-url.server";
import { startReembed } from "./knowledge-bases.server";

const EMBED_BATCH = 64;
const PROGRESS_EVERY_MS = 500;

export type IngestOutcome = "ready" | "failed" | "skipped";

/** A provider hiccup the job should retry; anything else fails the document with a readable reason. */
function isTransient(error: unknown): boolean {
  return error instanceof AiUnavailableError && (error.reason === "rate_limited" || error.reason === "provider_error" || error.reason === "unreachable");
}

/**
 * Turns one document into embedded chunks: fetch (URL) or read (upload) → extract text → chunk →
 * embed in batches (progress published as it goes) → replace the document's chunks in one
 * transaction. Running it again redoes the same work, so a retry after a crash is safe.
 */
export async function ingestDocument(
  db: Database,
  documentId: string,
  options: { finalAttempt?: boolean; allowPrivateUrls?: boolean } = {},
): Promise<IngestOutcome> {
  const doc = await db
    .selectFrom("kb_documents as d")
    .innerJoin("knowledge_bases as kb", "kb.id", "d.kb_id")
    .select(["d.id", "d.org_id", "d.kb_id", "d.title", "d.source_kind", "d.source_ref", "d.mime", "d.source_bytes", "d.content", "d.status", "kb.embedding_model"])
    .where("d.id", "=", documentId)
    .executeTakeFirst();
  if (!doc || doc.status === "ready") return "skipped";
  const orgId = doc.org_id;
  const publish = () => publishLiveEvent({ orgId, type: LiveEventTypes.kbDocumentProgress, ids: { knowledgeBaseId: doc.kb_id, documentId } });
  const setProgress = async (progress: number, extra: Record<string, unknown> = {}) => {
    await db.updateTable("kb_documents").set({ progress, updated_at: new Date(), ...extra }).where("id", "=", documentId).execute();
    await publish();
  };

  try {
    await setProgress(5, { status: "processing", error: null });
    let content = doc.content;
    if (content === null) {
      const extracted = await readSource(doc, options.allowPrivateUrls);
      content = extracted.text;
      const title = doc.source_kind === "url" && extracted.title && doc.title === doc.source_ref ? extracted.title.slice(0, 300) : doc.title;
      await setProgress(20, { content, content_hash: contentHash(content), source_bytes: null, title, mime: extracted.mime ?? doc.mime });
    }

    const chunks = chunkText(content);
    const embeddings: number[][] = [];
    let lastPublish = 0;
    for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
      const batch = chunks.slice(start, start + EMBED_BATCH);
      const texts = batch.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.content}` : chunk.content));
      const { embeddings: vectors } = await embedTextsWithModel(db, { orgId, texts, purpose: "kb.embed", model: doc.embedding_model });
      embeddings.push(...vectors);
      if (Date.now() - lastPublish > PROGRESS_EVERY_MS) {
        lastPublish = Date.now();
        await setProgress(20 + Math.floor((75 * embeddings.length) / chunks.length));
      }
    }

    const modelChanged = await db.transaction().execute(async (trx) => {
      // Lock the knowledge base so a model switch cannot slip between embedding and storing.
      const kb = await trx.selectFrom("knowledge_bases").select(["embedding_model", "embedding_dimensions"]).where("id", "=", doc.kb_id).forUpdate().executeTakeFirstOrThrow();
      await trx.deleteFrom("kb_chunks").where("document_id", "=", documentId).execute();
      if (chunks.length > 0) {
        await trx
          .insertInto("kb_chunks")
          .values(
            chunks.map((chunk, index) => ({
              org_id: orgId,
              kb_id: doc.kb_id,
              document_id: documentId,
              position: chunk.position,
              heading: chunk.heading,
              content: chunk.content,
              embedding: embeddings[index],
              embedding_model: doc.embedding_model,
            })),
          )
          .execute();
      }
      if (kb.embedding_dimensions === null && kb.embedding_model === doc.embedding_model && embeddings[0]) {
        await trx.updateTable("knowledge_bases").set({ embedding_dimensions: embeddings[0].length }).where("id", "=", doc.kb_id).execute();
      }
      await trx
        .updateTable("kb_documents")
        .set({ status: "ready", progress: 100, chunk_count: chunks.length, error: null, updated_at: new Date() })
        .where("id", "=", documentId)
        .execute();
      return kb.embedding_model !== doc.embedding_model ? kb : null;
    });
    // The model changed while this document was embedding: its chunks join the re-embed.
    if (modelChanged) await startReembed(db, orgId, doc.kb_id, modelChanged.embedding_model, modelChanged.embedding_dimensions);
    await publish();
    return "ready";
  } catch (error) {
    if (isTransient(error) && options.finalAttempt === false) {
      await setProgress(0, { status: "queued", error: (error as Error).message.slice(0, 500) });
      throw error;
    }
    await setProgress(0, { status: "failed", error: failureMessage(error) });
    if (error instanceof ExtractError || error instanceof UrlFetchError || error instanceof AiUnavailableError || error instanceof AiBudgetExceededError) return "failed";
    throw error;
  }
}

async function readSource(doc: { source_kind: string; source_ref: string | null; mime: string | null; source_bytes: Buffer | null }, allowPrivate?: boolean) {
  if (doc.source_kind === "url") {
    const fetched = await fetchDocumentUrl(doc.source_ref ?? "", { allowPrivate });
    return { ...(await extractText(fetched.bytes, fetched.format)), mime: fetched.mime };
  }
  const format = detectFormat(doc.source_ref, doc.mime);
  if (!format || !doc.source_bytes) throw new ExtractError("unsupported_format", "the uploaded file is missing or of an unsupported type");
  return { ...(await extractText(new Uint8Array(doc.source_bytes), format)), mime: doc.mime };
}

function failureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 500);
}
