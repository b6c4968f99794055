import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { normalizePhone } from "../contacts/phone.server";

export type Sender = { phone?: string; lid?: string; name?: string };

/** Providers send E.164 already; anything else that still looks like a number is kept as +digits. */
export function senderPhone(phone: string | undefined): string | null {
  if (!phone?.trim()) return null;
  const normalized = normalizePhone(phone);
  if (normalized.ok) return normalized.e164;
  const digits = phone.replace(/\D/g, "");
  return digits.length >= 6 ? `+${digits}` : null;
}

async function lockKey(trx: Database, orgId: string, key: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${orgId}:${key}`}, 0))`.execute(trx);
}

/**
 * The contact who wrote, created when new. WhatsApp may name one person by phone or by LID: whichever
 * is known finds the contact, and when both arrive together they are linked for next time.
 * Call inside a transaction: advisory locks keep two events of a new sender from creating two contacts.
 */
export async function matchContact(trx: Database, orgId: string, sender: Sender): Promise<{ id: string; created: boolean }> {
  const phone = senderPhone(sender.phone);
  const lid = sender.lid?.trim() || null;
  if (!phone && !lid) throw new Error("An inbound message needs a phone or a LID to find its contact.");
  for (const key of [phone && `phone:${phone}`, lid && `lid:${lid}`].filter(Boolean).sort()) await lockKey(trx, orgId, key as string);

  const byPhone = phone
    ? await trx.selectFrom("contacts").select(["id", "name"]).where("org_id", "=", orgId).where("phone", "=", phone).executeTakeFirst()
    : undefined;
  const byLid = lid
    ? await trx.selectFrom("contact_identities").select("contact_id").where("org_id", "=", orgId).where("kind", "=", "wa_lid").where("value", "=", lid).executeTakeFirst()
    : undefined;

  let contactId = byPhone?.id ?? byLid?.contact_id;
  let created = false;
  if (!contactId) {
    const row = await trx
      .insertInto("contacts")
      .values({ org_id: orgId, phone, name: sender.name?.trim() ?? "" })
      .returning("id")
      .executeTakeFirstOrThrow();
    contactId = row.id;
    created = true;
  } else if (!byPhone && phone) {
    // Known by LID only until now: the phone completes the contact.
    await trx.updateTable("contacts").set({ phone, updated_at: new Date() }).where("org_id", "=", orgId).where("id", "=", contactId).where("phone", "is", null).execute();
  }

  if (lid && byLid?.contact_id !== contactId) {
    // A LID first seen alone and later with a phone that already had a contact: the phone's contact wins.
    await trx
      .insertInto("contact_identities")
      .values({ org_id: orgId, contact_id: contactId, kind: "wa_lid", value: lid })
      .onConflict((conflict) => conflict.columns(["org_id", "kind", "value"]).doUpdateSet({ contact_id: contactId }))
      .execute();
  }
  if (!created && sender.name?.trim()) {
    await trx.updateTable("contacts").set({ name: sender.name.trim(), updated_at: new Date() }).where("id", "=", contactId).where("name", "=", "").execute();
  }
  return { id: contactId, created };
}
