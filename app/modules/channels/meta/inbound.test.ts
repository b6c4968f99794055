import { describe, expect, it } from "vitest";
import { MalformedWebhookError } from "../types";
import { parseMetaWebhook } from "./inbound.server";
import { metaSignature, verifyMetaHandshake, verifyMetaSignature } from "./signature.server";

const WABA = "102290129340398";
const PHONE = "106540352242922";
const scope = { wabaId: WABA, phoneNumberId: PHONE };

const messagesChange = (value: Record<string, unknown>) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: WABA, changes: [{ value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE }, ...value }, field: "messages" }] }],
  });
const inbound = (message: Record<string, unknown>) =>
  messagesChange({ contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: "16505551234" }], messages: [{ from: "16505551234", id: "wamid.X", timestamp: "1749416383", ...message }] });
const contentOf = (body: string) => {
  const [event] = parseMetaWebhook(body, scope);
  if (event?.kind !== "message") throw new Error(`expected a message, got ${event?.kind}`);
  return event.content;
};

describe("Meta webhook signature", () => {
  it("matches the protocol test vector", () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const expected = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756";
    expect(metaSignature("test_app_secret", body)).toBe(expected);
    expect(verifyMetaSignature("test_app_secret", body, expected)).toBe(true);
    expect(verifyMetaSignature("test_app_secret", body, expected.toUpperCase().replace("SHA256", "sha256"))).toBe(true);
  });

  it("refuses a wrong, truncated, missing or differently prefixed signature, and a re-serialized body", () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const good = metaSignature("test_app_secret", body);
    expect(verifyMetaSignature("other_secret", body, good)).toBe(false);
    expect(verifyMetaSignature("test_app_secret", body, good.slice(0, -2))).toBe(false);
    expect(verifyMetaSignature("test_app_secret", body, null)).toBe(false);
    expect(verifyMetaSignature(undefined, body, good)).toBe(false);
    expect(verifyMetaSignature("test_app_secret", body, good.replace("sha256=", "sha1="))).toBe(false);
    expect(verifyMetaSignature("test_app_secret", JSON.stringify(JSON.parse(body), null, 1), good)).toBe(false);
  });

  it("answers the GET handshake only for subscribe with the right verify token", () => {
    const query = (params: Record<string, string>) => new URLSearchParams(params);
    expect(verifyMetaHandshake("tok-123456", query({ "hub.mode": "subscribe", "hub.verify_token": "tok-123456", "hub.challenge": "1158201444" }))).toBe("1158201444");
    expect(verifyMetaHandshake("tok-123456", query({ "hub.mode": "subscribe", "hub.verify_token": "tok-654321", "hub.challenge": "1" }))).toBeNull();
    expect(verifyMetaHandshake("tok-123456", query({ "hub.mode": "unsubscribe", "hub.verify_token": "tok-123456", "hub.challenge": "1" }))).toBeNull();
    expect(verifyMetaHandshake("tok-123456", query({ "hub.mode": "subscribe", "hub.verify_token": "tok-123456" }))).toBeNull();
    expect(verifyMetaHandshake(undefined, query({ "hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1" }))).toBeNull();
  });
});

describe("parseMetaWebhook", () => {
  it("parses the protocol's inbound text message", () => {
    const body = `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
 "messaging_product":"whatsapp",
 "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
 "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
 "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
   "timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},
 "field":"messages"}]}]}`;
    expect(parseMetaWebhook(body, scope)).toEqual([
      {
        kind: "message",
        dedupeKey: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        externalId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
        from: { phone: "+16505551234", name: "Sheena Nelson" },
        timestamp: new Date(1749416383 * 1000),
        content: { type: "text", text: "Does it come in another color?" },
      },
    ]);
  });

  it("parses media with the provider media id, caption, mime type and filename", () => {
    expect(contentOf(inbound({ type: "image", image: { caption: "Blue one", mime_type: "image/jpeg", sha256: "abc=", id: "1479537139650973" } }))).toEqual({
      type: "image",
      caption: "Blue one",
      media: { providerMediaId: "1479537139650973", mimeType: "image/jpeg", sha256: "abc=" },
    });
    expect(contentOf(inbound({ type: "document", document: { filename: "invoice.pdf", mime_type: "application/pdf", sha256: "s", id: "42" } }))).toEqual({
      type: "document",
      media: { providerMediaId: "42", mimeType: "application/pdf", filename: "invoice.pdf", sha256: "s" },
    });
    for (const kind of ["audio", "video", "sticker"] as const) {
      expect(contentOf(inbound({ type: kind, [kind]: { mime_type: `${kind}/x`, id: `id-${kind}` } }))).toEqual({ type: kind, media: { providerMediaId: `id-${kind}`, mimeType: `${kind}/x` } });
    }
  });

  it("parses location, interactive replies, template buttons and reactions", () => {
    expect(contentOf(inbound({ type: "location", location: { latitude: -23.55, longitude: -46.63, name: "Loja", address: "Av. Paulista, 1000" } }))).toEqual({
      type: "location",
      latitude: -23.55,
      longitude: -46.63,
      name: "Loja",
      address: "Av. Paulista, 1000",
    });
    expect(contentOf(inbound({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "yes", title: "Sim" } } }))).toEqual({ type: "interactive", text: "Sim", payload: "yes" });
    expect(contentOf(inbound({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "opt-2", title: "Entrega", description: "Frete" } } }))).toEqual({
      type: "interactive",
      text: "Entrega",
      payload: "opt-2",
    });
    expect(contentOf(inbound({ type: "button", button: { text: "Parar promoções", payload: "STOP" } }))).toEqual({ type: "interactive", text: "Parar promoções", payload: "STOP" });
    expect(contentOf(inbound({ type: "reaction", reaction: { message_id: "wamid.ORIGINAL", emoji: "👍" } }))).toEqual({ type: "reaction", emoji: "👍", targetExternalId: "wamid.ORIGINAL" });
  });

  it("turns types it cannot show into unsupported content instead of refusing the webhook", () => {
    expect(contentOf(inbound({ type: "unsupported", errors: [{ code: 131051, title: "Message type unknown", error_data: { details: "Message type is currently not supported." } }] }))).toEqual({
      type: "unsupported",
      description: "unsupported: Message type unknown: Message type is currently not supported.",
    });
    expect(contentOf(inbound({ type: "contacts", contacts: [{ name: { formatted_name: "Ana" }, phones: [{ phone: "+55 11 91234-5678" }] }] }))).toEqual({
      type: "unsupported",
      description: "contacts: Ana +55 11 91234-5678",
    });
    expect(contentOf(inbound({ type: "order" }))).toEqual({ type: "unsupported", description: "order" });
  });

  it("parses statuses, maps played to read, keys them by wamid and status, and carries failure errors", () => {
    const status = (extra: Record<string, unknown>) => ({ id: "wamid.OUT", timestamp: "1749416400", recipient_id: "16505551234", ...extra });
    const events = parseMetaWebhook(
      messagesChange({
        statuses: [
          status({ status: "sent", conversation: { id: "c1", origin: { type: "service" } }, pricing: { pricing_model: "PMP", type: "regular", category: "service" } }),
          status({ status: "delivered" }),
          status({ status: "read" }),
          status({ status: "played" }),
          status({ status: "failed", errors: [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable", error_data: { details: "Recipient not reachable" }, href: "x" }] }),
          status({ status: "deleted" }),
        ],
      }),
      scope,
    );
    expect(events.map((event) => event.dedupeKey)).toEqual(["wamid.OUT:sent", "wamid.OUT:delivered", "wamid.OUT:read", "wamid.OUT:read", "wamid.OUT:failed"]);
    expect(events[4]).toEqual({
      kind: "status",
      dedupeKey: "wamid.OUT:failed",
      externalId: "wamid.OUT",
      status: "failed",
      timestamp: new Date(1749416400 * 1000),
      error: { code: "131026", message: "Message undeliverable: Recipient not reachable" },
    });
  });

  it("carries the echoed biz_opaque_callback_data of a status as its reference", () => {
    const events = parseMetaWebhook(messagesChange({ statuses: [{ id: "wamid.OUT", status: "sent", timestamp: "1749416400", biz_opaque_callback_data: "cr:42" }] }), scope);
    expect(events).toEqual([{ kind: "status", dedupeKey: "wamid.OUT:sent", externalId: "wamid.OUT", status: "sent", timestamp: new Date(1749416400 * 1000), reference: "cr:42" }]);
  });

  it("turns value.errors, template status and quality updates into alerts with stable keys", () => {
    const errors = messagesChange({ errors: [{ code: 130429, title: "Rate limit hit", message: "Rate limit hit", error_data: { details: "Message failed to send because there were too many messages sent from this phone number in a short period of time" } }] });
    const at = new Date("2026-11-25T10:05:00Z");
    const [alert] = parseMetaWebhook(errors, scope, at);
    expect(alert).toMatchObject({ kind: "account_alert", code: "130429", message: expect.stringContaining("Rate limit hit") });
    // A retry within the hour is the same event; the same alert the next day is a new one.
    expect(parseMetaWebhook(errors, scope, new Date("2026-11-25T10:55:00Z"))[0]!.dedupeKey).toBe(alert!.dedupeKey);
    expect(parseMetaWebhook(errors, scope, new Date("2026-11-26T10:05:00Z"))[0]!.dedupeKey).not.toBe(alert!.dedupeKey);

    const template = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: WABA, time: 1751247548, changes: [{ field: "message_template_status_update", value: { event: "REJECTED", message_template_id: 1689556908129832, message_template_name: "order_confirmation", message_template_language: "pt-BR", reason: "INCORRECT_CATEGORY" } }] }],
    });
    expect(parseMetaWebhook(template, scope)).toEqual([
      { kind: "template_status", dedupeKey: expect.stringMatching(/^template:/), templateName: "order_confirmation", language: "pt_BR", status: "REJECTED", reason: "INCORRECT_CATEGORY" },
    ]);
    const later = template.replace("1751247548", "1751247999");
    expect(parseMetaWebhook(later, scope)[0]!.dedupeKey).not.toBe(parseMetaWebhook(template, scope)[0]!.dedupeKey);

    const quality = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: WABA, time: 1748454394, changes: [{ field: "phone_number_quality_update", value: { display_phone_number: "15550783881", event: "DOWNGRADE", current_limit: "TIER_250" } }] }],
    });
    expect(parseMetaWebhook(quality, scope)).toEqual([{ kind: "account_alert", dedupeKey: expect.stringMatching(/^quality:/), code: "quality.DOWNGRADE", message: "15550783881 · DOWNGRADE · limit TIER_250" }]);
  });

  it("skips events of another phone number or WABA and fields it does not act on", () => {
    expect(parseMetaWebhook(inbound({ type: "text", text: { body: "hi" } }), { phoneNumberId: "999999999", wabaId: WABA })).toEqual([]);
    const otherWaba = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "555555555", changes: [{ field: "message_template_status_update", value: { event: "APPROVED", message_template_name: "x" } }] }] });
    expect(parseMetaWebhook(otherWaba, scope)).toEqual([]);
    const accountUpdate = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: WABA, changes: [{ field: "account_update", value: { event: "VERIFIED_ACCOUNT" } }] }] });
    expect(parseMetaWebhook(accountUpdate, scope)).toEqual([]);
    expect(parseMetaWebhook('{"object":"whatsapp_business_account","entry":[]}', scope)).toEqual([]);
  });

  it.each([
    ["not JSON", "{not json"],
    ["JSON null", "null"],
    ["an array", "[]"],
    ["another object kind", '{"object":"page","entry":[]}'],
    ["entry missing", '{"object":"whatsapp_business_account"}'],
    ["changes not an array", '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":{}}]}'],
    ["messages without metadata", '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[]}}]}]}'],
    ["a message without id", inbound({ type: "text", text: { body: "x" } }).replace('"id":"wamid.X",', "")],
    ["a status with a bad timestamp", messagesChange({ statuses: [{ id: "w", status: "read", timestamp: "soon" }] })],
  ])("throws MalformedWebhookError for %s", (_label, body) => {
    expect(() => parseMetaWebhook(body, scope)).toThrow(MalformedWebhookError);
  });
});
