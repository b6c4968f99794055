import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { testAppForThisFile, type TestClient } from "../support/app-server.js";
import { insertContact, insertCustomField, insertSegment, insertTag, tagContact } from "../support/contacts-factories.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { createSandbox, newPhone } from "../support/inbox-fixtures.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;

const db = () => getDb();


async function ownerWithSandbox(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const sandbox = await createSandbox(db(), org.id);
  return { org, owner, sandbox, client: await signedIn(owner.email) };
}

async function newDraft(client: TestClient, connectionId: string, name = "Black Friday") {
  const response = await client.post("/campaigns/new", { name, connectionId });
  expect(response.status).toBe(302);
  const location = response.headers.get("Location")!;
  expect(location).toMatch(/^\/campaigns\/[0-9a-f-]{36}\/edit$/);
  return location.split("/")[2]!;
}

/** The builder's fields as the form posts them, with one change or more. */
function builderForm(connectionId: string, overrides: Record<string, string> = {}) {
  return { intent: "save", name: "Black Friday", connectionId, audienceKind: "all", messageType: "text", text: "Oi {{first_name|cliente}}!", scheduleMode: "now", ratePerSecond: "20", ...overrides };
}

const campaignRow = (id: string) => db().selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

/** Text of the page without tags, entities decoded, whitespace collapsed. */
async function pageText(response: Response): Promise<string> {
  const html = await response.text();
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}

describe("campaign builder", () => {
  it("creates a draft, saves every section, and reloads it as saved", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-save");
    const list = await client.get("/campaigns");
    expect(list.status).toBe(200);
    expect(await pageText(list)).toContain("Nenhuma campanha ainda.");

    const id = await newDraft(client, sandbox.id);
    const tag = await insertTag(db(), org.id, "VIP");
    await insertCustomField(db(), org.id, { key: "cidade", label: "Cidade", type: "text" });
    const saved = await client.post(
      `/campaigns/${id}/edit`,
      builderForm(sandbox.id, {
        name: "Natal VIP",
        audienceKind: "tags",
        tagIds: tag.id,
        tagMatch: "all",
        text: "{Olá|Oi} {{first_name|cliente}} de {{cidade|sua cidade}}",
        scheduleMode: "later",
        scheduledAt: "2099-12-24T09:30",
        ratePerSecond: "35",
        quietStart: "21:00",
        quietEnd: "08:00",
      }),
    );
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/campaigns/${id}/edit`);
    const row = await campaignRow(id);
    expect(row).toMatchObject({
      name: "Natal VIP",
      status: "draft",
      connection_id: sandbox.id,
      audience: { kind: "tags", tagIds: [tag.id], match: "all" },
      message: { type: "text", text: "{Olá|Oi} {{first_name|cliente}} de {{cidade|sua cidade}}", mediaId: null },
      pacing: { ratePerSecond: 35 },
      quiet_hours: { start: "21:00", end: "08:00" },
    });
    // 09:30 in São Paulo (UTC−3) is 12:30 UTC.
    expect(row.scheduled_at?.toISOString()).toBe("2099-12-24T12:30:00.000Z");

    const page = await client.get(`/campaigns/${id}/edit`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="2099-12-24T09:30"');
    expect(html).toContain('value="Natal VIP"');
    expect(html).toContain("Agendar");
  });

  it("answers 400 with the error beside each bad field, and keeps what was typed", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-errors");
    await insertCustomField(db(), org.id, { key: "cidade", type: "text" });
    const id = await newDraft(client, sandbox.id);
    const before = await campaignRow(id);

    const response = await client.post(
      `/campaigns/${id}/edit`,
      builderForm(sandbox.id, { name: "", text: "Oi {{cidad}} {x|y", scheduleMode: "later", scheduledAt: "2020-01-01T10:00", ratePerSecond: "200", quietStart: "21:00", quietEnd: "" }),
    );
    expect(response.status).toBe(400);
    const text = await pageText(response);
    expect(text).toContain("Corrija os campos indicados.");
    expect(text).toContain("Campo obrigatório.");
    expect(text).toContain("Variável desconhecida: {{cidad}}");
    expect(text).toContain("Uma chave “{” de variação não foi fechada.");
    expect(text).toContain("A data e hora precisam estar no futuro.");
    expect(text).toContain("Use um número inteiro de 1 a 80.");
    expect(text).toContain("Informe o início e o fim");
    expect(text).toContain("Oi {{cidad}} {x|y"); // the textarea keeps the text
    expect((await campaignRow(id)).updated_at).toEqual(before.updated_at);

    // Unknown references are form errors too, never a 500.
    const foreign = await client.post(`/campaigns/${id}/edit`, builderForm("00000000-0000-4000-8000-000000000000", { audienceKind: "segment", segmentId: "not-a-uuid" }));
    expect(foreign.status).toBe(400);
    const foreignText = await pageText(foreign);
    expect(foreignText).toContain("Este canal não existe nesta organização.");
    expect(foreignText).toContain("Escolha um segmento.");

    // Starting needs a channel and a message.
    const start = await client.post(`/campaigns/${id}/edit`, builderForm("", { intent: "start", text: "" }));
    expect(start.status).toBe(400);
    const startText = await pageText(start);
    expect(startText).toContain("Escolha o canal de envio.");
    expect(startText).toContain("Escreva a mensagem ou anexe um arquivo.");
    expect((await campaignRow(id)).status).toBe("draft");
  });

  it("counts the audience after exclusions, by reason, for filters and for an uploaded list", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-count");
    const tag = await insertTag(db(), org.id, "Clientes");
    const tagged = [
      await insertContact(db(), org.id, { name: "Ana" }),
      await insertContact(db(), org.id, { name: "Bia" }),
      await insertContact(db(), org.id, { name: "Caio", opted_out: true }),
      await insertContact(db(), org.id, { name: "Sem Fone", phone: null }),
    ];
    for (const contact of tagged) await tagContact(db(), org.id, contact.id, tag.id);
    const erased = await insertContact(db(), org.id, { name: "Apagado" });
    await db().updateTable("contacts").set({ erased_at: new Date() }).where("id", "=", erased.id).execute();
    await insertContact(db(), org.id, { name: "Fora da tag" });
    const id = await newDraft(client, sandbox.id);

    const all = await pageText(await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "count" })));
    expect(all).toContain("3 vão receber de 5 no público");
    expect(all).toContain("1 descadastrados");
    expect(all).toContain("1 sem telefone");

    const byTag = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "count", audienceKind: "tags", tagIds: tag.id }));
    expect(byTag.status).toBe(200);
    expect(await pageText(byTag)).toContain("2 vão receber de 4 no público");

    const segment = await insertSegment(db(), org.id, "Opt-outs", { optedOut: true });
    expect(await pageText(await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "count", audienceKind: "segment", segmentId: segment.id })))).toContain(
      "0 vão receber de 1 no público",
    );
    // A saved segment deleted later leaves the draft openable, with nobody in it.
    expect((await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { audienceKind: "segment", segmentId: segment.id }))).status).toBe(302);
    await db().deleteFrom("segments").where("id", "=", segment.id).execute();
    const orphan = await client.get(`/campaigns/${id}/edit`);
    expect(orphan.status).toBe(200);
    expect(await pageText(orphan)).toContain("0 vão receber de 0 no público");

    // A pasted list: a header, a valid new number, a repeat written differently, an invalid one, an opted-out contact's number.
    const fresh = newPhone();
    const listNumbers = ["telefone,nome", `${fresh},Nova`, `(${fresh.slice(3, 5)}) ${fresh.slice(5)}`, "+55 11 1234,Errado", `${tagged[2]!.phone},Caio`].join("\n");
    const listCount = await pageText(await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "count", audienceKind: "list", listNumbers })));
    expect(listCount).toContain("1 vão receber de 4 no público");
    expect(listCount).toContain("1 números inválidos");
    expect(listCount).toContain("1 números repetidos");
    expect(listCount).toContain("1 descadastrados");
    // Counting saves nothing; saving stores the list lines normalized.
    expect(await db().selectFrom("campaign_list_entries").select("phone").where("campaign_id", "=", id).execute()).toEqual([]);
    expect((await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { audienceKind: "list", listNumbers }))).status).toBe(302);
    const entries = await db().selectFrom("campaign_list_entries").select(["row_number", "phone", "name"]).where("campaign_id", "=", id).orderBy("row_number").execute();
    expect(entries).toEqual([
      { row_number: 1, phone: fresh, name: "Nova" },
      { row_number: 2, phone: fresh, name: null },
      { row_number: 3, phone: "+55 11 1234", name: "Errado" },
      { row_number: 4, phone: tagged[2]!.phone, name: "Caio" },
    ]);
    const reloaded = await pageText(await client.get(`/campaigns/${id}/edit`));
    expect(reloaded).toContain("Lista salva com 4 linhas.");
    expect(reloaded).toContain("1 vão receber de 4 no público");
  });

  it("previews the message for a sample contact of the audience, and sends a test through the inbox", async () => {
    const { org, owner, sandbox, client } = await ownerWithSandbox("cb-preview");
    await insertCustomField(db(), org.id, { key: "cidade", type: "text" });
    await insertContact(db(), org.id, { name: "Maria Souza", attributes: { cidade: "Recife" } });
    await insertContact(db(), org.id, { name: "", attributes: {} });
    const id = await newDraft(client, sandbox.id);
    const text = "Oi {{first_name|cliente}}, novidades em {{cidade|sua cidade}}!";
    expect((await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { text }))).status).toBe(302);

    expect(await pageText(await client.get(`/campaigns/${id}/edit`))).toContain("Oi Maria, novidades em Recife!");
    const second = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "preview", text, sample: "1" }));
    expect(second.status).toBe(200);
    expect(await pageText(second)).toContain("Oi cliente, novidades em sua cidade!");

    const bad = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "testSend", text, testPhone: "123" }));
    expect(bad.status).toBe(400);
    expect(await pageText(bad)).toContain("Informe um telefone válido, com DDD.");

    const myPhone = newPhone();
    const sent = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "testSend", text, testPhone: myPhone }));
    expect(sent.status).toBe(200);
    expect(await pageText(sent)).toContain("Teste enviado.");
    const message = await db()
      .selectFrom("messages")
      .innerJoin("conversations", "conversations.id", "messages.conversation_id")
      .innerJoin("contacts", "contacts.id", "conversations.contact_id")
      .select(["messages.body", "messages.direction", "messages.sender_user_id", "conversations.connection_id"])
      .where("contacts.org_id", "=", org.id)
      .where("contacts.phone", "=", myPhone)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ body: "Oi cliente, novidades em sua cidade!", direction: "outbound", sender_user_id: owner.id, connection_id: sandbox.id });
    expect((await campaignRow(id)).status).toBe("draft");
  });
});

describe("starting and controlling a campaign", () => {
  it("starts, shows progress and recipients, pauses with a reason, resumes and cancels", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-run");
    await insertContact(db(), org.id, { name: "Ana" });
    await insertContact(db(), org.id, { name: "Bia", opted_out: true });
    const id = await newDraft(client, sandbox.id, "Lançamento");
    const started = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "start", name: "Lançamento", ratePerSecond: "1" }));
    expect(started.status).toBe(302);
    expect(started.headers.get("Location")).toBe(`/campaigns/${id}`);
    expect((await campaignRow(id)).status).toBe("running");

    // A started campaign is no longer editable.
    expect((await client.get(`/campaigns/${id}/edit`)).headers.get("Location")).toBe(`/campaigns/${id}`);
    expect((await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id))).status).toBe(302);
    expect((await campaignRow(id)).name).toBe("Lançamento");

    const detail = await client.get(`/campaigns/${id}`);
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain('http-equiv="refresh"');
    const text = await pageText(new Response(html));
    expect(text).toContain("Enviando");
    expect(text).toContain("Descadastrado");
    const skippedOnly = await pageText(await client.get(`/campaigns/${id}?status=skipped`));
    expect(skippedOnly).toContain("Bia");
    expect(skippedOnly).not.toContain("Ana");
    // Unknown filter values are ignored, never a 500.
    expect((await client.get(`/campaigns/${id}?status=nope&after=abc&errorCode=`)).status).toBe(200);
    expect((await client.get(`/campaigns/${id}?after=1e30&skipReason=x`)).status).toBe(200);

    expect((await client.post(`/campaigns/${id}`, { intent: "pause", reason: "Revisar o texto" })).status).toBe(302);
    expect(await campaignRow(id)).toMatchObject({ status: "paused", pause_reason: "Revisar o texto" });
    expect(await pageText(await client.get(`/campaigns/${id}`))).toContain("Pausada: Revisar o texto");
    expect((await client.post(`/campaigns/${id}`, { intent: "resume" })).status).toBe(302);
    expect((await campaignRow(id)).status).toBe("running");
    expect((await client.post(`/campaigns/${id}`, { intent: "cancel" })).status).toBe(302);
    expect((await campaignRow(id)).status).toBe("cancelled");
    const again = await client.post(`/campaigns/${id}`, { intent: "resume" });
    expect(again.status).toBe(302);
    expect((await campaignRow(id)).status).toBe("cancelled");
    expect((await client.post(`/campaigns/${id}`, { intent: "explode" })).status).toBe(400);

    const list = await pageText(await client.get("/campaigns"));
    expect(list).toContain("Lançamento");
    expect(list).toContain("Cancelada");
  });

  it("schedules for a future time in the organization's zone, then cancels before it runs", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-schedule");
    await insertContact(db(), org.id, { name: "Ana" });
    const id = await newDraft(client, sandbox.id, "Agendada");
    const response = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "start", name: "Agendada", scheduleMode: "later", scheduledAt: "2099-01-02T08:00" }));
    expect(response.status).toBe(302);
    expect(await campaignRow(id)).toMatchObject({ status: "scheduled", scheduled_at: new Date("2099-01-02T11:00:00Z") });
    const detail = await client.get(`/campaigns/${id}`);
    const html = await detail.text();
    expect(html).not.toContain('http-equiv="refresh"');
    const text = await pageText(new Response(html));
    expect(text).toContain("Agendada para 02/01/2099, 08:00");
    expect(text).toContain("Cancelar campanha");
    expect(await pageText(await client.get("/campaigns"))).toContain("Agendada para 02/01/2099, 08:00");
    expect((await client.post(`/campaigns/${id}`, { intent: "cancel" })).status).toBe(302);
    expect((await campaignRow(id)).status).toBe("cancelled");
  });

  it("explains an empty audience instead of starting", async () => {
    const { sandbox, client } = await ownerWithSandbox("cb-empty");
    const id = await newDraft(client, sandbox.id);
    const response = await client.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "start" }));
    expect(response.status).toBe(400);
    expect(await pageText(response)).toContain("Ninguém do público pode receber");
    expect((await campaignRow(id)).status).toBe("draft");
  });

  it("deletes a draft", async () => {
    const { sandbox, client } = await ownerWithSandbox("cb-delete");
    const id = await newDraft(client, sandbox.id);
    expect((await client.post(`/campaigns/${id}/edit`, { intent: "delete" })).headers.get("Location")).toBe("/campaigns");
    expect(await db().selectFrom("campaigns").select("id").where("id", "=", id).executeTakeFirst()).toBeUndefined();
  });
});

describe("roles and tenants", () => {
  it("lets viewers and agents watch campaigns but not build or control them", async () => {
    const { org, sandbox, client } = await ownerWithSandbox("cb-roles");
    await insertContact(db(), org.id, { name: "Ana" });
    const id = await newDraft(client, sandbox.id);
    const running = await newDraft(client, sandbox.id, "Rodando");
    expect((await client.post(`/campaigns/${running}/edit`, builderForm(sandbox.id, { intent: "start", ratePerSecond: "1" }))).status).toBe(302);

    for (const role of ["viewer", "agent"] as const) {
      const member = await addMember(db(), org.id, role);
      const memberClient = await signedIn(member.email);
      expect((await memberClient.get("/campaigns")).status).toBe(200);
      const detail = await memberClient.get(`/campaigns/${running}`);
      expect(detail.status).toBe(200);
      const text = await pageText(detail);
      expect(text).toContain("Somente proprietários e administradores");
      expect(text).not.toContain("Pausar");
      expect((await memberClient.get("/campaigns/new")).status).toBe(403);
      expect((await memberClient.post("/campaigns/new", { name: "x", connectionId: sandbox.id })).status).toBe(403);
      expect((await memberClient.get(`/campaigns/${id}/edit`)).status).toBe(403);
      expect((await memberClient.post(`/campaigns/${id}/edit`, builderForm(sandbox.id, { intent: "start" }))).status).toBe(403);
      expect((await memberClient.post(`/campaigns/${running}`, { intent: "pause" })).status).toBe(403);
    }
    expect((await campaignRow(id)).status).toBe("draft");
    expect((await campaignRow(running)).status).toBe("running");
    const admin = await addMember(db(), org.id, "admin");
    expect((await (await signedIn(admin.email)).post(`/campaigns/${running}`, { intent: "pause" })).status).toBe(302);
  });

  it("answers 404 for another organization's campaign on every loader and action", async () => {
    await expectOtherOrgGets404(
      app,
      db(),
      async (victim) => {
        const sandbox = await createSandbox(db(), victim.org.id);
        await insertContact(db(), victim.org.id, { name: "Ana" });
        const victimClient = await signedIn(victim.owner.email);
        const draft = await newDraft(victimClient, sandbox.id, "Rascunho");
        const running = await newDraft(victimClient, sandbox.id, "Rodando");
        expect((await victimClient.post(`/campaigns/${running}/edit`, builderForm(sandbox.id, { intent: "start", name: "Rodando", ratePerSecond: "1" }))).status).toBe(302);
        const requests: CrossOrgRequest[] = [
          { method: "GET", path: `/campaigns/${draft}` },
          { method: "GET", path: `/campaigns/${draft}/edit` },
          { method: "GET", path: `/campaigns/${running}` },
          { method: "GET", path: "/campaigns/not-a-uuid" },
        ];
        for (const intent of ["save", "count", "preview", "testSend", "start", "delete"]) {
          requests.push({ method: "POST", path: `/campaigns/${draft}/edit`, form: builderForm(sandbox.id, { intent, testPhone: newPhone() }) });
        }
        for (const intent of ["pause", "resume", "cancel", "retryFailed"]) requests.push({ method: "POST", path: `/campaigns/${running}`, form: { intent } });
        return requests;
      },
      async (victim) => {
        const rows = await db().selectFrom("campaigns").select(["name", "status"]).where("org_id", "=", victim.org.id).orderBy("name").execute();
        expect(rows).toEqual([
          { name: "Rascunho", status: "draft" },
          { name: "Rodando", status: "running" },
        ]);
      },
    );
  });
});
