import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp, type TestClient } from "../support/app-server.js";
import { insertContact, insertCustomField } from "../support/contacts-factories.js";
import { createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { createSandbox, newPhone } from "../support/inbox-fixtures.js";
import { createMetaConnection } from "../support/provider-connections.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = () => getDb();

async function owner(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const client = app.client();
  await client.signIn(owner.email, TEST_PASSWORD);
  return { org, owner, client };
}

async function newDraft(client: TestClient, connectionId: string, name = "Campanha") {
  const response = await client.post("/campaigns/new", { name, connectionId });
  expect(response.status).toBe(302);
  return response.headers.get("Location")!.split("/")[2]!;
}

function multipart(fields: Record<string, string>, files: Record<string, { bytes: Uint8Array; type: string; name: string }> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, file] of Object.entries(files)) form.append(name, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
  return form;
}

async function pageText(response: Response): Promise<string> {
  return (await response.text())
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const campaignRow = (id: string) => db().selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("builder content", () => {
  it("maps a Meta template's variables to contact fields with fallbacks, previews and test-sends it", async () => {
    const { org, client } = await owner("cb-template");
    const meta = await createMetaConnection(db(), org.id, { status: "connected" });
    await insertCustomField(db(), org.id, { key: "pedido", type: "text" });
    await insertContact(db(), org.id, { name: "Rita Alves", attributes: { pedido: "A-77" } });
    const template = await db()
      .insertInto("message_templates")
      .values({ org_id: org.id, connection_id: meta.id, name: "pedido_pronto", language: "pt_BR", status: "APPROVED", category: "UTILITY", components: JSON.stringify([{ type: "BODY", text: "Olá {{1}}, seu pedido {{2}} está pronto." }]) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = await newDraft(client, meta.id);
    const base = { intent: "save", name: "Pedidos", connectionId: meta.id, audienceKind: "all", messageType: "template", templateId: template.id, scheduleMode: "now", ratePerSecond: "20" };

    const missing = await client.post(`/campaigns/${id}/edit`, { ...base, "templateVar.0.source": "first_name", "templateVar.0.fallback": "cliente", "templateVar.1.source": "", "templateVar.1.fallback": "" });
    expect(missing.status).toBe(400);
    expect(await pageText(missing)).toContain("Escolha um campo ou informe um valor padrão.");
    const tooFast = await client.post(`/campaigns/${id}/edit`, { ...base, ratePerSecond: "81", "templateVar.0.source": "first_name", "templateVar.1.source": "pedido" });
    expect(tooFast.status).toBe(400);
    expect(await pageText(tooFast)).toContain("Use um número inteiro de 1 a 80.");

    const saved = await client.post(`/campaigns/${id}/edit`, { ...base, "templateVar.0.source": "first_name", "templateVar.0.fallback": "cliente", "templateVar.1.source": "pedido", "templateVar.1.fallback": "seu pedido" });
    expect(saved.status).toBe(302);
    expect((await campaignRow(id)).message).toEqual({
      type: "template",
      templateId: template.id,
      variables: [
        { source: "first_name", fallback: "cliente" },
        { source: "pedido", fallback: "seu pedido" },
      ],
    });
    expect(await pageText(await client.get(`/campaigns/${id}/edit`))).toContain("Olá Rita, seu pedido A-77 está pronto.");

    const phone = newPhone();
    const sent = await client.post(`/campaigns/${id}/edit`, { ...base, intent: "testSend", testPhone: phone, "templateVar.0.source": "first_name", "templateVar.0.fallback": "cliente", "templateVar.1.source": "pedido", "templateVar.1.fallback": "seu pedido" });
    expect(sent.status).toBe(200);
    const message = await db()
      .selectFrom("messages")
      .innerJoin("conversations", "conversations.id", "messages.conversation_id")
      .innerJoin("contacts", "contacts.id", "conversations.contact_id")
      .select(["messages.type", "messages.body", "messages.content"])
      .where("contacts.org_id", "=", org.id)
      .where("contacts.phone", "=", phone)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({
      type: "template",
      body: "Olá cliente, seu pedido seu pedido está pronto.",
      content: { template: { name: "pedido_pronto", language: "pt_BR", bodyParameters: ["cliente", "seu pedido"] } },
    });

    // A template on a channel that cannot send templates is refused beside the field.
    const sandbox = await createSandbox(db(), org.id);
    const wrong = await client.post(`/campaigns/${id}/edit`, { ...base, connectionId: sandbox.id, "templateVar.0.fallback": "a", "templateVar.1.fallback": "b" });
    expect(wrong.status).toBe(400);
    expect(await pageText(wrong)).toContain("Modelos só podem ser enviados por conexões WhatsApp Cloud API.");
  });

  it("stores an uploaded attachment with the draft and a CSV list upload as list entries", async () => {
    const { org, client } = await owner("cb-upload");
    const sandbox = await createSandbox(db(), org.id);
    const id = await newDraft(client, sandbox.id);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const phone = newPhone();
    const csv = new TextEncoder().encode(`nome;celular\nJoana;${phone}\nSem número;\n`);
    const response = await client.request("POST", `/campaigns/${id}/edit`, {
      body: multipart(
        { intent: "save", name: "Com foto", connectionId: sandbox.id, audienceKind: "list", messageType: "text", text: "Veja a foto", scheduleMode: "now", ratePerSecond: "20" },
        { mediaFile: { bytes: png, type: "image/png", name: "oferta.png" }, listFile: { bytes: csv, type: "text/csv", name: "lista.csv" } },
      ),
    });
    expect(response.status).toBe(302);
    const row = await campaignRow(id);
    const mediaId = (row.message as { mediaId: string }).mediaId;
    expect(await db().selectFrom("media").select(["filename", "mime_type"]).where("id", "=", mediaId).where("org_id", "=", org.id).executeTakeFirstOrThrow()).toEqual({
      filename: "oferta.png",
      mime_type: "image/png",
    });
    expect(await db().selectFrom("campaign_list_entries").select(["phone", "name"]).where("campaign_id", "=", id).execute()).toEqual([{ phone, name: "Joana" }]);
    const page = await pageText(await client.get(`/campaigns/${id}/edit`));
    expect(page).toContain("Anexo atual: oferta.png");
    expect(page).toContain("1 vão receber de 1 no público");

    // A file WhatsApp does not accept is an error beside the field.
    const bad = await client.request("POST", `/campaigns/${id}/edit`, {
      body: multipart(
        { intent: "save", name: "Com foto", connectionId: sandbox.id, audienceKind: "list", messageType: "text", text: "x", scheduleMode: "now", ratePerSecond: "20" },
        { mediaFile: { bytes: new Uint8Array([1, 2, 3]), type: "application/x-msdownload", name: "virus.exe" } },
      ),
    });
    expect(bad.status).toBe(400);
    expect(await pageText(bad)).toContain("Tipo de arquivo não aceito pelo WhatsApp");

    const removed = await client.post(`/campaigns/${id}/edit`, { intent: "save", name: "Sem foto", connectionId: sandbox.id, audienceKind: "list", messageType: "text", text: "Oi", removeMedia: "on", scheduleMode: "now", ratePerSecond: "20" });
    expect(removed.status).toBe(302);
    expect((await campaignRow(id)).message).toEqual({ type: "text", text: "Oi", mediaId: null });
  });

  it("offers a random delay and a daily cap for numbers paired by QR", async () => {
    const { org, client } = await owner("cb-baileys");
    const qr = await db().insertInto("channel_connections").values({ org_id: org.id, kind: "whatsapp_baileys", name: "Celular da loja" }).returning("id").executeTakeFirstOrThrow();
    const id = await newDraft(client, qr.id);
    expect((await campaignRow(id)).pacing).toEqual({ minDelaySeconds: 8, maxDelaySeconds: 20, dailyCap: 200 });
    const html = await (await client.get(`/campaigns/${id}/edit`)).text();
    expect(html).toContain('name="minDelaySeconds"');
    expect(html).not.toContain('name="ratePerSecond"');
    const base = { intent: "save", name: "QR", connectionId: qr.id, audienceKind: "all", messageType: "text", text: "{Oi|Olá}!", scheduleMode: "now" };
    const bad = await client.post(`/campaigns/${id}/edit`, { ...base, minDelaySeconds: "30", maxDelaySeconds: "10", dailyCap: "0" });
    expect(bad.status).toBe(400);
    const text = await pageText(bad);
    expect(text).toContain("máximo ≥ mínimo");
    expect(text).toContain("Use um número inteiro de 1 a 5000.");
    expect((await client.post(`/campaigns/${id}/edit`, { ...base, minDelaySeconds: "15", maxDelaySeconds: "45", dailyCap: "120" })).status).toBe(302);
    expect((await campaignRow(id)).pacing).toEqual({ minDelaySeconds: 15, maxDelaySeconds: 45, dailyCap: 120 });
  });
});

describe("detail and list pages", () => {
  it("explains failures, retries only the retryable ones, and pages recipients by keyset", async () => {
    const { org, client } = await owner("cb-detail");
    const sandbox = await createSandbox(db(), org.id);
    for (let i = 0; i < 55; i++) await insertContact(db(), org.id, { name: `Cliente ${String(i).padStart(2, "0")}` });
    const id = await newDraft(client, sandbox.id);
    const start = await client.post(`/campaigns/${id}/edit`, { intent: "start", name: "Grande", connectionId: sandbox.id, audienceKind: "all", messageType: "text", text: "Oi", scheduleMode: "now", ratePerSecond: "1" });
    expect(start.status).toBe(302);
    const recipients = await db().selectFrom("campaign_recipients").select("id").where("campaign_id", "=", id).orderBy("id").execute();
    expect(recipients).toHaveLength(55);
    const [retryable, permanent] = recipients;
    await db()
      .updateTable("campaign_recipients")
      .set({ status: "failed", error_code: "timeout", error_message: "socket hang up", retryable: true, failed_at: new Date() })
      .where("id", "=", retryable!.id)
      .execute();
    await db()
      .updateTable("campaign_recipients")
      .set({ status: "failed", error_code: "21610", error_message: "Attempt to send to unsubscribed recipient", retryable: false, failed_at: new Date() })
      .where("id", "=", permanent!.id)
      .execute();

    const page = await client.get(`/campaigns/${id}`);
    const html = await page.text();
    const text = await pageText(new Response(html));
    expect(text).toContain("Tentar de novo as falhas (1)");
    expect(html.match(/data-testid="recipient-row"/g)).toHaveLength(50);
    const next = /href="[^"]*(\?after=\d+)"/.exec(html)?.[1];
    expect(next).toBeDefined();
    const second = await (await client.get(`/campaigns/${id}${next!.replace(/&amp;/g, "&")}`)).text();
    expect(second.match(/data-testid="recipient-row"/g)).toHaveLength(5);

    const failed = await pageText(await client.get(`/campaigns/${id}?status=failed`));
    expect(failed).toContain("O provedor não respondeu a tempo.");
    expect(failed).toContain("Attempt to send to unsubscribed recipient");
    const byCode = await (await client.get(`/campaigns/${id}?status=failed&errorCode=21610`)).text();
    expect(byCode.match(/data-testid="recipient-row"/g)).toHaveLength(1);

    // An automatic pause shows its reason in words.
    await db().updateTable("campaigns").set({ status: "paused", pause_reason: "spam_rate_limit", paused_at: new Date() }).where("id", "=", id).execute();
    expect(await pageText(await client.get(`/campaigns/${id}`))).toContain("Pausada: a Meta aplicou o limite de spam (131048) ao número.");

    const retried = await client.post(`/campaigns/${id}`, { intent: "retryFailed" });
    expect(retried.status).toBe(302);
    const after = await db().selectFrom("campaign_recipients").select(["id", "status"]).where("id", "in", [retryable!.id, permanent!.id]).orderBy("id").execute();
    expect(after.map((row) => row.status)).toEqual(["pending", "failed"]);
  });

  it("lists campaigns newest first with stats, 25 per page", async () => {
    const { org, client } = await owner("cb-list");
    const base = Date.now();
    await db()
      .insertInto("campaigns")
      .values(Array.from({ length: 27 }, (_, i) => ({ org_id: org.id, name: `Campanha ${String(i).padStart(2, "0")}`, created_at: new Date(base - (27 - i) * 60_000) })))
      .execute();
    const first = await (await client.get("/campaigns")).text();
    expect(first.match(/data-testid="campaign-row"/g)).toHaveLength(25);
    expect(first).toContain("Campanha 26");
    expect(first).not.toContain("Campanha 01<");
    const older = /href="[^"]*(\?before=[0-9a-f-]{36})"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await (await client.get(`/campaigns${older}`)).text();
    expect(second.match(/data-testid="campaign-row"/g)).toHaveLength(2);
    expect(second).toContain("Campanha 00");
    expect((await client.get("/campaigns?before=garbage")).status).toBe(200);
  });
});
