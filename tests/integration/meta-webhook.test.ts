import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { queueOutboundMessage } from "../../app/modules/inbox/outbound.server.js";
import { type FakeMetaGraph, metaWebhooks, startFakeMetaGraph } from "../fakes/meta-graph.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createMetaConnection, createTwilioConnection, META_IDS, metaSecrets, runJobs } from "../support/provider-connections.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = () => getDb();
const wamid = () => `wamid.${randomBytes(18).toString("base64url")}`;
const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

async function setup(opts: { baseUrl?: string } = {}) {
  const { org } = await createOrgWithOwner(db(), "meta");
  const connection = await createMetaConnection(db(), org.id, opts);
  const url = `${app.baseUrl}/webhooks/meta/${connection.id}`;
  const post = (body: string, signature: string | null = sign(connection.appSecret, body)) =>
    fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...(signature === null ? {} : { "X-Hub-Signature-256": signature }) }, body });
  const stored = async () =>
    (await db().selectFrom("webhook_events").select(["dedupe_key", "provider", "payload"]).where("connection_id", "=", connection.id).orderBy("id").execute()).map((row) => row.dedupe_key);
  return { org, connection, url, post, stored };
}

function sign(secret: string, body: string) {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

async function jobsFor(connectionId: string) {
  const { rows } = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    JOIN webhook_events e ON e.id = (j.payload->>'webhookEventId')::bigint
    WHERE t.identifier = 'webhookEvent.process' AND e.connection_id = ${connectionId}`.execute(db());
  return rows[0]!.count;
}

describe("Meta webhook GET verification", () => {
  it("echoes the raw challenge for subscribe + our verify token, else 403; unknown connections get 404", async () => {
    const { connection, url } = await setup();
    const query = (params: Record<string, string>) => `${url}?${new URLSearchParams(params)}`;
    const ok = await fetch(query({ "hub.mode": "subscribe", "hub.verify_token": connection.verifyToken, "hub.challenge": "1158201444" }));
    expect([ok.status, await ok.text(), ok.headers.get("content-type")]).toEqual([200, "1158201444", "text/plain; charset=utf-8"]);
    expect((await fetch(query({ "hub.mode": "subscribe", "hub.verify_token": "wrong-token", "hub.challenge": "1" }))).status).toBe(403);
    expect((await fetch(query({ "hub.mode": "unsubscribe", "hub.verify_token": connection.verifyToken, "hub.challenge": "1" }))).status).toBe(403);
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(`${app.baseUrl}/webhooks/meta/${randomUUID()}?hub.mode=subscribe`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/webhooks/meta/not-a-uuid`)).status).toBe(404);
    const twilio = await createTwilioConnection(db(), connection.orgId);
    expect((await fetch(`${app.baseUrl}/webhooks/meta/${twilio.id}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`)).status).toBe(404);
  });
});

describe("Meta webhook POST", () => {
  it("stores a signed message once, queues its job, and absorbs a replay", async () => {
    const { connection, post, stored } = await setup();
    const id = wamid();
    const body = JSON.stringify(metaWebhooks.text({ ...META_IDS, from: "16505551234", wamid: id, body: "Does it come in another color?" }));
    const first = await post(body);
    expect([first.status, await first.json()]).toEqual([200, { received: 1 }]);
    const replay = await post(body);
    expect([replay.status, await replay.json()]).toEqual([200, { received: 1 }]);
    expect(await stored()).toEqual([id]);
    expect(await jobsFor(connection.id)).toBe(1);
    // A correctly signed webhook proves the connection works.
    expect((await db().selectFrom("channel_connections").select("status").where("id", "=", connection.id).executeTakeFirstOrThrow()).status).toBe("connected");
  });

  it("refuses a bad or missing signature with 401 and stores nothing", async () => {
    const { connection, post, stored } = await setup();
    const body = JSON.stringify(metaWebhooks.text({ ...META_IDS, from: "16505551234", wamid: wamid(), body: "hi" }));
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, sign("not-the-app-secret", body))).status).toBe(401);
    expect((await post(body, "sha256=")).status).toBe(401);
    expect((await post(body, sign(connection.appSecret, body).replace("sha256=", "sha1="))).status).toBe(401);
    expect((await post(`${body} `, sign(connection.appSecret, body))).status).toBe(401);
    expect(await stored()).toEqual([]);
    expect((await db().selectFrom("channel_connections").select("status").where("id", "=", connection.id).executeTakeFirstOrThrow()).status).toBe("pending");
  });

  it("answers 400 to a signed body that is not Meta's format", async () => {
    const { post, stored } = await setup();
    for (const body of ["{not json", "[]", '{"object":"page","entry":[]}', '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{}}]}]}']) {
      expect({ body, status: (await post(body)).status }).toEqual({ body, status: 400 });
    }
    expect(await stored()).toEqual([]);
  });

  it("never answers 5xx to junk, signed or not", async () => {
    const { connection, post, url } = await setup();
    const junk = [
      "",
      "null",
      "0",
      '"string"',
      "{}",
      '{"object":"whatsapp_business_account"}',
      '{"object":"whatsapp_business_account","entry":"x"}',
      '{"object":"whatsapp_business_account","entry":[{"id":1,"changes":[]}]}',
      JSON.stringify(metaWebhooks.text({ ...META_IDS, from: "", wamid: "", body: "" })),
      JSON.stringify(metaWebhooks.status({ ...META_IDS, wamid: "w", status: "read", recipient: "1", timestamp: -5 })),
      "[".repeat(5000) + "]".repeat(5000),
      '{"a":' + "1".repeat(400) + "}",
      "\u0000\u0001\u0002\ud800",
      randomBytes(512).toString("latin1"),
      ...Array.from({ length: 20 }, () => randomBytes(64).toString("base64")),
    ];
    for (const body of junk) {
      for (const signature of [sign(connection.appSecret, body), null, "sha256=zz"]) {
        const status = (await post(body, signature)).status;
        expect({ body: body.slice(0, 40), status: status >= 400 && status < 500 }).toEqual({ body: body.slice(0, 40), status: true });
      }
    }
    expect((await fetch(url, { method: "PUT", body: "{}" })).status).toBe(405);
    expect((await fetch(url, { method: "POST", headers: { "Content-Type": "text/plain", "X-Hub-Signature-256": "x" }, body: "hello" })).status).toBe(401);
  });

  it("stores statuses keyed by wamid and status, account alerts and template updates", async () => {
    const { post, stored } = await setup();
    const out = wamid();
    for (const status of ["sent", "delivered", "read", "read"]) {
      expect((await post(JSON.stringify(metaWebhooks.status({ ...META_IDS, wamid: out, status, recipient: "16505551234" })))).status).toBe(200);
    }
    const template = metaWebhooks.envelope(META_IDS.wabaId, [{ field: "message_template_status_update", value: { event: "REJECTED", message_template_name: "promo", message_template_language: "pt_BR", reason: "INCORRECT_CATEGORY" } }], 1751247548);
    expect((await post(JSON.stringify(template))).status).toBe(200);
    expect((await post(JSON.stringify(template))).status).toBe(200);
    const keys = await stored();
    expect(keys.slice(0, 3)).toEqual([`${out}:sent`, `${out}:delivered`, `${out}:read`]);
    expect(keys).toHaveLength(4);
    expect(keys[3]).toMatch(/^template:/);
  });
});

describe("Meta webhook → inbox, end to end", () => {
  let graph: FakeMetaGraph;
  afterAll(() => graph?.close());

  it("a signed text reaches the conversation; a reply goes out through the Graph API; its status callbacks move the tick forward only", async () => {
    const { org } = await createOrgWithOwner(db(), "meta-e2e");
    const secrets = metaSecrets();
    graph = await startFakeMetaGraph({ ...secrets, ...META_IDS });
    const connection = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, secrets });
    const url = `${app.baseUrl}/webhooks/meta/${connection.id}`;
    const customer = phone();

    const inbound = wamid();
    const response = await graph.postWebhook(url, metaWebhooks.text({ ...META_IDS, from: customer, wamid: inbound, body: "Tem na cor azul?", name: "Sheena" }));
    expect(response.status).toBe(200);
    await runJobs(["webhookEvent.process"]);

    const message = await db()
      .selectFrom("messages")
      .innerJoin("conversations", "conversations.id", "messages.conversation_id")
      .innerJoin("contacts", "contacts.id", "conversations.contact_id")
      .select(["messages.body", "messages.direction", "messages.status", "conversations.id as conversationId", "contacts.phone", "contacts.name"])
      .where("messages.connection_id", "=", connection.id)
      .where("messages.external_id", "=", inbound)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ body: "Tem na cor azul?", direction: "inbound", status: "received", phone: `+${customer}` });

    const reply = await queueOutboundMessage(db(), { orgId: org.id, conversationId: message.conversationId, content: { type: "text", text: "Temos sim!" }, senderType: "system" });
    await runJobs(["message.send"]);
    expect(graph.sent).toHaveLength(1);
    expect(graph.sent[0]).toMatchObject({ to: `+${customer}`, type: "text", text: { body: "Temos sim!" } });
    const sent = await db().selectFrom("messages").select(["status", "external_id"]).where("id", "=", reply.id).executeTakeFirstOrThrow();
    expect(sent).toEqual({ status: "sent", external_id: graph.sent[0]!.wamid });

    const status = (value: string) => graph.postWebhook(url, metaWebhooks.status({ ...META_IDS, wamid: sent.external_id!, status: value, recipient: customer }));
    expect((await status("read")).status).toBe(200);
    await runJobs(["webhookEvent.process"]);
    expect((await status("delivered")).status).toBe(200); // late and out of order
    await runJobs(["webhookEvent.process"]);
    const final = await db().selectFrom("messages").select(["status", "read_at"]).where("id", "=", reply.id).executeTakeFirstOrThrow();
    expect(final.status).toBe("read");
    expect(final.read_at).not.toBeNull();
  });
});
