import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { mountProviderWebhooks } from "../../app/modules/channels/webhook-routes-express.server.js";
import { metaWebhooks } from "../fakes/meta-graph.js";
import { postTwilioCallback, twilioInboundParams } from "../fakes/twilio.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createMetaConnection, createTwilioConnection, META_IDS } from "../support/provider-connections.js";

let baseUrl: string;
let close: () => Promise<void>;
beforeAll(async () => {
  const app = express();
  mountProviderWebhooks(app, getDb);
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

const stored = async (connectionId: string) =>
  (await getDb().selectFrom("webhook_events").select("dedupe_key").where("connection_id", "=", connectionId).execute()).map((row) => row.dedupe_key);

describe("provider webhooks served by Express ahead of Remix", () => {
  it("Meta: signed → stored once; bad signature → 401; junk → 400; unknown → 404", async () => {
    const { org } = await createOrgWithOwner(getDb(), "fast");
    const connection = await createMetaConnection(getDb(), org.id);
    const url = `${baseUrl}/webhooks/meta/${connection.id}`;
    const wamid = `wamid.${randomBytes(12).toString("hex")}`;
    const body = JSON.stringify(metaWebhooks.text({ ...META_IDS, from: "16505551234", wamid, body: "Olá 👋" }));
    const post = (raw: string, secret = connection.appSecret) =>
      fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}` }, body: raw });
    const ok = await post(body);
    expect([ok.status, await ok.json()]).toEqual([200, { received: 1 }]);
    expect((await post(body)).status).toBe(200);
    expect((await post(body, "wrong-secret")).status).toBe(401);
    expect((await post("{oops")).status).toBe(400);
    expect(await stored(connection.id)).toEqual([wamid]);
    expect((await fetch(`${baseUrl}/webhooks/meta/${randomUUID()}`, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("Twilio: a signed inbound SMS gets empty TwiML and is stored", async () => {
    const { org } = await createOrgWithOwner(getDb(), "fast-sms");
    const connection = await createTwilioConnection(getDb(), org.id);
    const params = twilioInboundParams({ accountSid: connection.accountSid, from: "+5511988887777", to: connection.fromNumber, body: "Oi" });
    const response = await postTwilioCallback({
      publicUrl: `http://localhost:3000/webhooks/twilio/${connection.id}`,
      deliverTo: `${baseUrl}/webhooks/twilio/${connection.id}`,
      authToken: connection.authToken,
      params,
    });
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([200, "text/xml; charset=utf-8", '<?xml version="1.0" encoding="UTF-8"?><Response/>']);
    expect(await stored(connection.id)).toEqual([params.MessageSid]);
  });
});
