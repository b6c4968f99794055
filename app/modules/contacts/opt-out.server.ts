import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { exitOnOptOut } from "../cadences/enrollments.server";
import type { OptOutSource } from "./contact-schemas";

/** Records that the contact asked not to be messaged; senders must skip opted-out contacts. */
export async function optOutContact(
  db: Database,
  orgId: string,
  contactId: string,
  input: { reason?: string | null; source: OptOutSource; actor: AuditEntry["actor"]; metadata?: Record<string, unknown> },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("contacts")
      .set({ opted_out: true, opted_out_at: new Date(), opt_out_reason: input.reason || null, opt_out_source: input.source, updated_at: new Date() })
      .where("org_id", "=", orgId)
      .where("id", "=", contactId)
      .where("erased_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    await exitOnOptOut(trx, orgId, [contactId]);
    await recordAudit(trx, { orgId, actor: input.actor, action: "contact.optedOut", target: { type: "contact", id: contactId }, metadata: { ...input.metadata, source: input.source } });
    return true;
  });
}

/** Clears the opt-out (the contact agreed again); erased contacts stay opted out. */
export async function optInContact(db: Database, orgId: string, contactId: string, actor: AuditEntry["actor"], metadata?: Record<string, unknown>): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("contacts")
      .set({ opted_out: false, opted_out_at: null, opt_out_reason: null, opt_out_source: null, updated_at: new Date() })
      .where("org_id", "=", orgId)
      .where("id", "=", contactId)
      .where("erased_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, { orgId, actor, action: "contact.optedIn", target: { type: "contact", id: contactId }, ...(metadata ? { metadata } : {}) });
    return true;
  });
}
