import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { exitOnOptOut } from "../cadences/enrollments.server";
import { setConnectionStatus } from "../channels/connections.server";
import type { SendError } from "../channels/types";

/**
 * What a failed send teaches us beyond the one message, for every sender (inbox, campaigns,
 * cadences): the contact opted out at the provider (21610), the connection is broken (expired
 * token), or the number must slow down (spam limit, policy block). Returns true when the contact
 * was newly opted out.
 */
export async function applySendFailureConsequence(
  db: Database,
  target: { orgId: string; connectionId: string; contactId: string | null },
  failure: SendError,
): Promise<boolean> {
  if (failure.consequence === "opted_out") {
    if (!target.contactId) return false;
    const contactId = target.contactId;
    return inTransaction(db, async (trx) => {
      const contact = await trx
        .updateTable("contacts")
        .set({ opted_out: true, opted_out_at: new Date(), opt_out_source: "provider", opt_out_reason: `${failure.code}: ${failure.message}`.slice(0, 500), updated_at: new Date() })
        .where("id", "=", contactId)
        .where("org_id", "=", target.orgId)
        .where("opted_out", "=", false)
        .returning("id")
        .executeTakeFirst();
      if (contact) {
        await exitOnOptOut(trx, target.orgId, [contact.id]);
        await recordAudit(trx, { orgId: target.orgId, actor: { type: "system" }, action: "contact.optedOut", target: { type: "contact", id: contact.id }, metadata: { source: "provider", code: failure.code } });
      }
      return Boolean(contact);
    });
  }
  if (failure.consequence === "connection_broken") {
    await setConnectionStatus(db, target.connectionId, "error", { lastError: `${failure.code}: ${failure.message}` });
  } else if (failure.consequence === "pause_sending") {
    const row = await db.selectFrom("channel_connections").select("status").where("id", "=", target.connectionId).executeTakeFirstOrThrow();
    await setConnectionStatus(db, target.connectionId, row.status as Parameters<typeof setConnectionStatus>[2], { warning: `${failure.code}: ${failure.message}` });
  }
  return false;
}
