import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import type { Database } from "#db/index.js";
import { MAX_IMPORT_BYTES, type StoreFailure, storeImportFile } from "./import-file.server";

export type UploadFailure = StoreFailure | "missing" | "malformed";
export type UploadResult = { ok: true; importId: string } | { ok: false; error: UploadFailure };

/**
 * What a too-large upload may still send after we stop storing it. Reading it to the end lets the
 * browser receive our answer (a friendly error) instead of a reset connection; server/app.ts refuses
 * bodies declared larger than this outright.
 */
export const MAX_UPLOAD_REQUEST_BYTES = 4 * MAX_IMPORT_BYTES;

async function drain(data: AsyncIterator<Uint8Array>, budget: number) {
  for (let next = await data.next(); !next.done; next = await data.next()) {
    budget -= next.value.length;
    if (budget < 0) throw new Error("upload body over the drain budget");
  }
}

/**
 * Reads a multipart form whose `file` part is the CSV, streaming it straight into Postgres: the
 * body never sits in memory whole. Other parts are ignored.
 */
export async function receiveImportUpload(db: Database, request: Request, owner: { orgId: string; userId: string }, maxBytes = MAX_IMPORT_BYTES): Promise<UploadResult> {
  let result: UploadResult | undefined;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    const iterator = data[Symbol.asyncIterator]();
    if (name !== "file" || result) {
      await drain(iterator, MAX_UPLOAD_REQUEST_BYTES);
      return undefined;
    }
    result = filename ? await storeImportFile(db, { ...owner, filename, data: iterator, maxBytes }) : { ok: false, error: "missing" };
    await drain(iterator, MAX_UPLOAD_REQUEST_BYTES);
    return undefined;
  };
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) return { ok: false, error: "malformed" };
  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (result?.ok) await db.deleteFrom("contact_imports").where("id", "=", result.importId).execute();
    // A broken or cut-off multipart body (the browser gave up) is the client's problem; anything else is ours.
    if (error instanceof Error && /malformed|unexpected end|Could not parse|drain budget/i.test(error.message)) return { ok: false, error: "malformed" };
    throw error;
  }
  return result ?? { ok: false, error: "missing" };
}
