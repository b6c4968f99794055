import { parse } from "csv-parse/sync";
import type { Database } from "#db/index.js";
import { normalizePhone } from "../contacts/phone.server";
import { createCsvSniffer, decodeCsv, detectDelimiter } from "../imports/csv-sniff";

// An uploaded list audience: pasted numbers or a CSV, one contact per line.

export const MAX_LIST_ENTRIES = 50_000;
export const MAX_LIST_BYTES = 5 * 1024 * 1024;

export type ListEntry = { rowNumber: number; phone: string; name: string | null; valid: boolean };

const PHONE_LIKE = /\d[\d\s().+-]{5,}/;

function rowsOf(text: string): string[][] {
  try {
    return parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true, trim: true });
  } catch {
    // A broken quote somewhere: fall back to plain splitting rather than refusing the whole list.
    return text.split(/\r?\n/).map((line) => line.split(/[;,\t]/));
  }
}

/**
 * Each line: a phone and optionally a name, in any order (CSV with ";", "," or tabs, quotes allowed).
 * Valid numbers are stored in E.164; an invalid one is kept as written so the start can record why it
 * was skipped. Lines with nothing like a number (a header, a blank) are ignored.
 */
export function parseListText(text: string, country: string): { entries: ListEntry[]; truncated: boolean } {
  const entries: ListEntry[] = [];
  let truncated = false;
  for (const row of rowsOf(text)) {
    const cells = row.map((cell) => cell.trim()).filter(Boolean);
    if (cells.length === 0) continue;
    let phone: string | null = null;
    let phoneIndex = -1;
    for (const [index, cell] of cells.entries()) {
      const normalized = normalizePhone(cell, country);
      if (normalized.ok) {
        phone = normalized.e164;
        phoneIndex = index;
        break;
      }
    }
    const rawIndex = phone ? phoneIndex : cells.findIndex((cell) => PHONE_LIKE.test(cell));
    if (rawIndex < 0) continue;
    if (entries.length >= MAX_LIST_ENTRIES) {
      truncated = true;
      break;
    }
    const name = cells.find((cell, index) => index !== rawIndex && !PHONE_LIKE.test(cell)) ?? null;
    entries.push({ rowNumber: entries.length + 1, phone: phone ?? cells[rawIndex]!.slice(0, 40), name: name?.slice(0, 200) ?? null, valid: phone !== null });
  }
  return { entries, truncated };
}

/** An uploaded file as text: UTF-8 or Excel's Windows-1252; null for a spreadsheet that is not CSV. */
export function decodeListFile(bytes: Uint8Array): string | null {
  const sniffer = createCsvSniffer();
  sniffer.feed(bytes);
  const profile = sniffer.finish();
  return profile.binary ? null : decodeCsv(bytes, profile.encoding);
}

export async function replaceListEntries(db: Database, campaignId: string, entries: readonly ListEntry[]): Promise<void> {
  await db.deleteFrom("campaign_list_entries").where("campaign_id", "=", campaignId).execute();
  for (let start = 0; start < entries.length; start += 2_000) {
    const chunk = entries.slice(start, start + 2_000);
    await db
      .insertInto("campaign_list_entries")
      .values(chunk.map((entry) => ({ campaign_id: campaignId, row_number: entry.rowNumber, phone: entry.phone, name: entry.name })))
      .execute();
  }
}

export async function loadListPhones(db: Database, campaignId: string): Promise<string[]> {
  const rows = await db.selectFrom("campaign_list_entries").select("phone").where("campaign_id", "=", campaignId).orderBy("row_number").execute();
  return rows.map((row) => row.phone);
}

export async function countListEntries(db: Database, campaignId: string): Promise<number> {
  const { count } = await db.selectFrom("campaign_list_entries").select((eb) => eb.fn.countAll<number>().as("count")).where("campaign_id", "=", campaignId).executeTakeFirstOrThrow();
  return Number(count);
}
