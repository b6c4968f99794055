import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { loadConnectionForWebhook } from "../channels/connections.server";
import type { ConnectionContext, InboundEvent } from "../channels/types";
import { storedEventSchema } from "./inbound-event";
import { applyInboundEvent, UnknownMessageError } from "./ingest.server";
import { enqueueJobs, ensureJobQueue } from "./jobs.server";

export const WEBHOOK_EVENT_MAX_ATTEMPTS = 10;

/**
 * Stores each provider event before it is acknowledged and queues its processing, in one transaction.
 * The provider's id is the dedupe key, so a replayed event is neither stored nor processed again.
 */
export async function recordWebhookEvents(
  db: Database,
  connection: ConnectionContext,
  provider: string,
  events: InboundEvent[],
): Promise<{ stored: number; duplicates: number }> {
  if (events.length === 0) return { stored: 0, duplicates: 0 };
  await ensureJobQueue();
  const stored = await inTransaction(db, async (trx) => {
    const rows = await trx
      .insertInto("webhook_events")
      .values(
        events.map((event) => ({
          org_id: connection.orgId,
          connection_id: connection.id,
          provider,
          dedupe_key: event.dedupeKey,
          payload: JSON.stringify(event),
        })),
      )
      .onConflict((conflict) => conflict.columns(["connection_id", "dedupe_key"]).doNothing())
      .returning("id")
      .execute();
    await enqueueJobs(
      trx,
      rows.map((row) => ({ identifier: "webhookEvent.process", payload: { webhookEventId: row.id }, maxAttempts: WEBHOOK_EVENT_MAX_ATTEMPTS })),
    );
    return rows.length;
  });
  return { stored, duplicates: events.length - stored };
}

/** Statuses can outrun the send job that stores the provider id; after this many tries the status is dropped. */
const UNKNOWN_MESSAGE_ATTEMPTS = 5;

/**
 * The `webhookEvent.process` step. Counts attempts and keeps the last error on the row; processed
 * rows are skipped, so a duplicate job changes nothing. Throws to let graphile-worker retry.
 */
export async function processWebhookEvent(db: Database, webhookEventId: number): Promise<"processed" | "skipped" | "dropped"> {
  const row = await db
    .updateTable("webhook_events")
    .set({ attempts: sql`attempts + 1` })
    .where("id", "=", webhookEventId)
    .where("processed_at", "is", null)
    .returning(["id", "connection_id", "payload", "attempts"])
    .executeTakeFirst();
  if (!row) return "skipped";
  const finish = (lastError: string | null) =>
    db.updateTable("webhook_events").set({ processed_at: new Date(), last_error: lastError }).where("id", "=", row.id).execute();

  const connection = await loadConnectionForWebhook(db, row.connection_id);
  const event = storedEventSchema.safeParse(row.payload);
  if (!connection || !event.success) {
    await finish(connection ? `unreadable event: ${event.error?.message ?? ""}`.slice(0, 1000) : "connection not found");
    return "dropped";
  }
  try {
    await applyInboundEvent(db, connection, event.data);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UnknownMessageError && row.attempts >= UNKNOWN_MESSAGE_ATTEMPTS) {
      await finish(message);
      return "dropped";
    }
    await db.updateTable("webhook_events").set({ last_error: message.slice(0, 1000) }).where("id", "=", row.id).execute();
    throw error;
  }
  await finish(null);
  return "processed";
}
