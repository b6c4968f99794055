import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "~/lib/db.server";
import type { ConnectionContext } from "~/modules/channels/types";
import { whatsappBaileysAdapter } from "~/modules/channels/whatsapp-baileys.server";
import { inbound } from "../../../tests/fakes/baileys-socket";
import { discardQueuedEventJobs, startFakeSidecar, type FakeSidecar } from "../../../tests/support/baileys-sidecar";
import { createOrgWithOwner } from "../../../tests/support/factories";
import { testSecrets } from "../../../tests/support/test-env";

const db = getDb();
let sidecar: FakeSidecar;
const connectionIds: string[] = [];
beforeAll(async () => {
  sidecar = await startFakeSidecar();
});
afterAll(async () => {
  await discardQueuedEventJobs(connectionIds);
  await sidecar.close();
});

async function connectedNumber(label: string): Promise<ConnectionContext> {
  const { org } = await createOrgWithOwner(db, label);
  const { id } = await db.insertInto("channel_connections").values({ org_id: org.id, kind: "whatsapp_baileys", name: label }).returning("id").executeTakeFirstOrThrow();
  connectionIds.push(id);
  const connection: ConnectionContext = { id, orgId: org.id, kind: "whatsapp_baileys", config: {}, secrets: {} };
  // The first call goes to the default sidecar URL in production; here the test sidecar takes the lease directly.
  expect(await sidecar.manager.connect(id)).toMatchObject({ ok: true });
  sidecar.fake.latest(id).pair();
  await vi.waitFor(() => expect(sidecar.fake.socketsOf(id)).toHaveLength(2));
  sidecar.fake.latest(id).open();
  await vi.waitFor(() => expect(sidecar.manager.status(id).status).toBe("connected"));
  return connection;
}

describe("the sidecar's internal Baileys endpoints", () => {
  it("refuse callers without the shared secret", async () => {
    const id = randomUUID();
    const paths: Array<[string, string]> = [
      ["POST", `connect`],
      ["POST", `logout`],
      ["POST", `send`],
      ["POST", `media`],
      ["GET", `status`],
      ["GET", `qr`],
    ];
    for (const [method, action] of paths) {
      for (const authorization of [undefined, "Bearer wrong-secret-wrong-secret-wrong-secret", testSecrets.REALTIME_SECRET]) {
        const response = await fetch(`${sidecar.url}/internal/baileys/${id}/${action}`, { method, headers: authorization ? { authorization } : {}, body: method === "POST" ? "{}" : undefined });
        expect({ action, status: response.status }).toEqual({ action, status: 401 });
      }
    }
    const ok = await fetch(`${sidecar.url}/internal/baileys/${id}/status`, { headers: { authorization: `Bearer ${testSecrets.REALTIME_SECRET}` } });
    expect(await ok.json()).toEqual({ owned: false, status: null });
  });

  it("answer bad input with 4xx, never 500", async () => {
    const call = (method: string, path: string, body?: string) =>
      fetch(`${sidecar.url}/internal/baileys/${path}`, { method, headers: { authorization: `Bearer ${testSecrets.REALTIME_SECRET}` }, body });
    expect((await call("POST", "not-a-uuid/connect", "{}")).status).toBe(404);
    expect((await call("POST", `${randomUUID()}/connect`, "{}")).status).toBe(404); // no such connection
    expect((await call("GET", `${randomUUID()}/connect`)).status).toBe(405);
    expect((await call("POST", `${randomUUID()}/send`, JSON.stringify({ to: "+5511", message: { type: "text" } }))).status).toBe(400);
    expect((await call("POST", `${randomUUID()}/send`, "{")).status).toBe(400);
    expect((await call("POST", `${randomUUID()}/media`, JSON.stringify({}))).status).toBe(400);
    expect((await call("POST", `%E0%A4%A/connect`, "{}")).status).toBe(404);
  });
});

describe("the WhatsApp (QR) adapter through the sidecar", () => {
  it("tests the connection, sends text, media bytes and templates as text, and downloads inbound media", async () => {
    const connection = await connectedNumber("adapter");
    const socket = sidecar.fake.latest(connection.id);
    expect(await whatsappBaileysAdapter.testConnection(connection)).toEqual({ ok: true, detail: "connected" });

    const text = await whatsappBaileysAdapter.sendText(connection, "+5511912345678", "Seu pedido saiu para entrega.", { typingMs: 20 });
    expect(text).toMatchObject({ ok: true, status: "sent" });
    expect(socket.sent.at(-1)).toEqual({ jid: "5511912345678@s.whatsapp.net", content: { text: "Seu pedido saiu para entrega." } });
    expect(socket.presence.map((entry) => entry.type)).toEqual(["composing", "paused"]);

    const media = await whatsappBaileysAdapter.sendMedia(connection, "+5511912345678", { kind: "document", mimeType: "application/pdf", filename: "nota.pdf", caption: "Sua nota", bytes: Buffer.from("%PDF-1.4 fake") });
    expect(media).toMatchObject({ ok: true });
    const sentDocument = socket.sent.at(-1)!.content as { document: { stream: AsyncIterable<Buffer> }; fileName: string; caption: string };
    expect(sentDocument).toMatchObject({ fileName: "nota.pdf", caption: "Sua nota", mimetype: "application/pdf" });
    const linked = await whatsappBaileysAdapter.sendMedia(connection, "+5511912345678", { kind: "image", mimeType: "image/jpeg", url: "https://files.example.test/a.jpg" });
    expect(linked).toMatchObject({ ok: true });
    expect(socket.sent.at(-1)!.content).toMatchObject({ image: { url: "https://files.example.test/a.jpg" }, mimetype: "image/jpeg" });

    await db
      .insertInto("message_templates")
      .values({ org_id: connection.orgId, connection_id: connection.id, name: "pedido_enviado", language: "pt_BR", status: "APPROVED", category: "UTILITY", components: JSON.stringify([{ type: "BODY", text: "Oi {{1}}, seu pedido {{2}} saiu." }]) })
      .execute();
    expect(await whatsappBaileysAdapter.sendTemplate(connection, "+5511912345678", { name: "pedido_enviado", language: "pt_BR", bodyParameters: ["Ana", "#42"] })).toMatchObject({ ok: true });
    expect(socket.sent.at(-1)!.content).toEqual({ text: "Oi Ana, seu pedido #42 saiu." });
    expect(await whatsappBaileysAdapter.sendTemplate(connection, "+5511912345678", { name: "missing", language: "pt_BR", bodyParameters: [] })).toMatchObject({ ok: false, code: "template_not_found", retryable: false });

    // An inbound voice note: the stored event carries a sealed reference the adapter can download.
    const voice = inbound.voiceNote({ jid: "98765432101234@lid", alt: "5511912345678@s.whatsapp.net" });
    socket.receive([voice]);
    const event = await vi.waitFor(async () => {
      const row = await db.selectFrom("webhook_events").select("payload").where("connection_id", "=", connection.id).executeTakeFirst();
      expect(row).toBeTruthy();
      return row!.payload as { from: unknown; content: { type: string; media: { providerMediaId: string } } };
    });
    expect(event.from).toEqual({ phone: "+5511912345678", lid: "98765432101234" });
    sidecar.fake.setMedia(voice.key.id!, Buffer.from("OggS voice"));
    const download = await whatsappBaileysAdapter.downloadMedia(connection, event.content.media.providerMediaId);
    expect(download.mimeType).toBe("audio/ogg; codecs=opus");
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("OggS voice");
    await expect(whatsappBaileysAdapter.downloadMedia({ ...connection }, "v2.AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA")).rejects.toMatchObject({ status: 400 });

    // Logout through the adapter: the phone is unlinked and the session forgotten.
    expect(await whatsappBaileysAdapter.logout(connection)).toEqual({ status: "logged_out" });
    expect(socket.loggedOut).toBe(true);
    expect(await db.selectFrom("baileys_auth").select("key_id").where("connection_id", "=", connection.id).execute()).toEqual([]);
    expect(await whatsappBaileysAdapter.sendText(connection, "+5511912345678", "depois do logout")).toMatchObject({ ok: false, retryable: true });
    expect(whatsappBaileysAdapter.mapStatus("3")).toBe("delivered");
    expect(whatsappBaileysAdapter.mapStatus("PLAYED")).toBe("read");
  });
});
