import { stringify } from "csv-stringify/sync";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { ContactFilter } from "./contact-filter";
import { contactsMatching } from "./contact-filter.server";
import { cursorTimestamp, type ContactCursor } from "./cursor.server";
import type { CustomField } from "./custom-fields";
import { tagsByContact } from "./tags.server";

export const CSV_BATCH_SIZE = 2000;

export type CsvDelimiter = "," | ";";

export type CsvLabels = {
  name: string;
  phone: string;
  email: string;
  tags: string;
  optedOut: string;
  optedOutAt: string;
  optOutReason: string;
  optOutSource: string;
  createdAt: string;
  id: string;
  yes: string;
  no: string;
};

/** Spreadsheets run cells that start like a formula; a leading apostrophe makes them plain text. */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The filtered contacts as CSV, streamed in keyset batches so memory stays flat at 100 k rows.
 * UTF-8 with a BOM (Excel reads accents right); `;` with decimal commas for Brazilian Excel.
 * Resolves (and may throw SegmentNotFoundError) before the first byte is sent.
 */
export async function contactsCsvStream(
  db: Database,
  orgId: string,
  filter: ContactFilter,
  options: { delimiter: CsvDelimiter; fields: readonly CustomField[]; labels: CsvLabels; timezone: string; batchSize?: number },
): Promise<ReadableStream<Uint8Array>> {
  const base = await contactsMatching(db, orgId, filter);
  const { delimiter, fields, labels, timezone } = options;
  const batchSize = options.batchSize ?? CSV_BATCH_SIZE;
  const encoder = new TextEncoder();
  const header = [labels.name, labels.phone, labels.email, labels.tags, labels.optedOut, labels.optedOutAt, labels.optOutReason, labels.optOutSource, labels.createdAt, ...fields.map((field) => field.label), labels.id];
  const formatNumber = (value: number) => (delimiter === ";" ? String(value).replace(".", ",") : String(value));
  const localTime = (column: "contacts.created_at" | "contacts.opted_out_at") => sql<string | null>`to_char(${sql.ref(column)} at time zone ${timezone}, 'YYYY-MM-DD HH24:MI:SS')`;
  let cursor: ContactCursor | undefined;
  let started = false;

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${stringify([header], { delimiter })}`));
        return;
      }
      const after = cursor;
      let query = base
        .select(["contacts.id", "contacts.name", "contacts.phone", "contacts.email", "contacts.attributes", "contacts.opted_out", "contacts.opt_out_reason", "contacts.opt_out_source", cursorTimestamp.as("cursor_at")])
        .select([localTime("contacts.created_at").as("created_local"), localTime("contacts.opted_out_at").as("opted_out_local")]);
      if (after) query = query.where((eb) => eb(eb.refTuple("contacts.created_at", "contacts.id"), "<", eb.tuple(sql<Date>`${after.at}::timestamptz`, sql<string>`${after.id}::uuid`)));
      const rows = await query.orderBy("contacts.created_at", "desc").orderBy("contacts.id", "desc").limit(batchSize).execute();
      if (rows.length === 0) {
        controller.close();
        return;
      }
      const tags = await tagsByContact(db, orgId, rows.map((row) => row.id));
      const records = rows.map((row) => {
        const attributes = (row.attributes ?? {}) as Record<string, unknown>;
        return [
          neutralizeFormula(row.name),
          row.phone ?? "",
          neutralizeFormula(row.email ?? ""),
          neutralizeFormula((tags.get(row.id) ?? []).map((tag) => tag.name).join(", ")),
          row.opted_out ? labels.yes : labels.no,
          row.opted_out_local ?? "",
          neutralizeFormula(row.opt_out_reason ?? ""),
          row.opt_out_source ?? "",
          row.created_local ?? "",
          ...fields.map((field) => {
            const value = attributes[field.key];
            if (value === undefined || value === null) return "";
            return typeof value === "number" ? formatNumber(value) : neutralizeFormula(String(value));
          }),
          row.id,
        ];
      });
      controller.enqueue(encoder.encode(stringify(records, { delimiter })));
      const last = rows.at(-1)!;
      cursor = { at: last.cursor_at, id: last.id };
      if (rows.length < batchSize) controller.close();
    },
  });
}
