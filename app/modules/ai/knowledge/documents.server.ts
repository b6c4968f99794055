import { createHash } from "node:crypto";
import { isIP } from "node:net";
import type { Database } from "#db/index.js";
import { enqueueJob, ensureJobQueue } from "~/modules/inbox/jobs.server";
import { detectFormat, MIME_BY_FORMAT } from "./extract.server";
import { isBlockedAddress, parseDocumentUrl } from "./fetch-url.server";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_TEXT_CHARS = 500_000;

export type KbDocumentStatus = "queued" | "processing" | "ready" | "failed";

export type KbDocumentView = {
  id: string;
  title: string;
  sourceKind: "upload" | "text" | "url";
  sourceRef: string | null;
  mime: string | null;
  status: KbDocumentStatus;
  progress: number;
  chunkCount: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type AddDocumentResult = { ok: true; documentId: string; duplicate: boolean } | { ok: false; error: "unsupported_format" | "too_large" | "empty" | "invalid_url" | "blocked_address" };

type Owner = { orgId: string; kbId: string; userId: string | null };

export function contentHash(text: string): string {
  return createHash("sha256").update(text.normalize("NFC")).digest("hex");
}

export async function listDocuments(db: Database, orgId: string, kbId: string): Promise<KbDocumentView[]> {
  const rows = await db
    .selectFrom("kb_documents")
    .select(["id", "title", "source_kind", "source_ref", "mime", "status", "progress", "chunk_count", "error", "created_at", "updated_at"])
    .where("org_id", "=", orgId)
    .where("kb_id", "=", kbId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(500)
    .execute();
  return rows.map(toView);
}

export async function findDocument(db: Database, orgId: string, kbId: string, documentId: string): Promise<KbDocumentView | null> {
  const row = await db
    .selectFrom("kb_documents")
    .select(["id", "title", "source_kind", "source_ref", "mime", "status", "progress", "chunk_count", "error", "created_at", "updated_at"])
    .where("org_id", "=", orgId)
    .where("kb_id", "=", kbId)
    .where("id", "=", documentId)
    .executeTakeFirst();
  return row ? toView(row) : null;
}

/** The chunks of one document in order, for its detail view. */
export async function listDocumentChunks(db: Database, orgId: string, documentId: string, limit = 200) {
  return db
    .selectFrom("kb_chunks")
    .select(["id", "position", "heading", "content", "embedding_model"])
    .where("org_id", "=", orgId)
    .where("document_id", "=", documentId)
    .orderBy("position")
    .limit(limit)
    .execute();
}

function toView(row: {
  id: string;
  title: string;
  source_kind: string;
  source_ref: string | null;
  mime: string | null;
  status: string;
  progress: number;
  chunk_count: number;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}): KbDocumentView {
  return {
    id: row.id,
    title: row.title,
    sourceKind: row.source_kind as KbDocumentView["sourceKind"],
    sourceRef: row.source_ref,
    mime: row.mime,
    status: row.status as KbDocumentStatus,
    progress: row.progress,
    chunkCount: row.chunk_count,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function addTextDocument(db: Database, owner: Owner, input: { title: string; text: string }): Promise<AddDocumentResult> {
  const text = input.text.trim();
  if (!text) return { ok: false, error: "empty" };
  if (text.length > MAX_TEXT_CHARS) return { ok: false, error: "too_large" };
  const hash = contentHash(text);
  const existing = await findByHash(db, owner, hash);
  if (existing) return { ok: true, documentId: existing, duplicate: true };
  return insertAndQueue(db, owner, { title: input.title, source_kind: "text", mime: "text/plain", content: text, content_hash: hash });
}

export async function addUploadedDocument(
  db: Database,
  owner: Owner,
  input: { title: string | null; filename: string; mime: string | null; bytes: Uint8Array },
): Promise<AddDocumentResult> {
  const format = detectFormat(input.filename, input.mime);
  if (!format || format === "html") return { ok: false, error: "unsupported_format" };
  if (input.bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, error: "too_large" };
  if (input.bytes.byteLength === 0) return { ok: false, error: "empty" };
  return insertAndQueue(db, owner, {
    title: input.title || input.filename,
    source_kind: "upload",
    source_ref: input.filename,
    mime: MIME_BY_FORMAT[format],
    source_bytes: Buffer.from(input.bytes),
  });
}

/** The fetch happens in the job; here only the address's shape is checked (and literal private IPs refused early). */
export async function addUrlDocument(db: Database, owner: Owner, input: { title: string | null; url: string; allowPrivate: boolean }): Promise<AddDocumentResult> {
  const url = parseDocumentUrl(input.url);
  if (!url) return { ok: false, error: "invalid_url" };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!input.allowPrivate && (host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isBlockedAddress(host)))) {
    return { ok: false, error: "blocked_address" };
  }
  return insertAndQueue(db, owner, { title: input.title || url.toString(), source_kind: "url", source_ref: url.toString() });
}

export async function deleteDocument(db: Database, orgId: string, kbId: string, documentId: string): Promise<boolean> {
  const result = await db.deleteFrom("kb_documents").where("org_id", "=", orgId).where("kb_id", "=", kbId).where("id", "=", documentId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Runs a failed document again (a URL that was down, a provider that was unavailable). */
export async function retryDocument(db: Database, orgId: string, kbId: string, documentId: string): Promise<boolean> {
  await ensureJobQueue();
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("kb_documents")
      .set({ status: "queued", progress: 0, error: null, updated_at: new Date() })
      .where("org_id", "=", orgId)
      .where("kb_id", "=", kbId)
      .where("id", "=", documentId)
      .where("status", "=", "failed")
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await queueEmbed(trx, documentId);
    return true;
  });
}

async function findByHash(db: Database, owner: Owner, hash: string): Promise<string | null> {
  const row = await db
    .selectFrom("kb_documents")
    .select("id")
    .where("org_id", "=", owner.orgId)
    .where("kb_id", "=", owner.kbId)
    .where("content_hash", "=", hash)
    .executeTakeFirst();
  return row?.id ?? null;
}

async function insertAndQueue(
  db: Database,
  owner: Owner,
  values: { title: string; source_kind: "upload" | "text" | "url"; source_ref?: string; mime?: string; content?: string; content_hash?: string; source_bytes?: Buffer },
): Promise<AddDocumentResult> {
  await ensureJobQueue();
  const documentId = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("kb_documents")
      .values({ org_id: owner.orgId, kb_id: owner.kbId, created_by: owner.userId, ...values, title: values.title.slice(0, 300) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await queueEmbed(trx, row.id);
    return row.id;
  });
  return { ok: true, documentId, duplicate: false };
}

export function queueEmbed(db: Database, documentId: string) {
  return enqueueJob(db, { identifier: "kbDocument.embed", payload: { documentId }, jobKey: `kb-document:${documentId}`, maxAttempts: 5 });
}
