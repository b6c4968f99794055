import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, parseKeyRing } from "~/lib/crypto/secret-box.server";
import { inbound } from "../../../tests/fakes/baileys-socket";
import { testSecrets } from "../../../tests/support/test-env";
import { baileysStatus, jidForPhone, normalizeUpdates, normalizeUpsert, openMediaRef, phoneFromJid, senderOf } from "./inbound";
import { backoffDelay, planReconnect } from "./reconnect";

const box = createSecretBox(parseKeyRing(testSecrets.ENCRYPTION_KEYS));
const connectionId = randomUUID();
const options = { connectionId, box };
const customer = { jid: "5511912345678@s.whatsapp.net", pushName: "Maria" };

describe("inbound messages", () => {
  it("maps text, extended text, location and reactions", async () => {
    const text = inbound.text(customer, "Oi, tudo bem?");
    const { events, decryptFailures } = await normalizeUpsert(
      [text, inbound.extendedText(customer, "link https://x.test"), inbound.location(customer), inbound.reaction(customer, "3EB0AAA", "👍")],
      options,
    );
    expect(decryptFailures).toEqual([]);
    expect(events[0]).toEqual({
      kind: "message",
      dedupeKey: `msg:${text.key.id}`,
      externalId: text.key.id,
      from: { phone: "+5511912345678", name: "Maria" },
      timestamp: new Date(Number(text.messageTimestamp) * 1000),
      content: { type: "text", text: "Oi, tudo bem?" },
    });
    expect(events.map((event) => event.kind === "message" && event.content)).toEqual([
      { type: "text", text: "Oi, tudo bem?" },
      { type: "text", text: "link https://x.test" },
      { type: "location", latitude: -23.5505, longitude: -46.6333, name: "Loja Centro", address: "Praça da Sé" },
      { type: "reaction", emoji: "👍", targetExternalId: "3EB0AAA" },
    ]);
  });

  it("gives media a sealed reference only this connection's sidecar can open", async () => {
    const image = inbound.image(customer, "a foto");
    const voice = inbound.voiceNote(customer);
    const doc = inbound.document(customer, "pedido.pdf");
    const { events } = await normalizeUpsert([image, voice, doc, inbound.sticker(customer)], options);
    const contents = events.map((event) => (event.kind === "message" ? event.content : null));
    expect(contents.map((content) => content?.type)).toEqual(["image", "audio", "document", "sticker"]);
    const imageContent = contents[0] as { caption?: string; media: { providerMediaId?: string } };
    expect(imageContent).toMatchObject({ caption: "a foto", media: { mimeType: "image/jpeg", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(contents[2]).toMatchObject({ media: { filename: "pedido.pdf", mimeType: "application/pdf" } });
    const reference = imageContent.media.providerMediaId!;
    // The media key never sits in the stored event in the clear.
    expect(reference).not.toContain(Buffer.from(image.message!.imageMessage!.mediaKey!).toString("base64"));
    const opened = openMediaRef(reference, connectionId, box);
    expect(opened.mimeType).toBe("image/jpeg");
    expect(Buffer.from(opened.message.message!.imageMessage!.mediaKey!)).toEqual(Buffer.from(image.message!.imageMessage!.mediaKey!));
    expect(opened.message.message!.imageMessage).not.toHaveProperty("jpegThumbnail");
    expect(opened.message.key.id).toBe(image.key.id);
    expect(() => openMediaRef(reference, randomUUID(), box)).toThrow();
  });

  it("maps a LID-addressed sender and a phone-addressed one so the ingest can join them", async () => {
    const byLid = inbound.text({ jid: "98765432101234@lid", alt: "5511912345678@s.whatsapp.net" }, "por lid");
    const byPhone = inbound.text({ jid: "5511912345678@s.whatsapp.net", alt: "98765432101234@lid" }, "por telefone");
    const lidOnly = inbound.text({ jid: "55555555555555@lid" }, "só lid");
    const { events } = await normalizeUpsert([byLid, byPhone, lidOnly], options);
    const senders = events.map((event) => (event.kind === "message" ? event.from : null));
    expect(senders).toEqual([{ phone: "+5511912345678", lid: "98765432101234" }, { phone: "+5511912345678", lid: "98765432101234" }, { lid: "55555555555555" }]);
    // When the session's LID store knows the number, it fills the phone in.
    const known = await senderOf(lidOnly.key, async (lid) => (lid === "55555555555555@lid" ? "5521988887777@s.whatsapp.net" : null));
    expect(known).toEqual({ phone: "+5521988887777", lid: "55555555555555" });
    // Older Baileys builds named the alternate senderPn.
    expect(await senderOf({ remoteJid: "111@lid", senderPn: "5511900000000@s.whatsapp.net" } as never)).toEqual({ phone: "+5511900000000", lid: "111" });
  });

  it("reports undecryptable messages apart and skips echoes, groups, history and protocol traffic", async () => {
    const bad = inbound.undecryptable(customer, "Bad MAC");
    const { events, decryptFailures } = await normalizeUpsert(
      [
        bad,
        inbound.fromMe(customer.jid, "our own send"),
        inbound.group("120363000000000000@g.us", customer.jid, "no grupo"),
        inbound.text({ jid: "status@broadcast" }, "status"),
        { key: { remoteJid: customer.jid, id: "PROTO", fromMe: false }, message: { protocolMessage: { type: 0 } } },
      ],
      options,
    );
    expect(events).toEqual([]);
    expect(decryptFailures).toEqual([{ externalId: bad.key.id, reason: "Bad MAC" }]);
  });

  it("turns receipts of our messages into delivery statuses (2 sent, 3 delivered, 4 read, 5 played → read)", () => {
    expect([0, 1, 2, 3, 4, 5].map(baileysStatus)).toEqual(["failed", null, "sent", "delivered", "read", "read"]);
    const at = new Date("2026-01-01T00:00:00Z");
    const events = normalizeUpdates(
      [
        { key: { id: "OUT1", fromMe: true, remoteJid: customer.jid }, update: { status: 3 } },
        { key: { id: "IN1", fromMe: false, remoteJid: customer.jid }, update: { status: 4 } },
        { key: { id: "OUT2", fromMe: true, remoteJid: customer.jid }, update: { starred: true } },
      ],
      at,
    );
    expect(events).toEqual([{ kind: "status", dedupeKey: "status:OUT1:delivered", externalId: "OUT1", status: "delivered", timestamp: at }]);
  });

  it("converts between phones and JIDs", () => {
    expect(phoneFromJid("5511987654321:12@s.whatsapp.net")).toBe("+5511987654321");
    expect(phoneFromJid("123@lid")).toBeUndefined();
    expect(jidForPhone("+55 (11) 98765-4321")).toBe("5511987654321@s.whatsapp.net");
    expect(jidForPhone("12")).toBeNull();
  });
});

describe("reconnect plan by DisconnectReason", () => {
  it("restarts at once after pairing (515), forgets on 401/403, stops on 440, backs off otherwise", () => {
    expect(planReconnect(515, 3)).toEqual({ action: "restart" });
    expect(planReconnect(401, 0)).toMatchObject({ action: "logged_out" });
    expect(planReconnect(403, 0)).toMatchObject({ action: "logged_out" });
    expect(planReconnect(440, 0)).toMatchObject({ action: "replaced" });
    for (const code of [428, 408, 500, 503, 411, undefined]) expect(planReconnect(code, 0).action).toBe("backoff");
  });

  it("doubles the delay per attempt up to the cap, with equal jitter", () => {
    const options = { baseMs: 1_000, maxMs: 30_000 };
    const low = [0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0 }));
    const high = [0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffDelay(attempt, { ...options, random: () => 1 }));
    expect(low).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    expect(high).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(planReconnect(428, 2, { ...options, random: () => 0.5 })).toEqual({ action: "backoff", delayMs: 3_000, reason: "connectionClosed (428)" });
  });
});
