import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { testAppForThisFile } from "../support/app-server.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { createContactRow, createLeadRow, createPipelineWithStages, insertLeads, stageOrder } from "../support/pipelines-factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;


const html = async (response: Response) => (await response.text()).replaceAll("&nbsp;", " ").replaceAll("\u00a0", " ");

async function auditActions(orgId: string) {
  const rows = await getDb().selectFrom("audit_log").select(["action", "metadata"]).where("org_id", "=", orgId).orderBy("id").execute();
  return rows;
}

describe("pipelines and stages", () => {
  it("creates a pipeline with the default stages, then manages its stages", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "funil");
    const client = await signedIn(owner.email);

    expect((await client.post("/pipelines", { name: "" })).status).toBe(400);
    const created = await client.post("/pipelines", { name: "Vendas B2B" });
    expect(created.status).toBe(302);
    const pipelineId = created.headers.get("location")!.split("/").at(-1)!;
    const stages = () => db.selectFrom("stages").select(["id", "name", "color"]).where("pipeline_id", "=", pipelineId).orderBy("position").execute();
    expect((await stages()).map((stage) => stage.name)).toEqual(["Novo", "Qualificado", "Proposta", "Negociação"]);
    const list = await html(await client.get("/pipelines"));
    expect(list).toContain("Vendas B2B");
    expect(list).toContain("4 etapas · 0 leads");

    const settings = `/pipelines/${pipelineId}/settings`;
    expect((await client.post(settings, { intent: "createStage", name: "Fechamento", color: "#10b981" })).status).toBe(302);
    expect((await stages()).map((stage) => stage.name)).toEqual(["Novo", "Qualificado", "Proposta", "Negociação", "Fechamento"]);

    const fechamento = (await stages()).at(-1)!;
    expect((await client.post(settings, { intent: "updateStage", stageId: fechamento.id, name: "Contrato", color: "#ef4444" })).status).toBe(302);
    expect((await stages()).at(-1)).toEqual({ id: fechamento.id, name: "Contrato", color: "#ef4444" });
    const badColor = await client.post(settings, { intent: "updateStage", stageId: fechamento.id, name: "Contrato", color: "red" });
    expect(badColor.status).toBe(400);
    expect(await html(badColor)).toContain("Escolha uma cor válida.");
    const noName = await client.post(settings, { intent: "updateStage", stageId: fechamento.id, name: "  ", color: "#ef4444" });
    expect(noName.status).toBe(400);
    expect(await html(noName)).toContain("Campo obrigatório.");

    // Up and down, including no-ops at the ends.
    expect((await client.post(settings, { intent: "moveStage", stageId: fechamento.id, direction: "up" })).status).toBe(302);
    expect((await client.post(settings, { intent: "moveStage", stageId: fechamento.id, direction: "up" })).status).toBe(302);
    expect((await stages()).map((stage) => stage.name)).toEqual(["Novo", "Qualificado", "Contrato", "Proposta", "Negociação"]);
    const novo = (await stages())[0]!;
    await client.post(settings, { intent: "moveStage", stageId: novo.id, direction: "up" });
    await client.post(settings, { intent: "moveStage", stageId: novo.id, direction: "down" });
    expect((await stages()).map((stage) => stage.name)).toEqual(["Qualificado", "Novo", "Contrato", "Proposta", "Negociação"]);
    const page = await html(await client.get(settings));
    expect(page.indexOf("Qualificado")).toBeLessThan(page.indexOf("Contrato"));

    expect((await client.post(`/pipelines/${pipelineId}/settings`, { intent: "renamePipeline", name: "Vendas 2026" })).status).toBe(302);
    expect((await db.selectFrom("pipelines").select("name").where("id", "=", pipelineId).executeTakeFirstOrThrow()).name).toBe("Vendas 2026");
    expect(org.id).toBeTruthy();
  });

  it("deletes a stage only with a target for its leads, moving them in order with history and an audit entry", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "etapas");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id, ["Novo", "Antiga", "Destino"]);
    const moving = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Antiga"), count: 3 });
    const staying = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Destino"), count: 2 });
    const client = await signedIn(owner.email);
    const settings = `/pipelines/${pipelineId}/settings`;

    const withoutTarget = await client.post(settings, { intent: "deleteStage", stageId: stageId("Antiga") });
    expect(withoutTarget.status).toBe(400);
    expect(await html(withoutTarget)).toContain("Escolha outra etapa para receber os leads desta.");
    const toItself = await client.post(settings, { intent: "deleteStage", stageId: stageId("Antiga"), targetStageId: stageId("Antiga") });
    expect(toItself.status).toBe(400);

    const deleted = await client.post(settings, { intent: "deleteStage", stageId: stageId("Antiga"), targetStageId: stageId("Destino") });
    expect(deleted.status).toBe(302);
    expect(await stageOrder(db, stageId("Destino"))).toEqual([...staying, ...moving]);
    const events = await db.selectFrom("lead_events").selectAll().where("lead_id", "in", moving).execute();
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({ type: "moved", from_stage_id: null, to_stage_id: stageId("Destino"), actor_type: "user", actor_id: owner.id, reason: "stage deleted" });
      expect(event.metadata).toEqual({ fromStageName: "Antiga", toStageName: "Destino" });
    }
    expect(await auditActions(org.id)).toContainEqual({
      action: "stage.deleted",
      metadata: expect.objectContaining({ name: "Antiga", movedLeads: 3, targetStageId: stageId("Destino") }),
    });
    // The history still names the deleted stage.
    const leadPage = await html(await client.get(`/leads/${moving[0]}`));
    expect(leadPage).toContain("Antiga → Destino");
    expect(leadPage).toContain("Etapa excluída");

    // An empty stage needs no target; the last stage cannot go.
    expect((await client.post(settings, { intent: "deleteStage", stageId: stageId("Novo") })).status).toBe(302);
    const last = await client.post(settings, { intent: "deleteStage", stageId: stageId("Destino") });
    expect(last.status).toBe(400);
    expect(await html(last)).toContain("Um funil precisa de pelo menos uma etapa.");
  });

  it("deletes a pipeline after its name is typed, with an audit entry", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "apagar");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id, ["Novo"], "Funil Teste");
    await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 2 });
    const client = await signedIn(owner.email);
    const wrong = await client.post(`/pipelines/${pipelineId}/settings`, { intent: "deletePipeline", confirmName: "outro" });
    expect(wrong.status).toBe(400);
    expect(await html(wrong)).toContain("O nome digitado não confere.");
    const deleted = await client.post(`/pipelines/${pipelineId}/settings`, { intent: "deletePipeline", confirmName: "Funil Teste" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe("/pipelines");
    expect(await db.selectFrom("leads").select("id").where("pipeline_id", "=", pipelineId).execute()).toEqual([]);
    expect(await auditActions(org.id)).toContainEqual({ action: "pipeline.deleted", metadata: { name: "Funil Teste", leads: 2 } });
    expect((await client.get(`/pipelines/${pipelineId}`)).status).toBe(404);
  });
});

describe("leads", () => {
  it("creates, validates, edits, closes, reopens and deletes a lead, with its history", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "leads");
    const agent = await addMember(db, org.id, "agent");
    const contact = await createContactRow(db, org.id, "João da Silva");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id);
    const client = await signedIn(agent.email);
    const newLead = `/pipelines/${pipelineId}/leads/new`;

    const form = await html(await client.get(`${newLead}?stageId=${stageId("Qualificado")}`));
    expect(form).toContain("João da Silva");
    const found = await html(await client.get(`${newLead}?contactQuery=silva`));
    expect(found).toContain("João da Silva");
    expect(await html(await client.get(`${newLead}?contactQuery=ninguem`))).not.toContain("João da Silva");

    const base = { title: "Plano anual", contactId: contact.id, ownerId: owner.id, stageId: stageId("Qualificado"), notes: "Quer desconto" };
    const badValue = await client.post(newLead, { ...base, value: "12,345" });
    expect(badValue.status).toBe(400);
    expect(await html(badValue)).toContain("Informe um valor como 1.234,56.");
    const noTitle = await client.post(newLead, { ...base, title: "", value: "10" });
    expect(noTitle.status).toBe(400);
    expect(await html(noTitle)).toContain("Campo obrigatório.");

    const created = await client.post(newLead, { ...base, value: "R$ 1.234,56" });
    expect(created.status).toBe(302);
    const lead = await db.selectFrom("leads").selectAll().where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(lead).toMatchObject({ title: "Plano anual", value_cents: 123456, contact_id: contact.id, owner_id: owner.id, stage_id: stageId("Qualificado"), status: "open", notes: "Quer desconto", version: 1 });

    const board = await html(await client.get(`/pipelines/${pipelineId}`));
    expect(board).toContain("Plano anual");
    expect(board).toContain("João da Silva");
    expect(board).toContain("R$ 1.234,56");

    // Edit: the value is shown as typed in pt-BR; a stale version is refused.
    const edit = await html(await client.get(`/leads/${lead.id}/edit`));
    expect(edit).toContain('value="1.234,56"');
    const edited = { title: "Plano anual premium", contactId: contact.id, ownerId: agent.id, value: "2.000", notes: "", version: "1" };
    expect((await client.post(`/leads/${lead.id}/edit`, edited)).status).toBe(302);
    const stale = await client.post(`/leads/${lead.id}/edit`, { ...edited, title: "Outro título" });
    expect(stale.status).toBe(409);
    expect(await html(stale)).toContain("Outra pessoa alterou este lead");
    expect(await db.selectFrom("leads").select(["title", "value_cents", "owner_id", "version"]).where("id", "=", lead.id).executeTakeFirstOrThrow()).toEqual({
      title: "Plano anual premium",
      value_cents: 200000,
      owner_id: agent.id,
      version: 2,
    });

    // Won closes it; reopening clears closed_at.
    expect((await client.post(`/leads/${lead.id}`, { intent: "status", status: "won" })).status).toBe(302);
    expect((await db.selectFrom("leads").select(["status", "closed_at"]).where("id", "=", lead.id).executeTakeFirstOrThrow()).closed_at).not.toBeNull();
    expect((await client.post(`/leads/${lead.id}`, { intent: "status", status: "open" })).status).toBe(302);
    expect(await db.selectFrom("leads").select(["status", "closed_at"]).where("id", "=", lead.id).executeTakeFirstOrThrow()).toEqual({ status: "open", closed_at: null });
    expect((await client.post(`/leads/${lead.id}`, { intent: "status", status: "maybe" })).status).toBe(400);

    const history = await db.selectFrom("lead_events").select(["type", "actor_id", "metadata"]).where("lead_id", "=", lead.id).orderBy("id").execute();
    expect(history).toEqual([
      { type: "created", actor_id: agent.id, metadata: { toStageName: "Qualificado" } },
      { type: "updated", actor_id: agent.id, metadata: { fields: ["title", "valueCents", "ownerId", "notes"] } },
      { type: "status_changed", actor_id: agent.id, metadata: { from: "open", to: "won" } },
      { type: "status_changed", actor_id: agent.id, metadata: { from: "won", to: "open" } },
    ]);
    const page = await html(await client.get(`/leads/${lead.id}`));
    expect(page).toContain("Criado em Qualificado");
    expect(page).toContain("Status: Aberto → Ganho");
    expect(page).toContain("agent member");

    const deleted = await client.post(`/leads/${lead.id}`, { intent: "delete" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe(`/pipelines/${pipelineId}`);
    expect(await db.selectFrom("leads").select("id").where("id", "=", lead.id).execute()).toEqual([]);
    expect(await auditActions(org.id)).toContainEqual({ action: "lead.deleted", metadata: expect.objectContaining({ title: "Plano anual premium", valueCents: 200000 }) });
  });

  it("reads values in the organization's locale", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "english");
    await db.updateTable("organizations").set({ locale: "en", currency: "USD" }).where("id", "=", org.id).execute();
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id, ["New"]);
    const client = await signedIn(owner.email);
    expect((await client.post(`/pipelines/${pipelineId}/leads/new`, { title: "Deal", stageId: stageId("New"), value: "1,234.56" })).status).toBe(302);
    const lead = await db.selectFrom("leads").select("value_cents").where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(lead.value_cents).toBe(123456);
    expect(await html(await client.get(`/pipelines/${pipelineId}`))).toContain("$1,234.56");
  });
});

describe("the board", () => {
  it("shows per-stage counts and totals, filters by owner, and pages long columns", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "quadro");
    const agent = await addMember(db, org.id, "agent", "Ana Lima");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id, ["Novo", "Proposta"]);
    await createLeadRow(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), title: "Do dono", valueCents: 150000, ownerId: owner.id });
    await createLeadRow(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), title: "Da Ana", valueCents: 2550, ownerId: agent.id });
    await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Proposta"), count: 55, prefix: "Volume" });
    const client = await signedIn(owner.email);

    const board = await html(await client.get(`/pipelines/${pipelineId}`));
    expect(board).toContain("R$ 1.525,50"); // 1.500,00 + 25,50
    expect(board).toContain('aria-label="2 leads"');
    expect(board).toContain('aria-label="55 leads"');
    expect(board.match(/data-testid="lead-card"/g)).toHaveLength(2 + 25);
    expect(board).toContain("Mostrar mais (30 restantes)");
    expect(board).toContain(`expand=${stageId("Proposta")}&amp;cards=50`);
    const expanded = await html(await client.get(`/pipelines/${pipelineId}?expand=${stageId("Proposta")}&cards=100`));
    expect(expanded.match(/data-testid="lead-card"/g)).toHaveLength(2 + 55);

    const mine = await html(await client.get(`/pipelines/${pipelineId}?owner=${agent.id}`));
    expect(mine).toContain("Da Ana");
    expect(mine).not.toContain("Do dono");
    expect(mine).toContain("R$ 25,50");
    expect(mine).toContain('aria-label="1 leads"');
    const unowned = await html(await client.get(`/pipelines/${pipelineId}?owner=none`));
    expect(unowned).not.toContain("Da Ana");
    expect(unowned).toContain("Volume 1");
    // Nonsense filters fall back to the whole board.
    expect((await client.get(`/pipelines/${pipelineId}?owner=banana&cards=-4`)).status).toBe(200);
  });

  it("moves a lead with the no-JavaScript form and with the board's JSON request", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "mover");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id);
    const [first, second] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 2 });
    const client = await signedIn(owner.email);

    const returnTo = `/pipelines/${pipelineId}?owner=none`;
    const moved = await client.post(`/leads/${first}/move`, { toStageId: stageId("Proposta"), placement: "bottom", returnTo });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(returnTo);
    expect(await stageOrder(db, stageId("Proposta"))).toEqual([first]);
    const offsite = await client.post(`/leads/${first}/move`, { toStageId: stageId("Proposta"), placement: "top", returnTo: "https://evil.example/x" });
    expect(offsite.headers.get("location")).toBe(`/leads/${first}`);

    const viaScript = await client.post(`/leads/${second}/move`, { js: "1", toStageId: stageId("Proposta"), afterLeadId: first! });
    expect(viaScript.status).toBe(200);
    expect(await viaScript.json()).toEqual({ ok: true, version: 2 });
    expect(await stageOrder(db, stageId("Proposta"))).toEqual([first, second]);
    const events = await db.selectFrom("lead_events").select(["lead_id", "from_stage_id", "to_stage_id", "actor_id"]).where("lead_id", "in", [first!, second!]).orderBy("id").execute();
    expect(events).toEqual([
      { lead_id: first, from_stage_id: stageId("Novo"), to_stage_id: stageId("Proposta"), actor_id: owner.id },
      { lead_id: second, from_stage_id: stageId("Novo"), to_stage_id: stageId("Proposta"), actor_id: owner.id },
    ]);
    const page = await html(await client.get(`/leads/${second}`));
    expect(page).toContain("Novo → Proposta");

    // The board's request gets JSON errors (so it can roll back), never an error page.
    const missing = await client.post(`/leads/00000000-0000-4000-8000-000000000000/move`, { js: "1", toStageId: stageId("Novo") });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, error: "not_found" });
    expect((await client.post(`/leads/${first}/move`, { js: "1", toStageId: "nope" })).status).toBe(400);
    expect((await client.get(`/leads/not-a-uuid`)).status).toBe(404);
  });
});

describe("roles", () => {
  it("a viewer reads the board and leads but cannot move, edit, create or configure; an agent cannot configure", async () => {
    const db = getDb();
    const { org } = await createOrgWithOwner(db, "papeis");
    const viewer = await addMember(db, org.id, "viewer");
    const agent = await addMember(db, org.id, "agent");
    const { pipelineId, stageId } = await createPipelineWithStages(db, org.id);
    const leadId = await createLeadRow(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), title: "Intocável" });
    const client = await signedIn(viewer.email);

    const board = await html(await client.get(`/pipelines/${pipelineId}`));
    expect(board).toContain("Intocável");
    expect(board).not.toContain('data-testid="move-lead-form"');
    expect(board).not.toContain("Novo lead");
    const page = await html(await client.get(`/leads/${leadId}`));
    expect(page).toContain("Intocável");
    expect(page).not.toContain("Marcar como ganho");

    const forbidden = [
      await client.post(`/leads/${leadId}/move`, { toStageId: stageId("Proposta") }),
      await client.post(`/leads/${leadId}/move`, { js: "1", toStageId: stageId("Proposta") }),
      await client.post(`/leads/${leadId}/edit`, { title: "Hackeado", value: "1" }),
      await client.get(`/leads/${leadId}/edit`),
      await client.post(`/leads/${leadId}`, { intent: "status", status: "won" }),
      await client.post(`/leads/${leadId}`, { intent: "delete" }),
      await client.get(`/pipelines/${pipelineId}/leads/new`),
      await client.post(`/pipelines/${pipelineId}/leads/new`, { title: "Novo", stageId: stageId("Novo") }),
      await client.get(`/pipelines/${pipelineId}/settings`),
      await client.post("/pipelines", { name: "Meu funil" }),
    ];
    expect(forbidden.map((response) => response.status)).toEqual(forbidden.map(() => 403));
    const lead = await db.selectFrom("leads").select(["title", "stage_id", "status"]).where("id", "=", leadId).executeTakeFirstOrThrow();
    expect(lead).toEqual({ title: "Intocável", stage_id: stageId("Novo"), status: "open" });

    const agentClient = await signedIn(agent.email);
    expect((await agentClient.post(`/leads/${leadId}/move`, { toStageId: stageId("Proposta") })).status).toBe(302);
    expect((await agentClient.get(`/pipelines/${pipelineId}/settings`)).status).toBe(403);
    expect((await agentClient.post(`/pipelines/${pipelineId}/settings`, { intent: "createStage", name: "X", color: "#000000" })).status).toBe(403);
    expect((await agentClient.post("/pipelines", { name: "Funil do agente" })).status).toBe(403);
  });
});

describe("tenant isolation", () => {
  it("another organization's pipeline, stage and lead ids give 404 on every route, and change nothing", async () => {
    const db = getDb();
    let victimLead = "";
    let victimPipeline = "";
    await expectOtherOrgGets404(
      app,
      db,
      async (victim): Promise<CrossOrgRequest[]> => {
        const { pipelineId, stageId } = await createPipelineWithStages(db, victim.org.id, ["Novo", "Proposta"]);
        victimPipeline = pipelineId;
        victimLead = await createLeadRow(db, { orgId: victim.org.id, pipelineId, stageId: stageId("Novo"), title: "Segredo", actorId: victim.owner.id });
        const stage = stageId("Novo");
        const settings = `/pipelines/${pipelineId}/settings`;
        return [
          { method: "GET", path: `/pipelines/${pipelineId}` },
          { method: "GET", path: settings },
          { method: "POST", path: settings, form: { intent: "renamePipeline", name: "Roubado" } },
          { method: "POST", path: settings, form: { intent: "createStage", name: "Intrusa", color: "#000000" } },
          { method: "POST", path: settings, form: { intent: "updateStage", stageId: stage, name: "Roubada", color: "#000000" } },
          { method: "POST", path: settings, form: { intent: "moveStage", stageId: stage, direction: "down" } },
          { method: "POST", path: settings, form: { intent: "deleteStage", stageId: stage, targetStageId: stageId("Proposta") } },
          { method: "POST", path: settings, form: { intent: "deletePipeline", confirmName: "Vendas" } },
          { method: "GET", path: `/pipelines/${pipelineId}/leads/new` },
          { method: "POST", path: `/pipelines/${pipelineId}/leads/new`, form: { title: "Intruso", stageId: stage } },
          { method: "GET", path: `/leads/${victimLead}` },
          { method: "GET", path: `/leads/${victimLead}/edit` },
          { method: "POST", path: `/leads/${victimLead}/edit`, form: { title: "Roubado", value: "1" } },
          { method: "POST", path: `/leads/${victimLead}`, form: { intent: "status", status: "lost" } },
          { method: "POST", path: `/leads/${victimLead}`, form: { intent: "delete" } },
          { method: "POST", path: `/leads/${victimLead}/move`, form: { toStageId: stageId("Proposta") } },
          { method: "POST", path: `/leads/${victimLead}/move`, form: { js: "1", toStageId: stageId("Proposta") } },
        ];
      },
      async (victim) => {
        const pipeline = await db.selectFrom("pipelines").select("name").where("id", "=", victimPipeline).executeTakeFirstOrThrow();
        expect(pipeline.name).toBe("Vendas");
        const stages = await db.selectFrom("stages").select("name").where("pipeline_id", "=", victimPipeline).orderBy("position").execute();
        expect(stages.map((stage) => stage.name)).toEqual(["Novo", "Proposta"]);
        const lead = await db.selectFrom("leads").innerJoin("stages", "stages.id", "leads.stage_id").select(["leads.title", "leads.status", "stages.name"]).where("leads.id", "=", victimLead).executeTakeFirstOrThrow();
        expect(lead).toEqual({ title: "Segredo", status: "open", name: "Novo" });
        expect(await db.selectFrom("leads").select("id").where("org_id", "=", victim.org.id).execute()).toHaveLength(1);
      },
    );
  });

  it("another organization's stages, contacts and members named in your own forms give 404", async () => {
    const db = getDb();
    const mine = await createOrgWithOwner(db, "meu");
    const theirs = await createOrgWithOwner(db, "deles");
    const myPipeline = await createPipelineWithStages(db, mine.org.id, ["Novo", "Proposta"]);
    const theirPipeline = await createPipelineWithStages(db, theirs.org.id, ["Novo", "Proposta"]);
    const theirContact = await createContactRow(db, theirs.org.id, "Cliente Deles");
    const myLead = await createLeadRow(db, { orgId: mine.org.id, pipelineId: myPipeline.pipelineId, stageId: myPipeline.stageId("Novo"), title: "Meu lead" });
    const client = await signedIn(mine.owner.email);
    const settings = `/pipelines/${myPipeline.pipelineId}/settings`;
    const newLead = `/pipelines/${myPipeline.pipelineId}/leads/new`;

    const attempts = [
      // Moving my lead into their stage.
      await client.post(`/leads/${myLead}/move`, { toStageId: theirPipeline.stageId("Proposta") }),
      await client.post(`/leads/${myLead}/move`, { js: "1", toStageId: theirPipeline.stageId("Proposta") }),
      // Their stage through my pipeline's settings.
      await client.post(settings, { intent: "updateStage", stageId: theirPipeline.stageId("Novo"), name: "x", color: "#000000" }),
      await client.post(settings, { intent: "moveStage", stageId: theirPipeline.stageId("Novo"), direction: "down" }),
      await client.post(settings, { intent: "deleteStage", stageId: theirPipeline.stageId("Novo"), targetStageId: myPipeline.stageId("Proposta") }),
      await client.post(settings, { intent: "deleteStage", stageId: myPipeline.stageId("Novo"), targetStageId: theirPipeline.stageId("Proposta") }),
      // Their stage, contact or member in my lead forms.
      await client.post(newLead, { title: "x", stageId: theirPipeline.stageId("Novo") }),
      await client.post(newLead, { title: "x", stageId: myPipeline.stageId("Novo"), contactId: theirContact.id }),
      await client.post(newLead, { title: "x", stageId: myPipeline.stageId("Novo"), ownerId: theirs.owner.id }),
      await client.post(`/leads/${myLead}/edit`, { title: "x", contactId: theirContact.id }),
      await client.post(`/leads/${myLead}/edit`, { title: "x", ownerId: theirs.owner.id }),
    ];
    expect(attempts.map((response) => response.status)).toEqual(attempts.map(() => 404));
    expect(await stageOrder(db, theirPipeline.stageId("Proposta"))).toEqual([]);
    expect(await stageOrder(db, myPipeline.stageId("Novo"))).toEqual([myLead]);
    expect((await db.selectFrom("stages").select("name").where("id", "=", theirPipeline.stageId("Novo")).executeTakeFirstOrThrow()).name).toBe("Novo");
    expect(await db.selectFrom("leads").select("title").where("org_id", "=", mine.org.id).execute()).toEqual([{ title: "Meu lead" }]);
    // Their contacts never show up in my pickers.
    expect(await html(await client.get(`${newLead}?contactQuery=deles`))).not.toContain("Cliente Deles");
    expect(JSON.stringify(await (await client.get("/leads/contact-options?q=cliente")).json())).not.toContain("Cliente Deles");
  });
});
