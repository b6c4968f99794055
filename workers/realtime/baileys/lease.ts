import { sql } from "kysely";
import type { Database } from "#db/index.js";

/**
 * One sidecar owns a WhatsApp session at a time. The lease row names the holder and its internal URL;
 * the holder renews it well before it expires, and another sidecar may take it only once it has
 * expired (the holder died). Times come from Postgres, so the sidecars' clocks do not matter.
 */
export type Holder = { id: string; url: string };

/** Takes the lease if it is free, expired or already ours; true when we hold it afterwards. */
export async function acquireLease(db: Database, connectionId: string, holder: Holder, ttlMs: number): Promise<boolean> {
  const result = await sql<{ holder: string }>`
    INSERT INTO channel_leases (connection_id, holder, holder_url, expires_at)
    VALUES (${connectionId}, ${holder.id}, ${holder.url}, now() + ${ttlMs} * interval '1 millisecond')
    ON CONFLICT (connection_id) DO UPDATE
      SET holder = excluded.holder, holder_url = excluded.holder_url, expires_at = excluded.expires_at
      WHERE channel_leases.holder = excluded.holder OR channel_leases.expires_at < now()
    RETURNING holder`.execute(db);
  return result.rows.length === 1;
}

/** Extends every lease we hold among `connectionIds`; returns the ones still ours (the rest were lost). */
export async function renewLeases(db: Database, connectionIds: string[], holder: Holder, ttlMs: number): Promise<Set<string>> {
  if (connectionIds.length === 0) return new Set();
  const rows = await db
    .updateTable("channel_leases")
    .set({ expires_at: sql`now() + ${ttlMs} * interval '1 millisecond'` })
    .where("holder", "=", holder.id)
    .where("connection_id", "in", connectionIds)
    // An expired lease may already be someone else's in spirit; only a live one is renewed.
    .where("expires_at", ">", sql<Date>`now()`)
    .returning("connection_id")
    .execute();
  return new Set(rows.map((row) => row.connection_id));
}

export async function releaseLease(db: Database, connectionId: string, holder: Holder): Promise<void> {
  await db.deleteFrom("channel_leases").where("connection_id", "=", connectionId).where("holder", "=", holder.id).execute();
}

/** Who holds a connection now (null when nobody does or the lease expired). */
export async function currentHolder(db: Database, connectionId: string): Promise<Holder | null> {
  const row = await db
    .selectFrom("channel_leases")
    .select(["holder", "holder_url"])
    .where("connection_id", "=", connectionId)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { id: row.holder, url: row.holder_url ?? "" } : null;
}
