import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { addTextDocument } from "../../app/modules/ai/knowledge/documents.server.js";
import { ingestDocument } from "../../app/modules/ai/knowledge/ingest.server.js";
import { createKnowledgeBase } from "../../app/modules/ai/knowledge/knowledge-bases.server.js";
import { saveAiSettings } from "../../app/modules/ai/settings.server.js";
import { recordAiRun } from "../../app/modules/ai/usage.server.js";
import { makePdf } from "../fixtures/kb/make-pdf.js";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/openai.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

let app: TestApp;
let fake: FakeOpenAi;
const API_KEY = "sk-pages-test-9876";
const db = () => getDb();

beforeAll(async () => {
  app = await startTestApp();
  fake = await startFakeOpenAi({ apiKey: API_KEY });
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

async function signedIn(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const client = app.client();
  await client.signIn(owner.email, TEST_PASSWORD);
  return { org, owner, client };
}

async function kbWithDocument(orgId: string, userId: string) {
  const kbId = await createKnowledgeBase(db(), orgId, userId, { name: "FAQ da loja", description: "" });
  const added = await addTextDocument(db(), { orgId, kbId, userId }, { title: "Entregas", text: "O frete é grátis acima de R$ 199 e a entrega leva até 7 dias úteis." });
  if (!added.ok) throw new Error(added.error);
  await ingestDocument(db(), added.documentId);
  return { kbId, documentId: added.documentId };
}

describe("AI settings page", () => {
  it("stores the key sealed and write-only, shows the mode, tests the connection and removes the key", async () => {
    const { org, client } = await signedIn("ai-settings");
    const page = await (await client.get("/settings/ai")).text();
    expect(page).toContain('data-mode="offline"');

    const saved = await client.post("/settings/ai", { intent: "save", baseUrl: fake.baseURL, apiKey: API_KEY, chatModel: "gpt-4o-mini", embeddingModel: "text-embedding-3-small", monthlyBudget: "25,50" });
    expect(saved.status).toBe(302);
    const row = await db().selectFrom("ai_settings").selectAll().where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ base_url: fake.baseURL, api_key_hint: "9876", monthly_budget_micros: 25_500_000 });
    expect(row.api_key_sealed).not.toContain(API_KEY);

    const after = await (await client.get("/settings/ai")).text();
    expect(after).toContain('data-mode="openai"');
    expect(after).toContain(fake.baseURL);
    expect(after).not.toContain(API_KEY);
    expect(after).toContain("9876");

    fake.reply({ text: "OK" });
    const tested = await (await client.post("/settings/ai", { intent: "test" })).text();
    expect(tested).toMatch(/data-testid="ai-test-result"[\s\S]*gpt-4o-mini/);
    expect(fake.chatRequests().at(-1)?.authorization).toBe(`Bearer ${API_KEY}`);

    // Saving without a key keeps the stored one; "remove" clears it.
    await client.post("/settings/ai", { intent: "save", baseUrl: fake.baseURL, apiKey: "", chatModel: "gpt-4o", embeddingModel: "text-embedding-3-small", monthlyBudget: "" });
    expect(await db().selectFrom("ai_settings").select(["api_key_hint", "chat_model", "monthly_budget_micros"]).where("org_id", "=", org.id).executeTakeFirst()).toEqual({
      api_key_hint: "9876",
      chat_model: "gpt-4o",
      monthly_budget_micros: null,
    });
    await client.post("/settings/ai", { intent: "save", baseUrl: "", apiKey: "", removeApiKey: "on", chatModel: "gpt-4o", embeddingModel: "text-embedding-3-small", monthlyBudget: "" });
    expect(await (await client.get("/settings/ai")).text()).toContain('data-mode="offline"');
  });

  it("answers bad input with 400 and errors beside the fields", async () => {
    const { client } = await signedIn("ai-settings-bad");
    const response = await client.post("/settings/ai", { intent: "save", baseUrl: "ftp://x", chatModel: "bad model!", embeddingModel: "e", monthlyBudget: "dez" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="ai-base-url-error"');
    expect(html).toContain('id="ai-chat-model-error"');
    expect(html).toContain('id="ai-budget-error"');
  });

  it("is for owners and admins only", async () => {
    const { org } = await createOrgWithOwner(db(), "ai-settings-roles");
    const agent = await addMember(db(), org.id, "agent");
    const client = app.client();
    await client.signIn(agent.email, TEST_PASSWORD);
    expect((await client.get("/settings/ai")).status).toBe(403);
    expect((await client.post("/settings/ai", { intent: "save", chatModel: "m", embeddingModel: "e" })).status).toBe(403);
    expect((await client.get("/ai")).status).toBe(200);
  });
});

describe("AI overview", () => {
  it("shows this month's usage and the budget stop", async () => {
    const { org, owner, client } = await signedIn("ai-overview");
    await saveAiSettings(db(), org.id, owner.id, { baseUrl: fake.baseURL, apiKey: API_KEY, chatModel: "gpt-4o-mini", embeddingModel: "text-embedding-3-small", monthlyBudgetMicros: 1000 });
    await recordAiRun(db(), { orgId: org.id, purpose: "bot.reply", kind: "chat", mode: "openai", model: "gpt-4o-mini", promptTokens: 1200, completionTokens: 300, latencyMs: 850, costMicros: 1200, status: "ok" });
    const html = await (await client.get("/ai")).text();
    expect(html).toContain('data-testid="ai-budget-reached"');
    expect(html).toContain("bot.reply");
    expect(html).toContain("1.500"); // tokens, pt-BR grouping
    expect(html).toContain('href="/ai/knowledge"');
    expect(html).toContain('href="/ai/personas"');
  });
});

describe("knowledge base pages", () => {
  it("creates a knowledge base, adds pasted text, an uploaded PDF and a URL, and searches it", async () => {
    const { org, client } = await signedIn("kb-pages");
    const created = await client.post("/ai/knowledge/new", { name: "Políticas", description: "Trocas e entregas" });
    expect(created.status).toBe(302);
    const kbPath = created.headers.get("Location")!;
    expect(kbPath).toMatch(/^\/ai\/knowledge\/[0-9a-f-]{36}$/);

    expect((await client.post(kbPath, { intent: "addText", title: "Trocas", text: "Trocas em até 30 dias após o recebimento." })).status).toBe(302);
    const body = new FormData();
    body.set("file", new Blob([makePdf(["Garantia de 12 meses para todos os aparelhos."])], { type: "application/pdf" }), "garantia.pdf");
    body.set("title", "");
    expect((await client.request("POST", `${kbPath}/upload`, { body })).status).toBe(302);
    const badUrl = await client.post(kbPath, { intent: "addUrl", url: "http://127.0.0.1:9/x", title: "" });
    expect(badUrl.status).toBe(400);
    expect(await badUrl.text()).toContain('id="kb-url-error"');

    const docs = await db().selectFrom("kb_documents").select(["id", "title", "status"]).where("org_id", "=", org.id).orderBy("created_at").execute();
    expect(docs.map((doc) => [doc.title, doc.status])).toEqual([
      ["Trocas", "queued"],
      ["garantia.pdf", "queued"],
    ]);
    const pending = await (await client.get(kbPath)).text();
    expect(pending).toContain('http-equiv="refresh"');
    for (const doc of docs) await ingestDocument(db(), doc.id);

    const search = await (await client.get(`${kbPath}?q=${encodeURIComponent("meu aparelho quebrou, tem garantia?")}`)).text();
    expect(search).toMatch(/data-testid="kb-search-results"[\s\S]*?garantia\.pdf[\s\S]*?Garantia de 12 meses/);
    const docPage = await (await client.get(`${kbPath}/documents/${docs[1].id}`)).text();
    expect(docPage).toContain('id="chunk-0"');
  });

  it("answers bad uploads and texts with 400 beside the field", async () => {
    const { org, owner, client } = await signedIn("kb-bad");
    const kbId = await createKnowledgeBase(db(), org.id, owner.id, { name: "KB", description: "" });
    const body = new FormData();
    body.set("file", new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }), "foto.png");
    const upload = await client.request("POST", `/ai/knowledge/${kbId}/upload`, { body });
    expect(upload.status).toBe(400);
    expect(await upload.text()).toMatch(/id="kb-file-error"[\s\S]*(TXT|Markdown)/);
    const empty = await client.post(`/ai/knowledge/${kbId}`, { intent: "addText", title: "", text: "" });
    expect(empty.status).toBe(400);
    expect((await client.post(`/ai/knowledge/${kbId}`, { intent: "bogus" })).status).toBe(400);
    expect((await client.post("/ai/knowledge/new", { name: "" })).status).toBe(400);
  });

  it("lets viewers read but not change knowledge bases", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "kb-viewer");
    const { kbId } = await kbWithDocument(org.id, owner.id);
    const viewer = await addMember(db(), org.id, "viewer");
    const client = app.client();
    await client.signIn(viewer.email, TEST_PASSWORD);
    expect((await client.get(`/ai/knowledge/${kbId}`)).status).toBe(200);
    expect((await client.post(`/ai/knowledge/${kbId}`, { intent: "addText", title: "x", text: "y" })).status).toBe(403);
    expect((await client.get(`/ai/knowledge/${kbId}/delete`)).status).toBe(403);
    expect((await client.post("/ai/knowledge/new", { name: "x" })).status).toBe(403);
  });

  it("deletes a document and then the knowledge base after confirmation", async () => {
    const { org, owner, client } = await signedIn("kb-delete");
    const { kbId, documentId } = await kbWithDocument(org.id, owner.id);
    expect((await client.post(`/ai/knowledge/${kbId}`, { intent: "deleteDocument", documentId })).status).toBe(302);
    expect(await db().selectFrom("kb_chunks").select("id").where("document_id", "=", documentId).execute()).toEqual([]);
    expect((await client.post(`/ai/knowledge/${kbId}/delete`, {})).headers.get("Location")).toBe(`/ai/knowledge/${kbId}/delete`);
    expect((await client.post(`/ai/knowledge/${kbId}/delete`, { confirm: "yes" })).headers.get("Location")).toBe("/ai/knowledge");
    expect(await db().selectFrom("knowledge_bases").select("id").where("id", "=", kbId).execute()).toEqual([]);
  });

  it("answers 404 to another organization on every knowledge-base route", async () => {
    await expectOtherOrgGets404(
      app,
      db(),
      async ({ org, owner }) => {
        const { kbId, documentId } = await kbWithDocument(org.id, owner.id);
        const kb = `/ai/knowledge/${kbId}`;
        const requests: CrossOrgRequest[] = [
          { method: "GET", path: kb },
          { method: "GET", path: `${kb}?q=frete` },
          { method: "GET", path: `${kb}/documents/${documentId}` },
          { method: "GET", path: `${kb}/upload` },
          { method: "GET", path: `${kb}/delete` },
          { method: "POST", path: kb, form: { intent: "addText", title: "x", text: "intruso" } },
          { method: "POST", path: kb, form: { intent: "update", name: "hacked", description: "" } },
          { method: "POST", path: kb, form: { intent: "deleteDocument", documentId } },
          { method: "POST", path: kb, form: { intent: "retryDocument", documentId } },
          { method: "POST", path: `${kb}/delete`, form: { confirm: "yes" } },
          { method: "POST", path: `${kb}/upload`, form: { title: "x" } },
          { method: "GET", path: "/ai/knowledge/not-a-uuid" },
        ];
        return requests;
      },
      async ({ org }) => {
        const kbs = await db().selectFrom("knowledge_bases").select(["name"]).where("org_id", "=", org.id).execute();
        expect(kbs).toEqual([{ name: "FAQ da loja" }]);
        expect(await db().selectFrom("kb_documents").select("title").where("org_id", "=", org.id).execute()).toEqual([{ title: "Entregas" }]);
      },
    );
  });

  it("answers 404 for a document of another knowledge base of the same organization", async () => {
    const { org, owner, client } = await signedIn("kb-cross");
    const first = await kbWithDocument(org.id, owner.id);
    const second = await createKnowledgeBase(db(), org.id, owner.id, { name: "Outra", description: "" });
    expect((await client.get(`/ai/knowledge/${second}/documents/${first.documentId}`)).status).toBe(404);
    expect((await client.post(`/ai/knowledge/${second}`, { intent: "deleteDocument", documentId: first.documentId })).status).toBe(404);
  });
});
