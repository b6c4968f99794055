import type { Kysely } from "kysely";

/**
 * Reconciling uncertain campaign sends. A row left 'sending' by a killed dispatcher may or may not
 * have reached the provider: `uncertain_since` marks it while it waits for the provider's status
 * webhook (which carries our reference) before it may be sent again. `owner` on an SMS duplicate-window
 * claim names who claimed it (a campaign recipient), so that recipient's own retry is not mistaken
 * for a second, duplicate text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaign_recipients").addColumn("uncertain_since", "timestamptz").execute();
  await db.schema.alterTable("sms_send_ledger").addColumn("owner", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sms_send_ledger").dropColumn("owner").execute();
  await db.schema.alterTable("campaign_recipients").dropColumn("uncertain_since").execute();
}
