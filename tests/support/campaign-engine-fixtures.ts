import type { Database } from "../../db/index.js";
import { brazilianMobile } from "./contacts-factories.js";

/** A campaign row as the builder would save it (a draft unless told otherwise). */
export async function insertCampaign(
  db: Database,
  orgId: string,
  values: {
    connectionId: string | null;
    name?: string;
    audience?: Record<string, unknown>;
    message?: Record<string, unknown>;
    pacing?: Record<string, unknown>;
    quietHours?: Record<string, unknown> | null;
    scheduledAt?: Date | null;
    replyWindowHours?: number;
  },
) {
  return db
    .insertInto("campaigns")
    .values({
      org_id: orgId,
      name: values.name ?? "Black Friday",
      connection_id: values.connectionId,
      audience: JSON.stringify(values.audience ?? { kind: "all" }),
      message: JSON.stringify(values.message ?? { type: "text", text: "{Olá|Oi} {{first_name|cliente}}, temos ofertas!" }),
      pacing: JSON.stringify(values.pacing ?? {}),
      quiet_hours: values.quietHours ? JSON.stringify(values.quietHours) : null,
      scheduled_at: values.scheduledAt ?? null,
      reply_window_hours: values.replyWindowHours ?? 72,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
}

/** `count` contacts with unique phones, inserted in one statement. */
export async function insertContacts(db: Database, orgId: string, count: number, values: { optedOut?: boolean; namePrefix?: string } = {}) {
  const phones = new Set<string>();
  while (phones.size < count) phones.add(brazilianMobile());
  const rows = [...phones].map((phone, index) => ({ org_id: orgId, name: `${values.namePrefix ?? "Cliente"} ${index + 1}`, phone, opted_out: values.optedOut ?? false }));
  const inserted = [];
  for (let at = 0; at < rows.length; at += 5_000) {
    inserted.push(...(await db.insertInto("contacts").values(rows.slice(at, at + 5_000)).returning(["id", "phone"]).execute()));
  }
  return inserted;
}
