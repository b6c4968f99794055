import { createHash } from "node:crypto";
import { parse as parseStream } from "csv-parse";
import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { type CsvDelimiter, type CsvEncoding, createCsvSniffer, decodeCsv, HEAD_BYTES } from "./csv-sniff";

// The uploaded file, kept in Postgres as ordered ~1 MB chunks so any machine can read it back.

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const CHUNK_BYTES = 1024 * 1024;
export const MAX_COLUMNS = 100;
/** An upload that never finished (its web process died) is swept after this long. */
const STALE_UPLOAD = "1 hour";

export type StoreFailure = "empty" | "tooLarge" | "notCsv" | "noHeader" | "tooManyColumns";
export type StoreResult = { ok: true; importId: string } | { ok: false; error: StoreFailure };

export const csvParseOptions = (delimiter: string) => ({
  delimiter,
  relax_column_count: true,
  // `5" tela` in an unquoted field is data, not a broken quote.
  relax_quotes: true,
});

/**
 * Streams `data` into contact_import_chunks while hashing it and sniffing its encoding and delimiter.
 * Reading stops at the first byte past `maxBytes`; the caller drains the rest of the request body.
 */
export async function storeImportFile(
  db: Database,
  input: { orgId: string; userId: string | null; filename: string; data: AsyncIterator<Uint8Array>; maxBytes?: number },
): Promise<StoreResult> {
  const maxBytes = input.maxBytes ?? MAX_IMPORT_BYTES;
  await db
    .deleteFrom("contact_imports")
    .where("org_id", "=", input.orgId)
    .where("status", "=", "uploading")
    .where("created_at", "<", sql<Date>`now() - ${STALE_UPLOAD}::interval`)
    .execute();
  const { id: importId } = await db
    .insertInto("contact_imports")
    .values({ org_id: input.orgId, created_by: input.userId, filename: input.filename.slice(0, 255), storage_key: "postgres:contact_import_chunks", file_sha256: "", size_bytes: 0, status: "uploading" })
    .returning("id")
    .executeTakeFirstOrThrow();

  const discard = async (error: StoreFailure): Promise<StoreResult> => {
    await db.deleteFrom("contact_imports").where("id", "=", importId).execute();
    return { ok: false, error };
  };

  try {
    const hash = createHash("sha256");
    const sniffer = createCsvSniffer();
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    let seq = 0;
    let size = 0;
    const flush = async () => {
      if (filled === 0) return;
      await db.insertInto("contact_import_chunks").values({ import_id: importId, seq: seq++, data: Buffer.from(buffer.subarray(0, filled)) }).execute();
      filled = 0;
    };

    for (let next = await input.data.next(); !next.done; next = await input.data.next()) {
      const piece = next.value;
      size += piece.length;
      if (size > maxBytes) return await discard("tooLarge");
      hash.update(piece);
      sniffer.feed(piece);
      for (let offset = 0; offset < piece.length; ) {
        const take = Math.min(piece.length - offset, CHUNK_BYTES - filled);
        buffer.set(piece.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === CHUNK_BYTES) await flush();
      }
    }
    await flush();

    if (size === 0) return await discard("empty");
    const profile = sniffer.finish();
    if (profile.binary) return await discard("notCsv");
    const headers = readRecords(profile.head, profile.encoding, profile.delimiter, 1)[0]?.map((header) => header.trim()) ?? [];
    if (headers.every((header) => header === "")) return await discard("noHeader");
    if (headers.length > MAX_COLUMNS) return await discard("tooManyColumns");

    await db
      .updateTable("contact_imports")
      .set({
        status: "uploaded",
        file_sha256: hash.digest("hex"),
        size_bytes: size,
        encoding: profile.encoding,
        delimiter: profile.delimiter,
        headers: JSON.stringify(headers),
        total_rows: profile.approxRows,
      })
      .where("id", "=", importId)
      .execute();
    return { ok: true, importId };
  } catch (error) {
    await db.deleteFrom("contact_imports").where("id", "=", importId).execute().catch(() => undefined);
    throw error;
  }
}

/** Up to `limit` records from the start of the file; when `bytes` is only its head, the last record may be cut off and is dropped. */
function readRecords(bytes: Uint8Array, encoding: CsvEncoding, delimiter: string, limit: number): string[][] {
  let records: string[][];
  try {
    // A quoted field cut off by the end of the head is skipped rather than failing the whole preview.
    records = parse(decodeCsv(bytes, encoding), { ...csvParseOptions(delimiter), to: limit, skip_records_with_error: true }) as string[][];
  } catch {
    return [];
  }
  return bytes.length >= HEAD_BYTES && records.length < limit ? records.slice(0, -1) : records;
}

/** The header and the first rows, for the mapping step. */
export async function readPreview(db: Database, upload: { id: string; encoding: string | null; delimiter: string | null }, rows = 5): Promise<string[][]> {
  const head = await db
    .selectFrom("contact_import_chunks")
    .select(sql<Buffer>`substring(data from 1 for ${HEAD_BYTES})`.as("data"))
    .where("import_id", "=", upload.id)
    .where("seq", "=", 0)
    .executeTakeFirst();
  if (!head) return [];
  const records = readRecords(head.data, asEncoding(upload.encoding), upload.delimiter ?? ",", rows + 1);
  return records.slice(1);
}

export function asEncoding(value: string | null): CsvEncoding {
  return value === "windows-1252" ? "windows-1252" : "utf-8";
}

export function asDelimiter(value: string | null): CsvDelimiter {
  return value === ";" || value === "\t" ? value : ",";
}

/** The file as text, one chunk at a time (the BOM removed; characters split across chunks joined). */
export async function* readImportText(db: Database, importId: string, encoding: CsvEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  let seq = -1;
  for (;;) {
    const chunk = await db
      .selectFrom("contact_import_chunks")
      .select(["seq", "data"])
      .where("import_id", "=", importId)
      .where("seq", ">", seq)
      .orderBy("seq")
      .limit(1)
      .executeTakeFirst();
    if (!chunk) break;
    seq = chunk.seq;
    yield decoder.decode(chunk.data, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * The file's records, parsed as the text streams in. Records are taken off the parser as it finds
 * them (not through its readable side), so when the file breaks (an unclosed quote at the end) every
 * record before the break is still yielded before the error is thrown.
 */
export async function* readImportRecords(db: Database, upload: { id: string; encoding: string | null; delimiter: string | null }): AsyncGenerator<string[]> {
  let found: string[][] = [];
  const parser = parseStream({
    ...csvParseOptions(asDelimiter(upload.delimiter)),
    on_record: (record: string[]) => {
      found.push(record);
      return null;
    },
  });
  parser.on("error", () => undefined); // reported through the write and end callbacks below
  parser.resume();
  const settle = (feed: (done: (error?: Error | null) => void) => void) => new Promise<Error | undefined>((resolve) => feed((error) => resolve(error ?? undefined)));
  function* take() {
    const records = found;
    found = [];
    yield* records;
  }
  for await (const text of readImportText(db, upload.id, asEncoding(upload.encoding))) {
    const error = await settle((done) => parser.write(text, done));
    yield* take();
    if (error) throw error;
  }
  const error = await settle((done) => parser.end(done));
  yield* take();
  if (error) throw error;
}
