import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Database } from "#db/index.js";

/**
 * The same SMS text never reaches the same number twice within a window, whichever campaign or
 * cadence sends it: carriers flag repeated identical texts as spam and customers rightly complain.
 * A send claims (org, phone, text) in sms_send_ledger before the provider call; a permanent failure
 * releases the claim so the customer can still get the message later. A claim may name its `owner`
 * (a campaign recipient): the same owner claiming again is a retry of that one send, never a duplicate.
 */

export const DEFAULT_SMS_DUPLICATE_WINDOW_HOURS = 24;

export type SmsClaim = { ok: true } | { ok: false; lastSentAt: Date };

/** Whitespace and letter case do not make a text different to the person reading it. */
export function smsTextHash(text: string): string {
  const normalized = text.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
  return createHash("sha256").update(normalized).digest("hex");
}

export async function claimSmsText(db: Database, input: { orgId: string; phone: string; text: string; windowHours?: number; owner?: string }): Promise<SmsClaim> {
  const windowHours = input.windowHours ?? DEFAULT_SMS_DUPLICATE_WINDOW_HOURS;
  const key = { org_id: input.orgId, phone: input.phone, text_hash: smsTextHash(input.text) };
  // Two claims racing on one key serialize on the primary key: the second sees the first's fresh sent_at.
  const claimed = await db
    .insertInto("sms_send_ledger")
    .values({ ...key, sent_at: sql`now()`, owner: input.owner ?? null })
    .onConflict((conflict) =>
      conflict
        .columns(["org_id", "phone", "text_hash"])
        .doUpdateSet({ sent_at: sql`now()`, owner: input.owner ?? null })
        .where((eb) =>
          eb.or([
            eb("sms_send_ledger.sent_at", "<=", sql<Date>`now() - make_interval(hours => ${windowHours})`),
            ...(input.owner ? [eb("sms_send_ledger.owner", "=", input.owner)] : []),
          ]),
        ),
    )
    .returning("sent_at")
    .executeTakeFirst();
  if (claimed) return { ok: true };
  const existing = await db
    .selectFrom("sms_send_ledger")
    .select("sent_at")
    .where("org_id", "=", key.org_id)
    .where("phone", "=", key.phone)
    .where("text_hash", "=", key.text_hash)
    .executeTakeFirst();
  return { ok: false, lastSentAt: existing?.sent_at ?? new Date() };
}

export async function releaseSmsText(db: Database, input: { orgId: string; phone: string; text: string }): Promise<void> {
  await db
    .deleteFrom("sms_send_ledger")
    .where("org_id", "=", input.orgId)
    .where("phone", "=", input.phone)
    .where("text_hash", "=", smsTextHash(input.text))
    .execute();
}

/** Claims older than any window in use carry no information; the hourly prune drops them. */
export async function pruneSmsLedger(db: Database, olderThanHours = 24 * 7): Promise<number> {
  const result = await db
    .deleteFrom("sms_send_ledger")
    .where("sent_at", "<", sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
