import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { loadConnection, loadConnectionForWebhook } from "../channels/connections.server";
import { offlineCustomers, type SandboxTick } from "../channels/sandbox.server";
import type { ConnectionContext, InboundEvent } from "../channels/types";
import { normalizePhone } from "../contacts/phone.server";
import { recordWebhookEvents } from "./webhook-events.server";

// The Sandbox simulator: a newcomer writes as a customer, and the customer's phone reports ticks.

export type SimulatedCustomer = { contactId: string; name: string; phone: string; offline: boolean };
export type SimulatorMessage = { id: string; fromCustomer: boolean; body: string; type: string; status: string; createdAt: string };

export async function listSandboxConnections(db: Database, orgId: string) {
  return db.selectFrom("channel_connections").select(["id", "name"]).where("org_id", "=", orgId).where("kind", "=", "sandbox").orderBy("created_at").execute();
}

/** The organization's Sandbox connection, or null when `connectionId` is not one of them. */
export async function loadSandbox(db: Database, orgId: string, connectionId: string): Promise<ConnectionContext | null> {
  const connection = await loadConnection(db, orgId, connectionId);
  return connection?.kind === "sandbox" ? connection : null;
}

/** Customers who have a conversation on this Sandbox, most recent first. */
export async function listSimulatedCustomers(db: Database, connection: ConnectionContext): Promise<SimulatedCustomer[]> {
  const offline = offlineCustomers(connection);
  const rows = await db
    .selectFrom("conversations")
    .innerJoin("contacts", "contacts.id", "conversations.contact_id")
    .select(["contacts.id", "contacts.name", "contacts.phone"])
    .where("conversations.org_id", "=", connection.orgId)
    .where("conversations.connection_id", "=", connection.id)
    .where("contacts.phone", "is not", null)
    .orderBy("conversations.last_message_at", "desc")
    .limit(50)
    .execute();
  return rows.map((row) => ({ contactId: row.id, name: row.name, phone: row.phone!, offline: offline.includes(row.phone!) }));
}

/** The customer by phone; null until the first message has been processed (it creates the contact). */
export async function findSimulatedCustomer(db: Database, connection: ConnectionContext, phone: string): Promise<SimulatedCustomer | null> {
  const row = await db.selectFrom("contacts").select(["id", "name", "phone"]).where("org_id", "=", connection.orgId).where("phone", "=", phone).executeTakeFirst();
  if (!row?.phone) return null;
  return { contactId: row.id, name: row.name, phone: row.phone, offline: offlineCustomers(connection).includes(row.phone) };
}

/** The conversation as the customer's phone shows it: no private notes, nothing still queued. */
export async function customerThread(db: Database, connection: ConnectionContext, contactId: string): Promise<SimulatorMessage[]> {
  const rows = await db
    .selectFrom("messages")
    .innerJoin("conversations", "conversations.id", "messages.conversation_id")
    .select(["messages.id", "messages.direction", "messages.body", "messages.type", "messages.status", "messages.created_at"])
    .where("conversations.org_id", "=", connection.orgId)
    .where("conversations.connection_id", "=", connection.id)
    .where("conversations.contact_id", "=", contactId)
    .where("messages.is_note", "=", false)
    .where("messages.status", "not in", ["queued", "failed"])
    .orderBy("messages.created_at", "desc")
    .orderBy("messages.id", "desc")
    .limit(50)
    .execute();
  return rows.reverse().map((row) => ({ id: row.id, fromCustomer: row.direction === "inbound", body: row.body, type: row.type, status: row.status, createdAt: row.created_at.toISOString() }));
}

export type WriteResult = { ok: true; phone: string } | { ok: false; field: "phone"; error: "invalid" };

/** The customer writes: an inbound event through the same pipeline a provider's webhook feeds. */
export async function writeAsCustomer(db: Database, connection: ConnectionContext, input: { phone: string; name?: string; text: string; country?: string }): Promise<WriteResult> {
  const phone = normalizePhone(input.phone, input.country);
  if (!phone.ok) return { ok: false, field: "phone", error: "invalid" };
  const externalId = `sbx_in_${randomUUID()}`;
  // Writing means the phone is on and the chat is open: everything the business sent is now read.
  await catchUp(db, connection, phone.e164);
  await recordWebhookEvents(db, connection, "sandbox", [
    { kind: "message", dedupeKey: externalId, externalId, from: { phone: phone.e164, name: input.name?.trim() || undefined }, timestamp: new Date(), content: { type: "text", text: input.text } },
  ]);
  return { ok: true, phone: phone.e164 };
}

/** Turns the customer's phone off (ticks stop at "sent") or on again (what waited is delivered and read). */
export async function setCustomerOnline(db: Database, connection: ConnectionContext, phone: string, online: boolean): Promise<void> {
  await db
    .updateTable("channel_connections")
    .set({
      config: online
        ? sql`jsonb_set(config, '{offline}', coalesce((SELECT jsonb_agg(value) FROM jsonb_array_elements(config->'offline') AS value WHERE value <> to_jsonb(${phone}::text)), '[]'::jsonb))`
        : sql`jsonb_set(config, '{offline}', (SELECT jsonb_agg(DISTINCT value) FROM jsonb_array_elements(coalesce(config->'offline', '[]'::jsonb) || to_jsonb(${phone}::text)) AS value))`,
      updated_at: new Date(),
    })
    .where("org_id", "=", connection.orgId)
    .where("id", "=", connection.id)
    .execute();
  if (online) await catchUp(db, connection, phone);
}

async function catchUp(db: Database, connection: ConnectionContext, phone: string) {
  const waiting = await db
    .selectFrom("messages")
    .innerJoin("conversations", "conversations.id", "messages.conversation_id")
    .innerJoin("contacts", "contacts.id", "conversations.contact_id")
    .select(["messages.external_id"])
    .where("conversations.org_id", "=", connection.orgId)
    .where("conversations.connection_id", "=", connection.id)
    .where("contacts.phone", "=", phone)
    .where("messages.direction", "=", "outbound")
    .where("messages.status", "in", ["sent", "delivered"])
    .where("messages.external_id", "is not", null)
    .execute();
  const now = new Date();
  const events: InboundEvent[] = waiting.flatMap(({ external_id }) =>
    (["delivered", "read"] as const).map((status) => ({ kind: "status" as const, dedupeKey: `${external_id}:${status}`, externalId: external_id!, status, timestamp: now })),
  );
  await recordWebhookEvents(db, connection, "sandbox", events);
}

/** A scheduled tick of the simulated phone; an offline customer's phone reports nothing. */
export async function deliverSandboxTick(db: Database, tick: SandboxTick): Promise<void> {
  const connection = await loadConnectionForWebhook(db, tick.connectionId);
  if (!connection || offlineCustomers(connection).includes(tick.to)) return;
  await recordWebhookEvents(db, connection, "sandbox", [
    { kind: "status", dedupeKey: `${tick.externalId}:${tick.status}`, externalId: tick.externalId, status: tick.status, timestamp: new Date(), ...(tick.reference ? { reference: tick.reference } : {}) },
  ]);
}
