import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { enrollOnTagAdded, exitOnOptOut } from "../cadences/enrollments.server";
import type { BulkAction } from "./contact-schemas";

export type BulkResult = { ok: true; selected: number; changed: number } | { ok: false; reason: "not_found" };

const auditAction: Record<BulkAction, string> = {
  addTag: "contacts.bulkTagged",
  removeTag: "contacts.bulkUntagged",
  optOut: "contacts.bulkOptedOut",
  delete: "contacts.bulkDeleted",
};

/**
 * One action over selected contacts, all or nothing: if any id (contact or tag) is not the
 * organization's, nothing changes. `changed` counts rows that actually changed (already tagged,
 * already opted out… are not counted).
 */
export async function applyBulkAction(
  db: Database,
  orgId: string,
  actor: AuditEntry["actor"],
  input: { action: BulkAction; contactIds: string[]; tagId?: string },
): Promise<BulkResult> {
  const contactIds = [...new Set(input.contactIds)];
  return inTransaction(db, async (trx) => {
    const found = await trx.selectFrom("contacts").select("id").where("org_id", "=", orgId).where("id", "in", contactIds).execute();
    if (found.length !== contactIds.length) return { ok: false, reason: "not_found" } as const;
    const tagId = input.tagId;
    if (input.action === "addTag" || input.action === "removeTag") {
      const tag = tagId ? await trx.selectFrom("tags").select("id").where("org_id", "=", orgId).where("id", "=", tagId).executeTakeFirst() : undefined;
      if (!tag) return { ok: false, reason: "not_found" } as const;
    }
    let changed = 0;
    switch (input.action) {
      case "addTag": {
        const inserted = await trx
          .insertInto("contact_tags")
          .columns(["contact_id", "tag_id", "org_id"])
          .expression((eb) =>
            eb
              .selectFrom("contacts")
              .select(["contacts.id as contact_id", sql<string>`${tagId}::uuid`.as("tag_id"), sql<string>`${orgId}::uuid`.as("org_id")])
              .where("contacts.org_id", "=", orgId)
              .where("contacts.id", "in", contactIds)
              .where("contacts.erased_at", "is", null),
          )
          .onConflict((conflict) => conflict.doNothing())
          .returning("contact_id")
          .execute();
        changed = inserted.length;
        await enrollOnTagAdded(trx, orgId, inserted.map((row) => row.contact_id), tagId!);
        break;
      }
      case "removeTag": {
        const deleted = await trx.deleteFrom("contact_tags").where("org_id", "=", orgId).where("tag_id", "=", tagId!).where("contact_id", "in", contactIds).executeTakeFirst();
        changed = Number(deleted.numDeletedRows);
        break;
      }
      case "optOut": {
        const now = new Date();
        const updated = await trx
          .updateTable("contacts")
          .set({ opted_out: true, opted_out_at: now, opt_out_source: "manual", opt_out_reason: null, updated_at: now })
          .where("org_id", "=", orgId)
          .where("id", "in", contactIds)
          .where("opted_out", "=", false)
          .where("erased_at", "is", null)
          .executeTakeFirst();
        changed = Number(updated.numUpdatedRows);
        await exitOnOptOut(trx, orgId, contactIds);
        break;
      }
      case "delete": {
        const deleted = await trx.deleteFrom("contacts").where("org_id", "=", orgId).where("id", "in", contactIds).executeTakeFirst();
        changed = Number(deleted.numDeletedRows);
        break;
      }
    }
    await recordAudit(trx, {
      orgId,
      actor,
      action: auditAction[input.action],
      target: tagId && input.action !== "optOut" && input.action !== "delete" ? { type: "tag", id: tagId } : undefined,
      metadata: { selected: contactIds.length, changed, contactIds },
    });
    return { ok: true, selected: contactIds.length, changed } as const;
  });
}
