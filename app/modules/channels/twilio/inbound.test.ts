import { describe, expect, it } from "vitest";
import { MalformedWebhookError } from "../types";
import { mapTwilioStatus, parseTwilioForm, parseTwilioWebhook, verifyTwilioSignature } from "./inbound.server";

describe("Twilio signature", () => {
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+14158675309", Digits: "1234", From: "+14158675309", To: "+18005551212" };
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";

  it("matches the protocol test vector", () => {
    expect(verifyTwilioSignature("12345", url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(true);
    expect(verifyTwilioSignature("12345", url.replace("https://mycompany.com", "https://mycompany.com:443"), params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(true);
  });

  it("refuses a wrong token, URL, param or missing header", () => {
    expect(verifyTwilioSignature("54321", url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(false);
    expect(verifyTwilioSignature("12345", "https://evil.example/myapp.php?foo=1&bar=2", params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(false);
    expect(verifyTwilioSignature("12345", url, { ...params, Digits: "9999" }, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(false);
    expect(verifyTwilioSignature("12345", url, params, null)).toBe(false);
    expect(verifyTwilioSignature(undefined, url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toBe(false);
  });
});

describe("parseTwilioWebhook", () => {
  const sid = "SM" + "a".repeat(32);
  const at = new Date("2026-01-01T00:00:00Z");

  it("parses an inbound SMS, an opt-out STOP and an MMS with media", () => {
    const body = `ToCountry=US&SmsMessageSid=${sid}&NumMedia=0&SmsSid=${sid}&SmsStatus=received&Body=Ol%C3%A1%21&To=%2B15005550006&NumSegments=1&MessageSid=${sid}&AccountSid=AC${"1".repeat(32)}&From=%2B5511999990000&ApiVersion=2010-04-01`;
    expect(parseTwilioWebhook(parseTwilioForm(body), at)).toEqual([
      { kind: "message", dedupeKey: sid, externalId: sid, from: { phone: "+5511999990000" }, timestamp: at, content: { type: "text", text: "Olá!" } },
    ]);
    const stop = parseTwilioWebhook(parseTwilioForm(body.replace("Body=Ol%C3%A1%21", "Body=STOP") + "&OptOutType=STOP"), at);
    expect(stop[0]).toMatchObject({ kind: "message", content: { type: "text", text: "STOP" } });

    const mms = parseTwilioWebhook(
      { MessageSid: sid, From: "+5511999990000", Body: "foto", NumMedia: "2", MediaUrl0: "https://api.twilio.com/m/0", MediaContentType0: "image/jpeg", MediaUrl1: "https://api.twilio.com/m/1", MediaContentType1: "application/pdf" },
      at,
    );
    expect(mms).toEqual([
      { kind: "message", dedupeKey: sid, externalId: sid, from: { phone: "+5511999990000" }, timestamp: at, content: { type: "image", caption: "foto", media: { url: "https://api.twilio.com/m/0", mimeType: "image/jpeg" } } },
      { kind: "message", dedupeKey: `${sid}:1`, externalId: `${sid}:1`, from: { phone: "+5511999990000" }, timestamp: at, content: { type: "document", media: { url: "https://api.twilio.com/m/1", mimeType: "application/pdf" } } },
    ]);
  });

  it("parses status callbacks keyed by sid and status, with the error code on failures", () => {
    expect(parseTwilioWebhook({ MessageSid: sid, MessageStatus: "delivered", SmsStatus: "delivered" }, at)).toEqual([
      { kind: "status", dedupeKey: `${sid}:delivered`, externalId: sid, status: "delivered", timestamp: at },
    ]);
    expect(parseTwilioWebhook({ MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30003" }, at)).toEqual([
      { kind: "status", dedupeKey: `${sid}:failed`, externalId: sid, status: "failed", timestamp: at, error: { code: "30003", message: "" } },
    ]);
    expect(parseTwilioWebhook({ MessageSid: sid, MessageStatus: "some_new_status" }, at)).toEqual([]);
  });

  it("gives a status callback the reference read from its URL", () => {
    expect(parseTwilioWebhook({ MessageSid: sid, MessageStatus: "sent" }, at, "cr:42")).toEqual([
      { kind: "status", dedupeKey: `${sid}:sent`, externalId: sid, status: "sent", timestamp: at, reference: "cr:42" },
    ]);
  });

  it("maps every documented status", () => {
    const expected = {
      queued: "queued", accepted: "queued", scheduled: "queued", sending: "sent", sent: "sent", delivered: "delivered", partially_delivered: "delivered",
      read: "read", failed: "failed", undelivered: "failed", canceled: "failed", receiving: null, received: null,
    } as const;
    for (const [status, mapped] of Object.entries(expected)) expect([status, mapTwilioStatus(status)]).toEqual([status, mapped]);
  });

  it.each([
    ["an empty body", ""],
    ["junk", "%%%&&&==="],
    ["a bad sid", "MessageSid=nope&From=%2B1&Body=x"],
    ["a message without From", `MessageSid=${sid}&Body=x`],
    ["a status without sid", "MessageStatus=delivered"],
    ["NumMedia without MediaUrl", `MessageSid=${sid}&From=%2B15550001111&NumMedia=1`],
  ])("throws MalformedWebhookError for %s", (_label, body) => {
    expect(() => parseTwilioWebhook(parseTwilioForm(body))).toThrow(MalformedWebhookError);
  });
});
