import { CsvError } from "csv-parse";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { isLocale, type Locale, type MessageKey, translate } from "~/lib/i18n";
import { recordAudit } from "../audit/audit.server";
import { type BatchCounts, type BatchEntry, type TagCache, writeBatch } from "./import-batch.server";
import { readImportRecords } from "./import-file.server";
import { findImport, listCustomFields } from "./imports.server";
import type { ImportMapping } from "./mapping";
import { buildPlan, isBlankRecord, mapRow, type RowProblem } from "./rows.server";

export const IMPORT_BATCH_SIZE = 2_000;
const PROGRESS_EVERY_MS = 1_000;

export type RunOptions = {
  batchSize?: number;
  /** Called after each batch commits; tests throw from it to simulate a crash mid-import. */
  afterBatch?: (batch: number) => void | Promise<void>;
};

export type RunOutcome = { status: "completed" | "failed" | "notRunnable" } & Partial<BatchCounts>;

/** Another run of the same import moved it on under us; this run stops and leaves it to that one. */
class LostRaceError extends Error {}

/**
 * The contactImport.run job. Each batch commits its contacts, tags, errors and counters together, so
 * a run that dies part-way resumes after the last committed row: contacts are upserts and errors are
 * keyed by row, so nothing is duplicated, and the counters stay exact.
 */
export async function runContactImport(db: Database, importId: string, options: RunOptions = {}): Promise<RunOutcome> {
  const claimed = await db
    .updateTable("contact_imports")
    .set((eb) => ({ status: "running", started_at: eb.fn.coalesce("started_at", eb.val(new Date())) }))
    .where("id", "=", importId)
    .where("status", "in", ["queued", "running"])
    .returning(["org_id"])
    .executeTakeFirst();
  if (!claimed) return { status: "notRunnable" };
  const upload = (await findImport(db, claimed.org_id, importId))!;
  const org = await db.selectFrom("organizations").select(["country", "locale"]).where("id", "=", claimed.org_id).executeTakeFirstOrThrow();
  const locale: Locale = isLocale(org.locale) ? org.locale : "pt-BR";
  const say = (problem: RowProblem) => describeProblem(locale, problem);
  const publish = throttle(() => publishLiveEvent({ orgId: claimed.org_id, type: LiveEventTypes.importProgress, ids: { importId } }), PROGRESS_EVERY_MS);
  await publish(true);

  const plan = buildPlan(upload.mapping ?? ({ columns: [] } satisfies ImportMapping), await listCustomFields(db, claimed.org_id), org.country);
  if (!plan) return failImport(db, importId, { key: "imports.failure.noPhoneColumn" });
  const existingTags = upload.tagIds.length
    ? await db.selectFrom("tags").select("id").where("org_id", "=", claimed.org_id).where("id", "in", upload.tagIds).execute()
    : [];
  const target = { orgId: claimed.org_id, importId, onExisting: upload.onExisting, tagIds: existingTags.map((tag) => tag.id) };

  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const tagCache: TagCache = new Map();
  const firstRowOfPhone = new Map<string, number>();
  const resumeAfter = upload.processedRows; // rows an earlier, interrupted run already wrote
  let committed = resumeAfter;
  let batches = 0;
  let pending: BatchEntry[] = [];

  const write = async (entries: BatchEntry[]) => {
    await inTransaction(db, async (trx) => {
      const counts = await writeBatch(trx, target, entries, tagCache);
      const moved = await trx
        .updateTable("contact_imports")
        .set((eb) => ({
          processed_rows: eb("processed_rows", "+", entries.length),
          created_count: eb("created_count", "+", counts.created),
          updated_count: eb("updated_count", "+", counts.updated),
          skipped_count: eb("skipped_count", "+", counts.skipped),
          error_count: eb("error_count", "+", counts.errors),
          total_rows: sql`greatest(total_rows, processed_rows + ${entries.length})`,
        }))
        .where("id", "=", importId)
        .where("status", "=", "running")
        .where("processed_rows", "=", committed)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) throw new LostRaceError();
    });
    committed += entries.length;
    await publish();
    await options.afterBatch?.(++batches);
  };
  // One batch is written while the next is parsed and mapped: Postgres and this process work at the same time.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    writing = write(pending);
    writing.catch(() => undefined); // awaited (and rethrown) at the next flush or at the end
    pending = [];
  };

  let rowNumber = 0; // as a spreadsheet numbers them: the header is row 1
  let dataRows = 0;
  try {
    for await (const record of readImportRecords(db, upload)) {
      if (++rowNumber === 1 || isBlankRecord(record)) continue;
      dataRows++;
      const mapped = mapRow(record, plan);
      let entry: BatchEntry;
      if (!mapped.ok) entry = { rowNumber, record, error: say(mapped.problem) };
      else {
        const first = firstRowOfPhone.get(mapped.contact.phone);
        if (first === undefined) firstRowOfPhone.set(mapped.contact.phone, rowNumber);
        entry = first === undefined ? { rowNumber, record, contact: mapped.contact } : { rowNumber, record, error: say({ key: "imports.row.duplicate", vars: { row: first } }) };
      }
      // Rows an earlier run wrote are replayed only to rebuild firstRowOfPhone.
      if (dataRows <= resumeAfter) continue;
      pending.push(entry);
      if (pending.length >= batchSize) await flush();
    }
    if (pending.length) await flush();
    await writing;
  } catch (error) {
    if (error instanceof LostRaceError) return { status: "notRunnable" };
    if (error instanceof CsvError) {
      // Every record before the break parsed fine: keep them, as the failure message promises.
      if (pending.length) await flush();
      await writing;
      return failImport(db, importId, { key: "imports.failure.malformed", vars: { line: Number(error.lines ?? rowNumber) } });
    }
    throw error;
  }
  return finish(db, importId, committed, publish);
}

async function finish(db: Database, importId: string, processed: number, publish: ReturnType<typeof throttle>): Promise<RunOutcome> {
  const outcome = await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable("contact_imports")
      .set({ status: "completed", finished_at: new Date(), total_rows: processed })
      .where("id", "=", importId)
      .where("status", "=", "running")
      .where("processed_rows", "=", processed)
      .returning(["org_id", "created_by", "filename", "created_count", "updated_count", "skipped_count", "error_count", "started_at", "finished_at"])
      .executeTakeFirst();
    if (!done) return { status: "notRunnable" as const };
    const counts = { created: done.created_count, updated: done.updated_count, skipped: done.skipped_count, errors: done.error_count };
    await recordAudit(trx, {
      orgId: done.org_id,
      actor: { type: done.created_by ? "user" : "system", id: done.created_by },
      action: "contacts.imported",
      target: { type: "contact_import", id: importId },
      metadata: { filename: done.filename, rows: processed, ...counts, durationMs: done.finished_at!.getTime() - done.started_at!.getTime() },
    });
    // The rows are now contacts and the errors keep their own copy: the raw file (personal data) goes.
    await trx.deleteFrom("contact_import_chunks").where("import_id", "=", importId).execute();
    return { status: "completed" as const, ...counts };
  });
  await publish(true);
  return outcome;
}

/** A failure that retrying cannot fix (a malformed file, a mapping without phone, no attempts left): stop and say why. */
export async function failImport(db: Database, importId: string, reason: RowProblem): Promise<RunOutcome> {
  const org = await db
    .selectFrom("contact_imports")
    .innerJoin("organizations", "organizations.id", "contact_imports.org_id")
    .select("organizations.locale")
    .where("contact_imports.id", "=", importId)
    .executeTakeFirst();
  const failure = describeProblem(isLocale(org?.locale) ? org.locale : "pt-BR", reason);
  const failed = await inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("contact_imports")
      .set({ status: "failed", failure, finished_at: new Date() })
      .where("id", "=", importId)
      .where("status", "in", ["queued", "running"])
      .returning("org_id")
      .executeTakeFirst();
    if (row) await trx.deleteFrom("contact_import_chunks").where("import_id", "=", importId).execute();
    return row;
  });
  if (failed) await publishLiveEvent({ orgId: failed.org_id, type: LiveEventTypes.importProgress, ids: { importId } });
  return { status: "failed" };
}

export function describeProblem(locale: Locale, problem: RowProblem): string {
  const vars = problem.vars && typeof problem.vars.problem === "string" ? { ...problem.vars, problem: translate(locale, problem.vars.problem as MessageKey) } : problem.vars;
  return translate(locale, problem.key, vars);
}

/** Progress events for the live page: at most one per `ms`, unless forced (start and end). */
function throttle(send: () => Promise<void>, ms: number) {
  let last = 0;
  return async (force = false) => {
    const now = Date.now();
    if (!force && now - last < ms) return;
    last = now;
    await send();
  };
}
