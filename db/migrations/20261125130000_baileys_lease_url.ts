import type { Kysely } from "kysely";

/**
 * Where the lease holder (a realtime sidecar) answers internal calls: with several sidecars behind one
 * address, web and worker must reach the one that holds the WhatsApp session.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("channel_leases").addColumn("holder_url", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("channel_leases").dropColumn("holder_url").execute();
}
