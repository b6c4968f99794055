import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { sandboxAdapter } from "../../app/modules/channels/sandbox.server.js";
import type { ConnectionContext, InboundEvent } from "../../app/modules/channels/types.js";
import { applyInboundEvent } from "../../app/modules/inbox/ingest.server.js";
import { queueOutboundMessage } from "../../app/modules/inbox/outbound.server.js";
import { recordWebhookEvents } from "../../app/modules/inbox/webhook-events.server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { conversationFor, createSandbox, ingest, newPhone, processPending, statusEvent, textEvent } from "../support/inbox-fixtures.js";

const db = () => getDb();

afterEach(() => {
  delete (sandboxAdapter as { downloadMedia?: unknown }).downloadMedia;
});

function imageEvent(phone: string, providerMediaId: string): InboundEvent {
  return { ...textEvent({ phone }), content: { type: "image", caption: "olha isso", media: { providerMediaId, mimeType: "image/jpeg" } } };
}

async function snapshot(connectionId: string) {
  const [messages, conversations, contacts, events] = await Promise.all([
    db().selectFrom("messages").select(["id", "status", "body", "direction"]).where("connection_id", "=", connectionId).orderBy("id").execute(),
    db().selectFrom("conversations").select(["id", "unread_count", "last_message_preview", "status"]).where("connection_id", "=", connectionId).orderBy("id").execute(),
    db().selectFrom("contacts").innerJoin("conversations", "conversations.contact_id", "contacts.id").select(["contacts.id", "contacts.phone"]).where("conversations.connection_id", "=", connectionId).execute(),
    db().selectFrom("webhook_events").select(["id", "processed_at", "attempts"]).where("connection_id", "=", connectionId).orderBy("id").execute(),
  ]);
  return { messages, conversations, contacts, events };
}

/** An outbound message the provider knows by `externalId`, as the send job leaves it. */
async function sentMessage(connection: ConnectionContext, phone: string, externalId: string) {
  await ingest(db(), connection, [textEvent({ phone })]);
  const conversation = await conversationFor(db(), connection, phone);
  const queued = await queueOutboundMessage(db(), { orgId: connection.orgId, conversationId: conversation.id, content: { type: "text", text: "Resposta" }, senderType: "user" });
  await db().updateTable("messages").set({ external_id: externalId, status: "sent", sent_at: new Date() }).where("id", "=", queued.id).execute();
  return queued.id;
}

describe("inbound events", () => {
  it("creates contact, conversation and message once; a replay changes nothing", async () => {
    const { org } = await createOrgWithOwner(db(), "ingest");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    const event = textEvent({ phone, name: "Maria Cliente", text: "Quero um orçamento" });

    const first = await ingest(db(), connection, [event]);
    expect(first).toEqual({ stored: 1, duplicates: 0 });
    const before = await snapshot(connection.id);
    expect(before.messages).toMatchObject([{ status: "received", body: "Quero um orçamento", direction: "inbound" }]);
    expect(before.conversations).toMatchObject([{ unread_count: 1, last_message_preview: "Quero um orçamento", status: "open" }]);
    expect(before.contacts).toMatchObject([{ phone }]);
    expect(before.events[0]!.processed_at).not.toBeNull();

    // The provider retries the webhook: the dedupe key stops it at the door.
    expect(await ingest(db(), connection, [event])).toEqual({ stored: 0, duplicates: 1 });
    // Even a job run twice on the same event (at-least-once delivery) or a direct re-apply changes nothing.
    await applyInboundEvent(db(), connection, event);
    await applyInboundEvent(db(), connection, { ...event, dedupeKey: "another-key" });
    expect(await snapshot(connection.id)).toEqual(before);
    const contact = await db().selectFrom("contacts").select("name").where("org_id", "=", org.id).where("phone", "=", phone).executeTakeFirstOrThrow();
    expect(contact.name).toBe("Maria Cliente");
  });

  it("a customer writing again reopens a resolved conversation and counts unread", async () => {
    const { org } = await createOrgWithOwner(db(), "reopen");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone })]);
    const conversation = await conversationFor(db(), connection, phone);
    await db().updateTable("conversations").set({ status: "resolved", unread_count: 0 }).where("id", "=", conversation.id).execute();
    await ingest(db(), connection, [textEvent({ phone, text: "Oi de novo" })]);
    expect(await conversationFor(db(), connection, phone)).toMatchObject({ status: "open", unread_count: 1, last_message_preview: "Oi de novo" });
  });

  it("statuses only move forward: read before delivered, a late sent never overwrites read, failed is final", async () => {
    const { org } = await createOrgWithOwner(db(), "statuses");
    const connection = await createSandbox(db(), org.id);
    const messageId = await sentMessage(connection, newPhone(), "wamid.order-1");
    const row = () => db().selectFrom("messages").select(["status", "sent_at", "delivered_at", "read_at", "failed_at", "error_code"]).where("id", "=", messageId).executeTakeFirstOrThrow();

    await ingest(db(), connection, [statusEvent("wamid.order-1", "read")]);
    const read = await row();
    expect(read.status).toBe("read");
    // The skipped "delivered" step gets a time too, so reports never see read-but-not-delivered.
    expect(read.delivered_at).not.toBeNull();
    expect(read.read_at).not.toBeNull();

    await ingest(db(), connection, [statusEvent("wamid.order-1", "delivered"), statusEvent("wamid.order-1", "sent")]);
    expect(await row()).toEqual(read);

    const failedId = await sentMessage(connection, newPhone(), "wamid.order-2");
    await ingest(db(), connection, [statusEvent("wamid.order-2", "failed", { code: "131026", message: "Message undeliverable" })]);
    await ingest(db(), connection, [statusEvent("wamid.order-2", "delivered"), statusEvent("wamid.order-2", "read")]);
    const failed = await db().selectFrom("messages").select(["status", "error_code", "delivered_at"]).where("id", "=", failedId).executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: "failed", error_code: "131026", delivered_at: null });
  });

  it("a status for a message not stored yet is retried, then dropped with the reason", async () => {
    const { org } = await createOrgWithOwner(db(), "unknown");
    const connection = await createSandbox(db(), org.id);
    await recordWebhookEvents(db(), connection, "sandbox", [statusEvent("wamid.nobody", "delivered")]);
    for (let attempt = 1; attempt < 5; attempt++) await expect(processPending(db(), connection.id)).rejects.toThrow(/no message with external id/);
    expect(await processPending(db(), connection.id)).toEqual(["dropped"]);
    const event = await db().selectFrom("webhook_events").select(["attempts", "processed_at", "last_error"]).where("connection_id", "=", connection.id).executeTakeFirstOrThrow();
    expect(event.attempts).toBe(5);
    expect(event.processed_at).not.toBeNull();
    expect(event.last_error).toMatch(/wamid.nobody/);
  });

  it("loop guard: the echo of our own send never becomes an inbound message", async () => {
    const { org } = await createOrgWithOwner(db(), "echo");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await sentMessage(connection, phone, "3EB0ECHO");
    const before = await snapshot(connection.id);
    // WhatsApp Web (Baileys) reports our own sends back as upserts with the same id.
    await ingest(db(), connection, [textEvent({ phone, externalId: "3EB0ECHO", text: "Resposta" })]);
    const after = await snapshot(connection.id);
    expect(after.messages).toEqual(before.messages);
    expect(after.conversations).toEqual(before.conversations);
  });

  it("a phone JID and a @lid JID of the same person map to one contact", async () => {
    const { org } = await createOrgWithOwner(db(), "lid");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    const lid = `${Date.now()}@lid`;
    // First seen by LID only (WhatsApp hides the number): a contact without phone.
    await ingest(db(), connection, [textEvent({ lid, name: "Ana", text: "oi" })]);
    // Then an event carrying both: the same contact gets the phone.
    await ingest(db(), connection, [textEvent({ lid, phone, text: "meu número" })]);
    // Then by phone only, and by LID only again.
    await ingest(db(), connection, [textEvent({ phone, text: "pelo telefone" }), textEvent({ lid, text: "pelo lid" })]);
    const contacts = await db().selectFrom("contacts").select(["id", "phone", "name"]).where("org_id", "=", org.id).execute();
    expect(contacts).toEqual([{ id: expect.any(String), phone, name: "Ana" }]);
    const conversations = await db().selectFrom("conversations").select("unread_count").where("connection_id", "=", connection.id).execute();
    expect(conversations).toEqual([{ unread_count: 4 }]);

    // The reverse order: known by phone first, then an event with both links the LID to that contact.
    const otherPhone = newPhone();
    const otherLid = `${Date.now() + 1}@lid`;
    await ingest(db(), connection, [textEvent({ phone: otherPhone, text: "a" })]);
    await ingest(db(), connection, [textEvent({ phone: otherPhone, lid: otherLid, text: "b" })]);
    await ingest(db(), connection, [textEvent({ lid: otherLid, text: "c" })]);
    const byPhone = await db().selectFrom("contacts").select("id").where("org_id", "=", org.id).where("phone", "=", otherPhone).executeTakeFirstOrThrow();
    const identity = await db().selectFrom("contact_identities").select("contact_id").where("org_id", "=", org.id).where("value", "=", otherLid).executeTakeFirstOrThrow();
    expect(identity.contact_id).toBe(byPhone.id);
    expect(await db().selectFrom("contacts").select("id").where("org_id", "=", org.id).execute()).toHaveLength(2);
  });

  it("the same phone in two organizations is two contacts", async () => {
    const phone = newPhone();
    const first = await createOrgWithOwner(db(), "tenant-a");
    const second = await createOrgWithOwner(db(), "tenant-b");
    await ingest(db(), await createSandbox(db(), first.org.id), [textEvent({ phone })]);
    await ingest(db(), await createSandbox(db(), second.org.id), [textEvent({ phone })]);
    const rows = await db().selectFrom("contacts").select("org_id").where("phone", "=", phone).execute();
    expect(rows.map((row) => row.org_id).sort()).toEqual([first.org.id, second.org.id].sort());
  });

  it("inbound media is downloaded through the adapter into storage; a passing failure retries, a refused type is noted", async () => {
    const { org } = await createOrgWithOwner(db(), "media-in");
    const connection = await createSandbox(db(), org.id);
    const jpeg = Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex");
    const download = vi.fn(async (_connection: ConnectionContext, reference: string) => {
      if (reference === "flaky" && download.mock.calls.length === 1) throw Object.assign(new Error("503 from provider"), { failure: { retryable: true } });
      if (reference === "pdf-as-exe") return { stream: Readable.from([Buffer.from("MZ")]), mimeType: "application/x-msdownload" };
      return { stream: Readable.from([jpeg]), mimeType: "image/jpeg" };
    });
    (sandboxAdapter as { downloadMedia?: unknown }).downloadMedia = download;

    const phone = newPhone();
    await recordWebhookEvents(db(), connection, "sandbox", [imageEvent(phone, "flaky")]);
    await expect(processPending(db(), connection.id)).rejects.toThrow(/503/);
    // The message exists already; the retry only completes its media.
    expect(await processPending(db(), connection.id)).toEqual(["processed"]);
    const stored = await db()
      .selectFrom("messages")
      .innerJoin("media", "media.id", "messages.media_id")
      .select(["messages.type", "messages.body", "media.mime_type", "media.size_bytes", "media.org_id"])
      .where("messages.connection_id", "=", connection.id)
      .execute();
    expect(stored).toEqual([{ type: "image", body: "olha isso", mime_type: "image/jpeg", size_bytes: jpeg.length, org_id: org.id }]);
    expect((await conversationFor(db(), connection, phone)).last_message_preview).toBe("[image] olha isso");

    await ingest(db(), connection, [imageEvent(newPhone(), "pdf-as-exe")]);
    const refused = await db().selectFrom("messages").select(["media_id", "content"]).where("connection_id", "=", connection.id).where("media_id", "is", null).executeTakeFirstOrThrow();
    expect((refused.content as { mediaError?: string }).mediaError).toMatch(/not accepted/);
  });
});
