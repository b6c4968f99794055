import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { type CustomField, type CustomFieldType, isCustomFieldType } from "./custom-fields";

export async function listCustomFields(db: Database, orgId: string): Promise<CustomField[]> {
  const rows = await db.selectFrom("custom_fields").select(["id", "key", "label", "type", "options", "position"]).where("org_id", "=", orgId).orderBy("position").orderBy("label").execute();
  return rows.flatMap((row) => (isCustomFieldType(row.type) ? [{ ...row, type: row.type, options: Array.isArray(row.options) ? row.options.map(String) : [] }] : []));
}

export type CustomFieldWriteResult = { ok: true; id: string } | { ok: false; reason: "duplicate_key" | "not_found" | "options_required" };

export async function createCustomField(
  db: Database,
  orgId: string,
  input: { key: string; label: string; type: CustomFieldType; options: string[] },
): Promise<CustomFieldWriteResult> {
  try {
    const row = await db
      .insertInto("custom_fields")
      .values({
        org_id: orgId,
        key: input.key,
        label: input.label,
        type: input.type,
        options: JSON.stringify(input.type === "select" ? input.options : []),
        position: sql<number>`(select coalesce(max(position) + 1, 0) from custom_fields where org_id = ${orgId})`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true, id: row.id };
  } catch (error) {
    if ((error as { code?: string }).code === "23505") return { ok: false, reason: "duplicate_key" };
    throw error;
  }
}

/**
 * Label, options and position can change; key and type cannot, because stored values and saved
 * segment filters refer to them. Values no longer among a select's options stay until edited.
 */
export async function updateCustomField(db: Database, orgId: string, fieldId: string, input: { label: string; options: string[]; position?: number }): Promise<CustomFieldWriteResult> {
  const field = await db.selectFrom("custom_fields").select("type").where("org_id", "=", orgId).where("id", "=", fieldId).executeTakeFirst();
  if (!field) return { ok: false, reason: "not_found" };
  if (field.type === "select" && input.options.length === 0) return { ok: false, reason: "options_required" };
  await db
    .updateTable("custom_fields")
    .set({ label: input.label, options: JSON.stringify(field.type === "select" ? input.options : []), ...(input.position === undefined ? {} : { position: input.position }) })
    .where("org_id", "=", orgId)
    .where("id", "=", fieldId)
    .execute();
  return { ok: true, id: fieldId };
}

/** Deletes the definition and the values stored under its key (they are personal data nobody can see any more). */
export async function deleteCustomField(db: Database, orgId: string, fieldId: string, actor: AuditEntry["actor"]): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const field = await trx.deleteFrom("custom_fields").where("org_id", "=", orgId).where("id", "=", fieldId).returning(["key", "label"]).executeTakeFirst();
    if (!field) return false;
    const cleared = await trx
      .updateTable("contacts")
      .set({ attributes: sql`attributes - ${field.key}::text` })
      .where("org_id", "=", orgId)
      .where(sql<boolean>`attributes ? ${field.key}`)
      .executeTakeFirst();
    await recordAudit(trx, {
      orgId,
      actor,
      action: "customField.deleted",
      target: { type: "custom_field", id: fieldId },
      metadata: { key: field.key, label: field.label, clearedContacts: Number(cleared.numUpdatedRows) },
    });
    return true;
  });
}
