import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeMetaGraph, startFakeMetaGraph } from "../../../tests/fakes/meta-graph";
import type { ConnectionContext } from "./types";
import { createWhatsAppCloudAdapter, MediaDownloadError, whatsappCloudAdapter } from "./whatsapp-cloud.server";

const credentials = { accessToken: "EAAG-test-token-0123456789abcdef", phoneNumberId: "106540352242922", wabaId: "102290129340398", appSecret: "test_app_secret" };
let graph: FakeMetaGraph;
let connection: ConnectionContext;

beforeAll(async () => {
  graph = await startFakeMetaGraph(credentials);
  connection = {
    id: "00000000-0000-4000-8000-000000000001",
    orgId: "00000000-0000-4000-8000-000000000002",
    kind: "whatsapp_cloud",
    config: { phoneNumberId: credentials.phoneNumberId, wabaId: credentials.wabaId, graphVersion: "v21.0", baseUrl: graph.baseUrl },
    secrets: { accessToken: credentials.accessToken, appSecret: credentials.appSecret, verifyToken: "verify-me-please" },
  };
});
afterAll(() => graph.close());
beforeEach(() => {
  graph.requests.length = 0;
  graph.sent.length = 0;
  graph.setLatency(0);
});

describe("WhatsApp Cloud adapter configuration", () => {
  it("validates the form, keeps secrets apart and generates a verify token", () => {
    const result = whatsappCloudAdapter.validateConfig({ phoneNumberId: "106540352242922", wabaId: "102290129340398", accessToken: credentials.accessToken, appSecret: "0123456789abcdef", verifyToken: "", graphVersion: "", baseUrl: "" });
    expect(result).toEqual({
      ok: true,
      config: { phoneNumberId: "106540352242922", wabaId: "102290129340398", graphVersion: "v21.0" },
      secrets: { accessToken: credentials.accessToken, appSecret: "0123456789abcdef", verifyToken: expect.stringMatching(/^[\w-]{32}$/) },
    });
    const bad = whatsappCloudAdapter.validateConfig({ phoneNumberId: "abc", wabaId: "", accessToken: "short", appSecret: "", graphVersion: "21", baseUrl: "ftp://x" });
    expect(bad).toEqual({
      ok: false,
      fieldErrors: {
        phoneNumberId: ["meta.invalidId"],
        wabaId: ["validation.required", "meta.invalidId"],
        accessToken: ["meta.invalidToken"],
        appSecret: ["validation.required", "meta.invalidAppSecret"],
        graphVersion: ["meta.invalidVersion"],
        baseUrl: ["meta.invalidBaseUrl"],
      },
    });
    expect(whatsappCloudAdapter.configFields.filter((field) => field.secret).map((field) => field.name)).toEqual(["accessToken", "appSecret", "verifyToken"]);
  });

  it("tests the connection with the phone number's fields", async () => {
    expect(await whatsappCloudAdapter.testConnection(connection)).toEqual({ ok: true, detail: "+1 555-078-3881 · Master IA Test · quality GREEN" });
    expect(graph.requests[0]).toMatchObject({ method: "GET", path: `/v21.0/${credentials.phoneNumberId}`, query: { fields: "display_phone_number,verified_name,quality_rating" } });
    const broken = { ...connection, secrets: { ...connection.secrets, accessToken: "expired" } };
    expect(await whatsappCloudAdapter.testConnection(broken)).toEqual({ ok: false, message: expect.stringMatching(/^190: /) });
  });
});

describe("WhatsApp Cloud adapter sending", () => {
  it("sends text with the documented JSON and returns the wamid", async () => {
    const result = await whatsappCloudAdapter.sendText(connection, "+5511999999999", "Oi! Seu pedido saiu.");
    expect(result).toEqual({ ok: true, externalId: graph.sent[0]!.wamid, status: "sent" });
    expect(graph.requests[0]).toMatchObject({ method: "POST", path: `/v21.0/${credentials.phoneNumberId}/messages`, authorization: `Bearer ${credentials.accessToken}` });
    expect(graph.requests[0]!.body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "+5511999999999", type: "text", text: { preview_url: false, body: "Oi! Seu pedido saiu." } });
    await whatsappCloudAdapter.sendText(connection, "+5511999999999", "Veja https://example.com/p/1");
    expect(graph.requests[1]!.body).toMatchObject({ text: { preview_url: true } });
  });

  it("puts a send's reference in biz_opaque_callback_data, which Meta echoes on its statuses", async () => {
    await whatsappCloudAdapter.sendText(connection, "+5511999999999", "Promoção", { reference: "cr:42" });
    expect(graph.requests[0]!.body).toMatchObject({ type: "text", biz_opaque_callback_data: "cr:42" });
    await whatsappCloudAdapter.sendText(connection, "+5511999999999", "Sem referência");
    expect(graph.requests[1]!.body).not.toHaveProperty("biz_opaque_callback_data");
  });

  it("sends media by link, and uploads bytes to /media first", async () => {
    await whatsappCloudAdapter.sendMedia(connection, "+5511999999999", { kind: "image", url: "https://cdn.example/p.jpg", mimeType: "image/jpeg", caption: "Modelo azul" });
    expect(graph.requests[0]!.body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "+5511999999999", type: "image", image: { link: "https://cdn.example/p.jpg", caption: "Modelo azul" } });

    graph.requests.length = 0;
    const bytes = new TextEncoder().encode("%PDF-1.4 fake");
    const result = await whatsappCloudAdapter.sendMedia(connection, "+5511999999999", { kind: "document", bytes, mimeType: "application/pdf", filename: "nota.pdf", caption: "Sua nota" });
    expect(result.ok).toBe(true);
    const [upload, send] = graph.requests;
    expect(upload).toMatchObject({ method: "POST", path: `/v21.0/${credentials.phoneNumberId}/media` });
    const form = upload!.body as FormData;
    expect([form.get("messaging_product"), form.get("type"), (form.get("file") as File).name]).toEqual(["whatsapp", "application/pdf", "nota.pdf"]);
    expect(send!.body).toEqual({ messaging_product: "whatsapp", recipient_type: "individual", to: "+5511999999999", type: "document", document: { id: expect.any(String), caption: "Sua nota", filename: "nota.pdf" } });

    graph.requests.length = 0;
    await whatsappCloudAdapter.sendMedia(connection, "+5511999999999", { kind: "audio", url: "https://cdn.example/a.ogg", mimeType: "audio/ogg", caption: "ignored" });
    expect(graph.requests[0]!.body).toMatchObject({ type: "audio", audio: { link: "https://cdn.example/a.ogg" } });
    expect((graph.requests[0]!.body as { audio: object }).audio).not.toHaveProperty("caption");
  });

  it("sends templates with body and header parameters", async () => {
    const result = await whatsappCloudAdapter.sendTemplate(connection, "+5511999999999", {
      name: "pedido_enviado",
      language: "pt_BR",
      bodyParameters: ["Ana", "#1234"],
      headerParameters: [{ type: "image", url: "https://cdn.example/banner.png" }],
    });
    expect(result.ok).toBe(true);
    expect(graph.requests[0]!.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+5511999999999",
      type: "template",
      template: {
        name: "pedido_enviado",
        language: { code: "pt_BR" },
        components: [
          { type: "header", parameters: [{ type: "image", image: { link: "https://cdn.example/banner.png" } }] },
          { type: "body", parameters: [{ type: "text", text: "Ana" }, { type: "text", text: "#1234" }] },
        ],
      },
    });
    await whatsappCloudAdapter.sendTemplate(connection, "+5511999999999", { name: "hello_world", language: "en_US", bodyParameters: [] });
    expect(graph.requests[1]!.body).toMatchObject({ template: { name: "hello_world", language: { code: "en_US" } } });
    expect((graph.requests[1]!.body as { template: object }).template).not.toHaveProperty("components");
  });

  it.each([
    [130429, { retryable: true, consequence: "rate_limited" }],
    [131056, { retryable: true, consequence: "rate_limited" }],
    [80007, { retryable: true, consequence: "rate_limited" }],
    [4, { retryable: true, consequence: "rate_limited" }],
    [131000, { retryable: true }],
    [131026, { retryable: false }],
    [131047, { retryable: false, consequence: "window_closed" }],
    [131048, { retryable: false, consequence: "pause_sending" }],
    [131049, { retryable: false }],
    [190, { retryable: false, consequence: "connection_broken" }],
    [368, { retryable: false, consequence: "pause_sending" }],
  ] as const)("maps Graph error %i", async (code, expected) => {
    graph.failNext(code, { details: "from the fake" });
    const result = await whatsappCloudAdapter.sendText(connection, "+5511999999999", "oi");
    expect(result).toEqual({ ok: false, code: String(code), message: expect.stringContaining("from the fake"), ...expected });
  });

  it("treats a 5xx without an error body, a timeout and a refused connection as retryable", async () => {
    graph.failNext(999, { httpStatus: 503 });
    expect(await whatsappCloudAdapter.sendText(connection, "+5511999999999", "oi")).toMatchObject({ ok: false, code: "999", retryable: true });

    graph.setLatency(300);
    const impatient = createWhatsAppCloudAdapter({ timeoutMs: 50 });
    expect(await impatient.sendText(connection, "+5511999999999", "oi")).toMatchObject({ ok: false, code: "timeout", retryable: true });
    graph.setLatency(0);

    const nowhere = { ...connection, config: { ...connection.config, baseUrl: "http://127.0.0.1:9" } };
    expect(await whatsappCloudAdapter.sendText(nowhere, "+5511999999999", "oi")).toMatchObject({ ok: false, code: "network", retryable: true });
  });

  it("is refused a payload Meta would refuse", async () => {
    expect(await whatsappCloudAdapter.sendText(connection, "not-a-phone", "oi")).toMatchObject({ ok: false, code: "100", retryable: false });
  });
});

describe("WhatsApp Cloud adapter media download", () => {
  it("resolves the media id to a URL and downloads it with the bearer token", async () => {
    const id = graph.addMedia(Buffer.from("JPEGDATA"), "image/jpeg");
    const media = await whatsappCloudAdapter.downloadMedia(connection, id);
    const chunks: Buffer[] = [];
    for await (const chunk of media.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("JPEGDATA");
    expect(media).toMatchObject({ mimeType: "image/jpeg", size: 8, sha256: expect.any(String) });
    expect(graph.requests.map((request) => [request.path.split("/").slice(0, 2).join("/"), request.authorization])).toEqual([
      ["/v21.0", `Bearer ${credentials.accessToken}`],
      ["/download", `Bearer ${credentials.accessToken}`],
    ]);
    await expect(whatsappCloudAdapter.downloadMedia(connection, "404404404")).rejects.toBeInstanceOf(MediaDownloadError);
  });
});
