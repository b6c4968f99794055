import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { queueOutboundMessage } from "../../app/modules/inbox/outbound.server.js";
import { type FakeTwilio, postTwilioCallback, startFakeTwilio, twilioInboundParams } from "../fakes/twilio.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createMetaConnection, createTwilioConnection, runJobs } from "../support/provider-connections.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = () => getDb();
// Twilio signs the URL it was configured with: our public APP_URL (the tests' is http://localhost:3000), not the loopback address it reaches.
const publicUrl = (connectionId: string) => `http://localhost:3000/webhooks/twilio/${connectionId}`;
const sid = () => `SM${randomBytes(16).toString("hex")}`;
const phone = () => `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function setup(opts: { baseUrl?: string } = {}) {
  const { org } = await createOrgWithOwner(db(), "sms");
  const connection = await createTwilioConnection(db(), org.id, opts);
  const deliverTo = `${app.baseUrl}/webhooks/twilio/${connection.id}`;
  const send = (params: Record<string, string>, signature?: string | null) =>
    postTwilioCallback({ publicUrl: publicUrl(connection.id), deliverTo, authToken: connection.authToken, params, signature });
  const stored = async () => (await db().selectFrom("webhook_events").select("dedupe_key").where("connection_id", "=", connection.id).orderBy("id").execute()).map((row) => row.dedupe_key);
  return { org, connection, deliverTo, send, stored };
}

describe("Twilio webhook", () => {
  it("stores a signed inbound SMS once, answers empty TwiML, and absorbs a replay", async () => {
    const { connection, send, stored } = await setup();
    const params = twilioInboundParams({ accountSid: connection.accountSid, from: phone(), to: connection.fromNumber, body: "Olá, vocês entregam?" });
    const response = await send(params);
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([200, "text/xml; charset=utf-8", '<?xml version="1.0" encoding="UTF-8"?><Response/>']);
    expect((await send(params)).status).toBe(200);
    expect(await stored()).toEqual([params.MessageSid]);
  });

  it("refuses a bad signature, a signature over the internal URL, or none, with 401", async () => {
    const { connection, deliverTo, send, stored } = await setup();
    const params = twilioInboundParams({ accountSid: connection.accountSid, from: phone(), to: connection.fromNumber, body: "oi" });
    expect((await send(params, null)).status).toBe(401);
    expect((await send(params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).status).toBe(401);
    const overInternal = await postTwilioCallback({ publicUrl: deliverTo, deliverTo, authToken: connection.authToken, params });
    expect(overInternal.status).toBe(401);
    const tampered = await postTwilioCallback({ publicUrl: publicUrl(connection.id), deliverTo, authToken: "0".repeat(32), params });
    expect(tampered.status).toBe(401);
    expect(await stored()).toEqual([]);
  });

  it("answers 4xx, never 5xx, to junk; 404 to unknown connections", async () => {
    const { send, stored } = await setup();
    expect((await send({})).status).toBe(400);
    expect((await send({ MessageSid: "nope", From: "+1" })).status).toBe(400);
    expect((await send({ MessageStatus: "delivered" })).status).toBe(400);
    expect((await send({ MessageSid: sid(), From: "+15550001111", NumMedia: "3" })).status).toBe(400);
    for (let index = 0; index < 20; index += 1) {
      const junk = { [randomBytes(4).toString("hex")]: randomBytes(32).toString("latin1") };
      const status = (await send(junk)).status;
      expect(status >= 400 && status < 500).toBe(true);
    }
    expect(await stored()).toEqual([]);
    const unknown = await postTwilioCallback({ publicUrl: "x", deliverTo: `${app.baseUrl}/webhooks/twilio/${randomUUID()}`, authToken: "x", params: { a: "b" } });
    expect(unknown.status).toBe(404);
    const { org } = await createOrgWithOwner(db(), "sms-other");
    const meta = await createMetaConnection(db(), org.id);
    expect((await postTwilioCallback({ publicUrl: "x", deliverTo: `${app.baseUrl}/webhooks/twilio/${meta.id}`, authToken: "x", params: { a: "b" } })).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/webhooks/twilio/${randomUUID()}`)).status).toBe(405);
  });

  it("stores status callbacks keyed by sid and status, and STOP arrives as a message", async () => {
    const { connection, send, stored } = await setup();
    const outbound = sid();
    for (const status of ["sent", "delivered", "delivered"]) expect((await send({ MessageSid: outbound, MessageStatus: status, SmsStatus: status, AccountSid: connection.accountSid })).status).toBe(200);
    const stop = twilioInboundParams({ accountSid: connection.accountSid, from: phone(), to: connection.fromNumber, body: "STOP", optOut: true });
    expect((await send(stop)).status).toBe(200);
    expect(await stored()).toEqual([`${outbound}:sent`, `${outbound}:delivered`, stop.MessageSid]);
  });
});

describe("Twilio → inbox, end to end", () => {
  let fake: FakeTwilio;
  afterAll(() => fake?.close());

  it("an inbound SMS opens the conversation; the reply goes through Messages.json; status callbacks move the tick", async () => {
    const { org } = await createOrgWithOwner(db(), "sms-e2e");
    // The fake must know the credentials before the connection exists, so create it with a throwaway and rebind.
    const connection = await createTwilioConnection(db(), org.id);
    fake = await startFakeTwilio({ accountSid: connection.accountSid, authToken: connection.authToken });
    await db().updateTable("channel_connections").set({ config: JSON.stringify({ accountSid: connection.accountSid, fromNumber: connection.fromNumber, baseUrl: fake.baseUrl }) }).where("id", "=", connection.id).execute();
    const deliverTo = `${app.baseUrl}/webhooks/twilio/${connection.id}`;
    const customer = phone();
    const post = (params: Record<string, string>) => postTwilioCallback({ publicUrl: publicUrl(connection.id), deliverTo, authToken: connection.authToken, params });

    const inbound = twilioInboundParams({ accountSid: connection.accountSid, from: customer, to: connection.fromNumber, body: "Quero saber do meu pedido" });
    expect((await post(inbound)).status).toBe(200);
    await runJobs(["webhookEvent.process"]);
    const message = await db()
      .selectFrom("messages")
      .innerJoin("conversations", "conversations.id", "messages.conversation_id")
      .innerJoin("contacts", "contacts.id", "conversations.contact_id")
      .select(["messages.body", "messages.status", "conversations.id as conversationId", "contacts.phone"])
      .where("messages.connection_id", "=", connection.id)
      .where("messages.external_id", "=", inbound.MessageSid)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ body: "Quero saber do meu pedido", status: "received", phone: customer });

    const reply = await queueOutboundMessage(db(), { orgId: org.id, conversationId: message.conversationId, content: { type: "text", text: "Saiu para entrega 🚚" }, senderType: "system" });
    await runJobs(["message.send"]);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ to: customer, from: connection.fromNumber, body: "Saiu para entrega 🚚", statusCallback: publicUrl(connection.id) });
    const externalId = fake.messages[0]!.sid;
    expect((await db().selectFrom("messages").select(["status", "external_id"]).where("id", "=", reply.id).executeTakeFirstOrThrow())).toEqual({ status: "sent", external_id: externalId });

    expect((await post({ MessageSid: externalId, MessageStatus: "delivered", AccountSid: connection.accountSid })).status).toBe(200);
    await runJobs(["webhookEvent.process"]);
    expect((await post({ MessageSid: externalId, MessageStatus: "sent", AccountSid: connection.accountSid })).status).toBe(200);
    await runJobs(["webhookEvent.process"]);
    expect((await db().selectFrom("messages").select("status").where("id", "=", reply.id).executeTakeFirstOrThrow()).status).toBe("delivered");
  });
});
