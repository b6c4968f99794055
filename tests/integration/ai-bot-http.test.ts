import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { progressLead } from "../../app/modules/ai/leads/progress.server.js";
import { savePipelineAi } from "../../app/modules/ai/leads/pipeline-ai.server.js";
import { testAppForThisFile } from "../support/app-server.js";
import { createKnowledgeBase, createPersonaRow } from "../support/ai-bot-fixtures.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { conversationFor, createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";
import { createLeadRow, createPipelineWithStages } from "../support/pipelines-factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;

const db = () => getDb();


const VALID = {
  name: "Ana da Loja",
  systemPrompt: "Você é a Ana, atendente da Loja Aurora. Responda com simpatia.",
  tone: "friendly",
  language: "pt-BR",
  model: "",
  temperature: "0.4",
  maxReplyChars: "500",
  greeting: "Oi! Sou a Ana.",
  replyDelaySeconds: "3",
  handoffKeywords: "atendente, humano",
  lowConfidenceThreshold: "0.5",
  sentimentHandoff: "on",
  maxBotTurns: "6",
  hoursStart: "09:00",
  hoursEnd: "18:00",
  timezone: "America/Sao_Paulo",
  awayMessage: "",
};

describe("persona pages", () => {
  it("validate every field beside it, create, edit and delete; agents may not", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "personas-http");
    const agent = await addMember(db(), org.id, "agent");
    const kbId = await createKnowledgeBase(db(), org.id);
    const client = await signedIn(owner.email);

    expect((await client.get("/ai/personas")).status).toBe(200);
    expect((await client.get("/ai/personas/new")).status).toBe(200);

    const invalid = await client.post("/ai/personas/new", {
      ...VALID,
      name: "",
      systemPrompt: "curto",
      temperature: "5",
      maxReplyChars: "abc",
      lowConfidenceThreshold: "1.5",
      timezone: "Marte/Olympus",
      hoursEnabled: "on",
      hoursStart: "18:00",
      hoursEnd: "09:00",
      knowledgeBaseIds: "not-a-uuid",
    });
    expect(invalid.status).toBe(400);
    const html = await invalid.text();
    for (const message of [
      "Campo obrigatório.",
      "Descreva a persona em pelo menos 10 caracteres.",
      "A temperatura vai de 0 a 2.",
      "Informe um número.",
      "Informe um valor entre 0 e 1 (ex.: 0,6).",
      "Fuso horário desconhecido",
    ]) {
      expect(html).toContain(message);
    }
    // Rules across fields are checked once each field is valid on its own.
    const hours = await client.post("/ai/personas/new", { ...VALID, hoursEnabled: "on", hoursStart: "18:00", hoursEnd: "09:00" });
    expect(hours.status).toBe(400);
    const hoursHtml = await hours.text();
    expect(hoursHtml).toContain("Escolha pelo menos um dia.");
    expect(hoursHtml).toContain("O fim precisa ser depois do início.");

    const created = await client.post("/ai/personas/new", { ...VALID, knowledgeBaseIds: kbId, hoursEnabled: "on", hoursDays: "1" });
    expect(created.status).toBe(302);
    const personaId = created.headers.get("location")!.split("/").at(-1)!;
    const row = await db().selectFrom("personas").selectAll().where("id", "=", personaId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ org_id: org.id, name: "Ana da Loja", temperature: expect.closeTo(0.4, 5), is_default: true, handoff_keywords: ["atendente", "humano"] });
    expect(row.business_hours).toEqual({ days: [1], start: "09:00", end: "18:00", timezone: "America/Sao_Paulo" });
    expect(await db().selectFrom("persona_knowledge_bases").select("knowledge_base_id").where("persona_id", "=", personaId).execute()).toEqual([{ knowledge_base_id: kbId }]);

    const duplicate = await client.post("/ai/personas/new", VALID);
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toContain("Já existe uma persona com este nome.");

    const page = await client.get(`/ai/personas/${personaId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-mode="offline"');
    expect((await client.post(`/ai/personas/${personaId}`, { ...VALID, name: "Ana Atendente", maxBotTurns: "3" })).status).toBe(302);
    expect(await db().selectFrom("personas").select(["name", "max_bot_turns"]).where("id", "=", personaId).executeTakeFirstOrThrow()).toEqual({ name: "Ana Atendente", max_bot_turns: 3 });

    const agentClient = await signedIn(agent.email);
    expect((await agentClient.post("/ai/personas/new", { ...VALID, name: "Outra" })).status).toBe(403);
    expect((await agentClient.get(`/ai/personas/${personaId}`)).status).toBe(403);

    expect((await client.post(`/ai/personas/${personaId}/delete`, {})).status).toBe(400);
    expect((await client.post(`/ai/personas/${personaId}/delete`, { confirm: "yes" })).status).toBe(302);
    expect(await db().selectFrom("personas").select("id").where("id", "=", personaId).executeTakeFirst()).toBeUndefined();
  });

  it("the test chat answers with sources and shows a handoff, with plain form posts (no JavaScript)", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "personas-test-chat");
    const kbId = await createKnowledgeBase(db(), org.id);
    const personaId = await createPersonaRow(db(), org.id, owner.id, { knowledgeBaseIds: [kbId] });
    const client = await signedIn(owner.email);
    const path = `/ai/personas/${personaId}`;

    const first = await client.post(path, { intent: "test", text: "qual o prazo de entrega?" });
    expect(first.status).toBe(200);
    const firstHtml = await first.text();
    expect(firstHtml).toContain("3 a 7 dias úteis");
    expect(firstHtml).toContain('data-testid="bot-source"');
    expect(firstHtml).toContain("Frete e entregas");
    const transcript = /name="transcript" value="([^"]*)"/.exec(firstHtml)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    expect(JSON.parse(transcript)).toHaveLength(2);

    const second = await client.post(path, { intent: "test", text: "quero falar com um atendente", transcript });
    const secondHtml = await second.text();
    expect(secondHtml).toContain("Passou para uma pessoa:");
    expect(secondHtml).toContain("o cliente pediu para falar com uma pessoa (atendente)");
    // The earlier exchange is still on screen.
    expect(secondHtml).toContain("3 a 7 dias úteis");

    const empty = await client.post(path, { intent: "test", text: "  " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Campo obrigatório.");
  });
});

describe("which persona answers where", () => {
  it("a persona takes channels from its form; a conversation may pick its own; ids of another organization are refused", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "persona-where");
    const agent = await addMember(db(), org.id, "agent");
    const connection = await createSandbox(db(), org.id);
    const fallbackId = await createPersonaRow(db(), org.id, owner.id, { name: "Padrão" });
    const client = await signedIn(owner.email);
    const created = await client.post("/ai/personas/new", { ...VALID, name: "Vendas", connectionIds: connection.id });
    expect(created.status).toBe(302);
    const salesId = created.headers.get("location")!.split("/").at(-1)!;
    expect((await db().selectFrom("channel_connections").select("persona_id").where("id", "=", connection.id).executeTakeFirstOrThrow()).persona_id).toBe(salesId);
    const other = await createOrgWithOwner(db(), "persona-where-other");
    const otherConnection = await createSandbox(db(), other.org.id);
    const refused = await client.post("/ai/personas/new", { ...VALID, name: "Intrusa", connectionIds: otherConnection.id });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Canal não encontrado.");

    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, text: "olá" })]);
    const conversation = await conversationFor(db(), connection, phone);
    const agentClient = await signedIn(agent.email);
    const page = await (await agentClient.get(`/inbox/${conversation.id}`)).text();
    expect(page).toContain("Quem responde: Vendas");

    expect((await agentClient.post(`/inbox/${conversation.id}`, { intent: "persona", personaId: fallbackId })).status).toBe(302);
    expect(await (await agentClient.get(`/inbox/${conversation.id}`)).text()).toContain("Quem responde: Padrão");
    const otherPersona = await createPersonaRow(db(), other.org.id, other.owner.id);
    expect((await agentClient.post(`/inbox/${conversation.id}`, { intent: "persona", personaId: otherPersona })).status).toBe(404);
    expect((await agentClient.post(`/inbox/${conversation.id}`, { intent: "persona", personaId: "------------------------------------" })).status).toBe(404);
    expect((await agentClient.post(`/inbox/${conversation.id}`, { intent: "persona", personaId: "inherit" })).status).toBe(302);
    expect((await db().selectFrom("conversations").select("persona_id").where("id", "=", conversation.id).executeTakeFirstOrThrow()).persona_id).toBeNull();

    // Unticking the channel gives it back to the organization's default persona.
    expect((await client.post(`/ai/personas/${salesId}`, { ...VALID, name: "Vendas" })).status).toBe(302);
    expect((await db().selectFrom("channel_connections").select("persona_id").where("id", "=", connection.id).executeTakeFirstOrThrow()).persona_id).toBeNull();
    expect(await (await agentClient.get(`/inbox/${conversation.id}`)).text()).toContain("Quem responde: Padrão");

    // Deleting the default persona hands the role to the oldest remaining one.
    expect((await client.post(`/ai/personas/${fallbackId}/delete`, { confirm: "yes" })).status).toBe(302);
    expect((await db().selectFrom("personas").select("is_default").where("id", "=", salesId).executeTakeFirstOrThrow()).is_default).toBe(true);
    expect(await (await agentClient.get(`/inbox/${conversation.id}`)).text()).toContain("Quem responde: Vendas");
  });
});

describe("the conversation's AI buttons", () => {
  it("suggest a reply into the reply box and summarize, as plain posts", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "assist-http");
    const agent = await addMember(db(), org.id, "agent");
    const kbId = await createKnowledgeBase(db(), org.id);
    await createPersonaRow(db(), org.id, owner.id, { knowledgeBaseIds: [kbId] });
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, name: "Paula", text: "Posso devolver um produto?" })]);
    const conversation = await conversationFor(db(), connection, phone);
    const client = await signedIn(agent.email);

    const suggested = await client.post(`/inbox/${conversation.id}`, { intent: "suggest" });
    expect(suggested.status).toBe(200);
    const html = await suggested.text();
    expect(html).toMatch(/<textarea[^>]*id="reply-body"[^>]*>[^<]*devolver ou trocar qualquer produto em até 30 dias/);

    const summary = await client.post(`/inbox/${conversation.id}`, { intent: "summarize" });
    expect(summary.status).toBe(200);
    const summaryHtml = await summary.text();
    expect(summaryHtml).toContain('data-testid="assist-summary"');
    expect(summaryHtml).toContain("Cliente: Paula.");
    expect(summaryHtml).toContain("1 mensagem(ns) do cliente ainda sem resposta.");
  });
});

describe("the pipeline's AI page", () => {
  it("saves the switch, threshold and stage criteria (errors beside the field), and undoes a decision", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "pipeline-ai-http");
    const pipeline = await createPipelineWithStages(db(), org.id);
    const client = await signedIn(owner.email);
    const path = `/pipelines/${pipeline.pipelineId}/ai`;
    expect((await client.get(path)).status).toBe(200);

    const stageFields = (keywords: (name: string) => string) =>
      Object.fromEntries(
        pipeline.stages.flatMap((stage, index) => [
          [`stages[${index}].id`, stage.id],
          [`stages[${index}].criteria`, `Critério ${stage.name}`],
          [`stages[${index}].keywords`, keywords(stage.name)],
        ]),
      );
    const invalid = await client.post(path, { intent: "settings", aiEnabled: "on", threshold: "2", ...stageFields(() => "") });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("Informe um valor entre 0 e 1 (ex.: 0,6).");

    const saved = await client.post(path, { intent: "settings", aiEnabled: "on", threshold: "0.6", ...stageFields((name) => (name === "Proposta" ? "proposta, contrato" : "")) });
    expect(saved.status).toBe(302);
    expect(await db().selectFrom("pipelines").select(["ai_enabled", "ai_confidence_threshold"]).where("id", "=", pipeline.pipelineId).executeTakeFirstOrThrow()).toEqual({
      ai_enabled: true,
      ai_confidence_threshold: expect.closeTo(0.6, 5),
    });
    expect((await db().selectFrom("stages").select("ai_keywords").where("id", "=", pipeline.stageId("Proposta")).executeTakeFirstOrThrow()).ai_keywords).toEqual(["proposta", "contrato"]);

    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, text: "pode me mandar a proposta?" })]);
    const conversation = await conversationFor(db(), connection, phone);
    const leadId = await createLeadRow(db(), { orgId: org.id, pipelineId: pipeline.pipelineId, stageId: pipeline.stageId("Novo"), contactId: conversation.contact_id, title: "Lead da proposta" });
    const outcome = await progressLead(db(), { orgId: org.id, leadId, conversationId: conversation.id });
    expect(outcome).toMatchObject({ applied: true });
    const page = await (await client.get(path)).text();
    expect(page).toContain("Lead da proposta");
    expect(page).toContain("O cliente mencionou “proposta”");

    const viewer = await addMember(db(), org.id, "viewer");
    const viewerClient = await signedIn(viewer.email);
    const decisionId = outcome.kind === "decision" ? outcome.decisionId : "";
    expect((await viewerClient.post(path, { intent: "undo", decisionId })).status).toBe(403);
    expect((await client.post(path, { intent: "undo", decisionId })).status).toBe(302);
    expect((await db().selectFrom("leads").select("stage_id").where("id", "=", leadId).executeTakeFirstOrThrow()).stage_id).toBe(pipeline.stageId("Novo"));
    expect((await client.post(path, { intent: "undo", decisionId })).status).toBe(409);
  });
});

describe("tenant isolation", () => {
  it("another organization's personas, pipelines, decisions and conversations answer 404", async () => {
    await expectOtherOrgGets404(
      app,
      db(),
      async ({ org, owner }) => {
        const personaId = await createPersonaRow(db(), org.id, owner.id);
        const pipeline = await createPipelineWithStages(db(), org.id);
        await savePipelineAi(db(), {
          orgId: org.id,
          pipelineId: pipeline.pipelineId,
          userId: owner.id,
          values: { intent: "settings", aiEnabled: true, threshold: 0.5, stages: pipeline.stages.map((stage) => ({ id: stage.id, keywords: stage.name === "Proposta" ? "proposta" : "" })) },
        });
        const connection = await createSandbox(db(), org.id);
        const phone = newPhone();
        await ingest(db(), connection, [textEvent({ phone, text: "quero a proposta" })]);
        const conversation = await conversationFor(db(), connection, phone);
        const leadId = await createLeadRow(db(), { orgId: org.id, pipelineId: pipeline.pipelineId, stageId: pipeline.stageId("Novo"), contactId: conversation.contact_id });
        const outcome = await progressLead(db(), { orgId: org.id, leadId, conversationId: conversation.id });
        const decisionId = outcome.kind === "decision" ? outcome.decisionId : "";
        const requests: CrossOrgRequest[] = [
          { method: "GET", path: `/ai/personas/${personaId}` },
          { method: "POST", path: `/ai/personas/${personaId}`, form: VALID },
          { method: "POST", path: `/ai/personas/${personaId}`, form: { intent: "test", text: "oi" } },
          { method: "GET", path: `/ai/personas/${personaId}/delete` },
          { method: "POST", path: `/ai/personas/${personaId}/delete`, form: { confirm: "yes" } },
          { method: "GET", path: `/pipelines/${pipeline.pipelineId}/ai` },
          { method: "POST", path: `/pipelines/${pipeline.pipelineId}/ai`, form: { intent: "settings", aiEnabled: "on", threshold: "0.5" } },
          { method: "POST", path: `/pipelines/${pipeline.pipelineId}/ai`, form: { intent: "undo", decisionId } },
          { method: "POST", path: `/inbox/${conversation.id}`, form: { intent: "suggest" } },
          { method: "POST", path: `/inbox/${conversation.id}`, form: { intent: "summarize" } },
          { method: "POST", path: `/inbox/${conversation.id}`, form: { intent: "persona", personaId } },
        ];
        return requests;
      },
      async ({ org }) => {
        expect(await db().selectFrom("personas").select("name").where("org_id", "=", org.id).execute()).toHaveLength(1);
        expect(await db().selectFrom("lead_ai_decisions").select("undone_at").where("org_id", "=", org.id).execute()).toEqual([{ undone_at: null }]);
        expect(await db().selectFrom("pipelines").select("ai_confidence_threshold").where("org_id", "=", org.id).execute()).toEqual([{ ai_confidence_threshold: 0.5 }]);
      },
    );
  });
});
