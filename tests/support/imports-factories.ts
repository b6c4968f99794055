import type { Database } from "../../db/index.js";
import { storeImportFile } from "../../app/modules/imports/import-file.server.js";
import type { ColumnTarget, OnExisting } from "../../app/modules/imports/mapping.js";

/** Bytes as Excel writes a "CSV (separado por vírgulas)" in Brazil: Windows-1252. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from([...text].map((char) => {
    const code = char.charCodeAt(0);
    if (code > 0xff) throw new Error(`not Latin-1: ${char}`);
    return code;
  }));
}

export function utf8(text: string, options: { bom?: boolean } = {}): Uint8Array {
  return new TextEncoder().encode(options.bom ? `\ufeff${text}` : text);
}

async function* pieces(bytes: Uint8Array, size: number) {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Stores a file the way an upload does (in small pieces, like a multipart stream) and returns its id. */
export async function storeCsv(db: Database, owner: { orgId: string; userId: string }, bytes: Uint8Array, options: { filename?: string; pieceSize?: number; maxBytes?: number } = {}) {
  const result = await storeImportFile(db, {
    ...owner,
    filename: options.filename ?? "contatos.csv",
    data: pieces(bytes, options.pieceSize ?? 64 * 1024)[Symbol.asyncIterator](),
    maxBytes: options.maxBytes,
  });
  if (!result.ok) throw new Error(`upload refused: ${result.error}`);
  return result.importId;
}

/** Marks an import queued with this mapping, as the mapping form does, without enqueueing a job (tests call the job directly). */
export async function queueImport(db: Database, importId: string, mapping: { columns: ColumnTarget[]; onExisting?: OnExisting; tagIds?: string[] }) {
  await db
    .updateTable("contact_imports")
    .set({ status: "queued", mapping: JSON.stringify({ columns: mapping.columns }), on_existing: mapping.onExisting ?? "update", tag_ids: JSON.stringify(mapping.tagIds ?? []) })
    .where("id", "=", importId)
    .execute();
}
