import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { type CustomField, isCustomFieldType, keyFromLabel } from "../contacts/custom-fields";
import { addJobInTransaction, ensureJobQueue } from "./job-queue.server";
import type { ColumnTarget, ImportMapping, OnExisting } from "./mapping";

export const IMPORT_STATUSES = ["uploading", "uploaded", "queued", "running", "completed", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_TASK = "contactImport.run";
const MAX_ATTEMPTS = 5;

const columns = [
  "id",
  "filename",
  "status",
  "size_bytes",
  "file_sha256",
  "encoding",
  "delimiter",
  "headers",
  "mapping",
  "on_existing",
  "tag_ids",
  "total_rows",
  "processed_rows",
  "created_count",
  "updated_count",
  "skipped_count",
  "error_count",
  "failure",
  "created_by",
  "created_at",
  "started_at",
  "finished_at",
] as const;

type ImportRow = { [K in (typeof columns)[number]]: unknown };

function toImport(row: ImportRow) {
  const date = (value: unknown) => (value ? new Date(value as string | Date).toISOString() : null);
  return {
    id: row.id as string,
    filename: row.filename as string,
    status: row.status as ImportStatus,
    sizeBytes: Number(row.size_bytes),
    fileSha256: row.file_sha256 as string,
    encoding: row.encoding as string | null,
    delimiter: row.delimiter as string | null,
    headers: row.headers as string[],
    mapping: row.mapping as ImportMapping | null,
    onExisting: row.on_existing as OnExisting,
    tagIds: row.tag_ids as string[],
    totalRows: row.total_rows as number,
    processedRows: row.processed_rows as number,
    createdCount: row.created_count as number,
    updatedCount: row.updated_count as number,
    skippedCount: row.skipped_count as number,
    errorCount: row.error_count as number,
    failure: row.failure as string | null,
    createdBy: row.created_by as string | null,
    createdAt: date(row.created_at)!,
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
  };
}

export type ContactImport = ReturnType<typeof toImport>;

export async function findImport(db: Database, orgId: string, importId: string): Promise<ContactImport | undefined> {
  const row = await db.selectFrom("contact_imports").select(columns).where("org_id", "=", orgId).where("id", "=", importId).executeTakeFirst();
  return row ? toImport(row) : undefined;
}

/** Newest first, keyset-paginated: `before` is the id of the last import of the previous page. */
export async function listImports(db: Database, orgId: string, options: { before?: string; limit?: number } = {}) {
  const limit = options.limit ?? 20;
  let query = db
    .selectFrom("contact_imports")
    .select(columns)
    .where("org_id", "=", orgId)
    .where("status", "!=", "uploading")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (options.before) {
    // Compared in SQL, at the timestamps' full (microsecond) precision.
    query = query.where(sql<boolean>`(created_at, id) < (SELECT created_at, id FROM contact_imports WHERE org_id = ${orgId} AND id = ${options.before})`);
  }
  const rows = (await query.execute()).map(toImport);
  return { imports: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}

/** An earlier import of the very same file, to warn before importing it twice. */
export async function findEarlierImportOfFile(db: Database, orgId: string, upload: { id: string; fileSha256: string }) {
  return db
    .selectFrom("contact_imports")
    .select(["id", "created_at"])
    .where("org_id", "=", orgId)
    .where("file_sha256", "=", upload.fileSha256)
    .where("id", "!=", upload.id)
    .where("status", "in", ["queued", "running", "completed"])
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function listTagsForImport(db: Database, orgId: string) {
  return db.selectFrom("tags").select(["id", "name", "color"]).where("org_id", "=", orgId).orderBy("name").limit(500).execute();
}

export async function listCustomFields(db: Database, orgId: string): Promise<CustomField[]> {
  const rows = await db.selectFrom("custom_fields").select(["id", "key", "label", "type", "options", "position"]).where("org_id", "=", orgId).orderBy("position").orderBy("label").execute();
  return rows.flatMap((row) =>
    isCustomFieldType(row.type) ? [{ ...row, type: row.type, options: Array.isArray(row.options) ? (row.options as unknown[]).map(String) : [] }] : [],
  );
}

export type StartImportInput = {
  orgId: string;
  importId: string;
  headers: readonly string[];
  columns: ColumnTarget[];
  onExisting: OnExisting;
  tagIds: string[];
  newTag?: string;
};

export type StartResult = { ok: true; started: boolean } | { ok: false; error: "unknownTag" };

/**
 * Saves the mapping and queues the job in one transaction; only an `uploaded` import moves, so a
 * second submit (double click, back button) changes nothing and the job key keeps the job single.
 */
export async function startImport(db: Database, input: StartImportInput): Promise<StartResult> {
  await ensureJobQueue();
  return inTransaction(db, async (trx) => {
    const current = await trx.selectFrom("contact_imports").select("status").where("org_id", "=", input.orgId).where("id", "=", input.importId).forUpdate().executeTakeFirst();
    if (current?.status !== "uploaded") return { ok: true, started: false };

    const tagIds = new Set(input.tagIds);
    if (tagIds.size) {
      const found = await trx.selectFrom("tags").select("id").where("org_id", "=", input.orgId).where("id", "in", [...tagIds]).execute();
      if (found.length !== tagIds.size) return { ok: false, error: "unknownTag" };
    }
    if (input.newTag) {
      const tag = await trx
        .insertInto("tags")
        .values({ org_id: input.orgId, name: input.newTag })
        .onConflict((conflict) => conflict.constraint("tags_org_name_key").doUpdateSet({ name: (eb) => eb.ref("tags.name") }))
        .returning("id")
        .executeTakeFirstOrThrow();
      tagIds.add(tag.id);
    }

    const columns: ColumnTarget[] = [];
    for (const [index, target] of input.columns.entries()) {
      columns.push(target === "newField" ? `custom:${await ensureTextField(trx, input.orgId, input.headers[index] || `Coluna ${index + 1}`)}` : target);
    }

    await trx
      .updateTable("contact_imports")
      .set({ mapping: JSON.stringify({ columns } satisfies ImportMapping), on_existing: input.onExisting, tag_ids: JSON.stringify([...tagIds]), status: "queued" })
      .where("id", "=", input.importId)
      .execute();
    await addJobInTransaction(trx, IMPORT_TASK, { importId: input.importId }, { jobKey: `${IMPORT_TASK}:${input.importId}`, maxAttempts: MAX_ATTEMPTS });
    return { ok: true, started: true };
  });
}

/** A text custom field labelled after the column; an existing field with the same key is reused. */
async function ensureTextField(db: Database, orgId: string, label: string): Promise<string> {
  const key = keyFromLabel(label);
  await db
    .insertInto("custom_fields")
    .values((eb) => ({
      org_id: orgId,
      key,
      label: label.slice(0, 60),
      type: "text",
      position: eb.selectFrom("custom_fields").select(sql<number>`coalesce(max(position), -1) + 1`.as("next")).where("org_id", "=", orgId),
    }))
    .onConflict((conflict) => conflict.constraint("custom_fields_org_key_key").doNothing())
    .execute();
  return key;
}

/** Only an import nobody started can be thrown away; its chunks go with it. */
export async function discardImport(db: Database, orgId: string, importId: string, actorId: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const deleted = await trx
      .deleteFrom("contact_imports")
      .where("org_id", "=", orgId)
      .where("id", "=", importId)
      .where("status", "=", "uploaded")
      .returning(["filename", "size_bytes"])
      .executeTakeFirst();
    if (!deleted) return false;
    await recordAudit(trx, {
      orgId,
      actor: { type: "user", id: actorId },
      action: "contactImport.discarded",
      target: { type: "contact_import", id: importId },
      metadata: { filename: deleted.filename, sizeBytes: deleted.size_bytes },
    });
    return true;
  });
}

/** Per-row errors in row order, keyset-paginated by row number. */
export async function listImportErrors(db: Database, orgId: string, importId: string, options: { afterRow?: number; limit?: number } = {}) {
  return db
    .selectFrom("contact_import_errors")
    .select(["row_number", "message", "raw"])
    .where("org_id", "=", orgId)
    .where("import_id", "=", importId)
    .where("row_number", ">", options.afterRow ?? 0)
    .orderBy("row_number")
    .limit(options.limit ?? 1000)
    .execute();
}
