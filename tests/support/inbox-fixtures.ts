import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Database } from "../../db/index.js";
import { createConnection, loadConnection } from "../../app/modules/channels/connections.server.js";
import type { ConnectionContext, InboundEvent } from "../../app/modules/channels/types.js";
import { recordWebhookEvents, processWebhookEvent } from "../../app/modules/inbox/webhook-events.server.js";

let phoneCounter = 0;

/** A valid, unique Brazilian mobile number in E.164. */
export function newPhone(): string {
  phoneCounter += 1;
  const tail = String((Date.now() * 7 + phoneCounter * 7919 + Math.floor(Math.random() * 1000)) % 100_000_000).padStart(8, "0");
  return `+55119${tail}`;
}

export async function createSandbox(db: Database, orgId: string, name = "Sandbox"): Promise<ConnectionContext> {
  const created = await createConnection(db, { orgId, kind: "sandbox", name, fields: {}, actor: { type: "system" } });
  if (!created.ok) throw new Error("sandbox creation failed");
  return (await loadConnection(db, orgId, created.id))!;
}

export function textEvent(input: { phone?: string; lid?: string; name?: string; text?: string; externalId?: string }): Extract<InboundEvent, { kind: "message" }> {
  const externalId = input.externalId ?? `ext_${randomUUID()}`;
  return {
    kind: "message",
    dedupeKey: externalId,
    externalId,
    from: { phone: input.phone, lid: input.lid, name: input.name },
    timestamp: new Date(),
    content: { type: "text", text: input.text ?? "Olá!" },
  };
}

export function statusEvent(externalId: string, status: "sent" | "delivered" | "read" | "failed", error?: { code: string; message: string }): InboundEvent {
  return { kind: "status", dedupeKey: `${externalId}:${status}:${randomUUID()}`, externalId, status, timestamp: new Date(), ...(error ? { error } : {}) };
}

/** Stores events like a webhook would, then processes every pending one like the worker would. */
export async function ingest(db: Database, connection: ConnectionContext, events: InboundEvent[]) {
  const recorded = await recordWebhookEvents(db, connection, "sandbox", events);
  await processPending(db, connection.id);
  return recorded;
}

export async function processPending(db: Database, connectionId: string) {
  const rows = await db.selectFrom("webhook_events").select("id").where("connection_id", "=", connectionId).where("processed_at", "is", null).orderBy("id").execute();
  const outcomes = [];
  for (const row of rows) outcomes.push(await processWebhookEvent(db, row.id));
  return outcomes;
}

/** The conversation opened by an inbound message from `phone` on the connection. */
export async function conversationFor(db: Database, connection: ConnectionContext, phone: string) {
  return db
    .selectFrom("conversations")
    .innerJoin("contacts", "contacts.id", "conversations.contact_id")
    .selectAll("conversations")
    .where("conversations.connection_id", "=", connection.id)
    .where("contacts.phone", "=", phone)
    .executeTakeFirstOrThrow();
}

/** Jobs left by other test files in this worker's database must not run in a test that starts a worker. */
export async function clearJobQueue(db: Database) {
  await sql`DELETE FROM graphile_worker._private_jobs`.execute(db).catch(() => undefined);
}
