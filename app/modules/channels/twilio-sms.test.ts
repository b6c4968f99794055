import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeTwilio, startFakeTwilio } from "../../../tests/fakes/twilio";
import { createTwilioSmsAdapter, twilioSmsAdapter } from "./twilio-sms.server";
import type { ConnectionContext } from "./types";

const accountSid = `AC${"0123456789abcdef".repeat(2)}`;
const authToken = "f".repeat(32);
let fake: FakeTwilio;
let connection: ConnectionContext;

beforeAll(async () => {
  fake = await startFakeTwilio({ accountSid, authToken });
  connection = {
    id: "00000000-0000-4000-8000-000000000003",
    orgId: "00000000-0000-4000-8000-000000000002",
    kind: "twilio_sms",
    config: { accountSid, fromNumber: "+15005550006", baseUrl: fake.baseUrl },
    secrets: { authToken },
  };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.messages.length = 0;
  fake.setLatency(0);
});

describe("Twilio SMS adapter", () => {
  it("validates the form: SID shapes, a from number or a messaging service", () => {
    expect(twilioSmsAdapter.validateConfig({ accountSid, authToken, fromNumber: "", messagingServiceSid: `MG${"a".repeat(32)}`, baseUrl: "" })).toEqual({
      ok: true,
      config: { accountSid, messagingServiceSid: `MG${"a".repeat(32)}` },
      secrets: { authToken },
    });
    expect(twilioSmsAdapter.validateConfig({ accountSid: "AC123", authToken: "", fromNumber: "", messagingServiceSid: "" })).toEqual({
      ok: false,
      fieldErrors: { accountSid: ["twilio.invalidAccountSid"], authToken: ["validation.required", "twilio.invalidAuthToken"], fromNumber: ["twilio.fromOrService"] },
    });
    expect(twilioSmsAdapter.validateConfig({ accountSid, authToken, fromNumber: "", messagingServiceSid: "" })).toEqual({ ok: false, fieldErrors: { fromNumber: ["twilio.fromOrService"] } });
  });

  it("tests the connection by fetching the account through the twilio SDK", async () => {
    expect(await twilioSmsAdapter.testConnection(connection)).toEqual({ ok: true, detail: "Master IA test account · +15005550006" });
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: `/2010-04-01/Accounts/${accountSid}.json` });
    fake.setAccountStatus("suspended");
    expect(await twilioSmsAdapter.testConnection(connection)).toEqual({ ok: false, message: "account is suspended" });
    fake.setAccountStatus("active");
    expect(await twilioSmsAdapter.testConnection({ ...connection, secrets: { authToken: "0".repeat(32) } })).toEqual({ ok: false, message: expect.stringMatching(/^20003: /) });
  });

  it("sends an SMS with basic auth, the status callback and Twilio's form params", async () => {
    const result = await twilioSmsAdapter.sendText(connection, "+5511999990000", "Olá! Seu pedido saiu 🚚");
    expect(result).toEqual({ ok: true, externalId: fake.messages[0]!.sid, status: "sent" });
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: `/2010-04-01/Accounts/${accountSid}/Messages.json`, authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}` });
    expect(request!.params).toEqual({
      To: ["+5511999990000"],
      From: ["+15005550006"],
      Body: ["Olá! Seu pedido saiu 🚚"],
      StatusCallback: [`http://localhost:3000/webhooks/twilio/${connection.id}`],
    });
    expect(fake.messages[0]!.numSegments).toBe(1);
  });

  it("sends through a messaging service and MMS by media URL; templates are WhatsApp-only", async () => {
    const viaService = { ...connection, config: { ...connection.config, fromNumber: undefined, messagingServiceSid: `MG${"b".repeat(32)}` } };
    await twilioSmsAdapter.sendMedia(viaService, "+5511999990000", { kind: "image", url: "https://cdn.example/p.jpg", mimeType: "image/jpeg", caption: "foto" });
    expect(fake.requests[0]!.params).toMatchObject({ MessagingServiceSid: [`MG${"b".repeat(32)}`], MediaUrl: ["https://cdn.example/p.jpg"], Body: ["foto"] });
    expect(fake.requests[0]!.params).not.toHaveProperty("From");
    expect(await twilioSmsAdapter.sendMedia(connection, "+5511999990000", { kind: "image", bytes: new Uint8Array([1]), mimeType: "image/png" })).toMatchObject({ ok: false, retryable: false });
    expect(await twilioSmsAdapter.sendTemplate(connection, "+5511999990000", { name: "x", language: "pt_BR", bodyParameters: [] })).toMatchObject({ ok: false, code: "unsupported" });
  });

  it.each([
    [21610, { retryable: false, consequence: "opted_out" }],
    [21211, { retryable: false }],
    [20429, { retryable: true, consequence: "rate_limited" }],
    [30001, { retryable: true, consequence: "rate_limited" }],
    [21611, { retryable: true, consequence: "rate_limited" }],
    [20003, { retryable: false, consequence: "connection_broken" }],
  ] as const)("maps Twilio error %i", async (code, expected) => {
    fake.failNext(code);
    expect(await twilioSmsAdapter.sendText(connection, "+5511999990000", "oi")).toEqual({ ok: false, code: String(code), message: expect.any(String), ...expected });
  });

  it("treats 5xx, timeouts and refused connections as retryable", async () => {
    fake.failNext(20500, { status: 500 });
    expect(await twilioSmsAdapter.sendText(connection, "+5511999990000", "oi")).toMatchObject({ ok: false, code: "20500", retryable: true });
    fake.setLatency(300);
    expect(await createTwilioSmsAdapter({ timeoutMs: 50 }).sendText(connection, "+5511999990000", "oi")).toMatchObject({ ok: false, code: "timeout", retryable: true });
    fake.setLatency(0);
    const nowhere = { ...connection, config: { ...connection.config, baseUrl: "http://127.0.0.1:9" } };
    expect(await twilioSmsAdapter.sendText(nowhere, "+5511999990000", "oi")).toMatchObject({ ok: false, code: "network", retryable: true });
  });

  it("downloads inbound MMS media with basic auth", async () => {
    const url = fake.addMedia(Buffer.from("PNGDATA"), "image/png");
    const media = await twilioSmsAdapter.downloadMedia(connection, url);
    const chunks: Buffer[] = [];
    for await (const chunk of media.stream) chunks.push(chunk as Buffer);
    expect([Buffer.concat(chunks).toString(), media.mimeType, media.size]).toEqual(["PNGDATA", "image/png", 7]);
  });
});
