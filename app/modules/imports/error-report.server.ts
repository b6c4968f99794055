import { stringify } from "csv-stringify/sync";
import type { Database } from "#db/index.js";
import { type Locale, translate } from "~/lib/i18n";
import { asDelimiter } from "./import-file.server";
import { type ContactImport, listImportErrors } from "./imports.server";

const PAGE = 1_000;

/**
 * The rows that were not imported, as a CSV the user can fix and upload again: row number, reason,
 * then the original columns. Same delimiter as the upload, with a BOM so Excel reads UTF-8 accents.
 * Streamed page by page, so a file with many errors never sits in memory.
 */
export function importErrorsCsv(db: Database, orgId: string, upload: Pick<ContactImport, "id" | "headers" | "delimiter">, locale: Locale): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const delimiter = asDelimiter(upload.delimiter);
  const header = [translate(locale, "imports.errors.row"), translate(locale, "imports.errors.message"), ...upload.headers];
  let afterRow: number | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (afterRow === undefined) {
        afterRow = 0;
        controller.enqueue(encoder.encode(`\ufeff${stringify([header], { delimiter })}`));
        return;
      }
      const page = await listImportErrors(db, orgId, upload.id, { afterRow, limit: PAGE });
      if (!page.length) return controller.close();
      afterRow = page[page.length - 1]!.row_number;
      const records = page.map((error) => [String(error.row_number), error.message, ...(Array.isArray(error.raw) ? error.raw.map((value) => String(value ?? "")) : [])]);
      controller.enqueue(encoder.encode(stringify(records, { delimiter })));
    },
  });
}

/** `attachment` with an ASCII fallback name and the real one (accents and all) per RFC 6266. */
export function errorsFilename(filename: string): string {
  const name = `erros-${filename.replace(/\.(csv|txt)$/i, "")}.csv`;
  const ascii = name.normalize("NFD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
