import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { getEnv } from "../../app/lib/env.server.js";
import { undoDecision } from "../../app/modules/ai/leads/decisions.server.js";
import { savePipelineAi } from "../../app/modules/ai/leads/pipeline-ai.server.js";
import { progressLead } from "../../app/modules/ai/leads/progress.server.js";
import { changeLeadStatus } from "../../app/modules/pipelines/leads.server.js";
import { startWorker } from "../../workers/runner.js";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/openai.js";
import { connectFakeOpenAi, eventually } from "../support/ai-bot-fixtures.js";
import { createOrgWithOwner } from "../support/factories.js";
import { clearJobQueue, conversationFor, createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";
import { createLeadRow, createPipelineWithStages } from "../support/pipelines-factories.js";

const db = () => getDb();
let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

const STAGE_KEYWORDS: Record<string, string> = { Novo: "", Qualificado: "orçamento, preço, quanto custa", Proposta: "proposta, contrato, fechar negócio" };

/** A pipeline with the AI on, stage keywords, one open lead in "Novo" and its contact's conversation. */
async function setup(label: string, settings: { threshold?: number; allowBackwards?: boolean; startStage?: string } = {}) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const pipeline = await createPipelineWithStages(db(), org.id);
  await savePipelineAi(db(), {
    orgId: org.id,
    pipelineId: pipeline.pipelineId,
    userId: owner.id,
    values: {
      intent: "settings",
      aiEnabled: true,
      threshold: settings.threshold ?? 0.7,
      allowBackwards: settings.allowBackwards,
      stages: pipeline.stages.map((stage) => ({ id: stage.id, criteria: `Critério de ${stage.name}`, keywords: STAGE_KEYWORDS[stage.name] })),
    },
  });
  const connection = await createSandbox(db(), org.id);
  const phone = newPhone();
  await ingest(db(), connection, [textEvent({ phone, name: "Rita Lead", text: "olá" })]);
  const conversation = await conversationFor(db(), connection, phone);
  const leadId = await createLeadRow(db(), { orgId: org.id, pipelineId: pipeline.pipelineId, stageId: pipeline.stageId(settings.startStage ?? "Novo"), contactId: conversation.contact_id, title: "Rita" });
  const say = (text: string) => ingest(db(), connection, [textEvent({ phone, text })]);
  return { org, owner, pipeline, connection, conversation, leadId, say };
}

const leadStage = async (leadId: string) => (await db().selectFrom("leads").select("stage_id").where("id", "=", leadId).executeTakeFirstOrThrow()).stage_id;
const decisionsOf = (leadId: string) => db().selectFrom("lead_ai_decisions").selectAll().where("lead_id", "=", leadId).orderBy("created_at").execute();

describe("AI lead progression (offline: stage keywords)", () => {
  it("moves the lead forward with the AI as actor and the reason, and logs the decision", async () => {
    const ctx = await setup("leads-forward");
    await ctx.say("Oi, pode me mandar um orçamento? Quanto custa o plano anual?");
    const outcome = await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id });
    expect(outcome).toMatchObject({ kind: "decision", applied: true, skipReason: null });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Qualificado"));
    const event = await db().selectFrom("lead_events").selectAll().where("lead_id", "=", ctx.leadId).where("type", "=", "moved").executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_type: "ai", from_stage_id: ctx.pipeline.stageId("Novo"), to_stage_id: ctx.pipeline.stageId("Qualificado") });
    expect(event.reason).toBe("O cliente mencionou “orçamento”, “quanto custa” (palavras da etapa Qualificado).");
    const [decision] = await decisionsOf(ctx.leadId);
    expect(decision).toMatchObject({ applied: true, mode: "offline", confidence: expect.closeTo(0.85, 5), reason: event.reason });
  });

  it("respects the pipeline's threshold: a weak signal is logged but the lead stays", async () => {
    const ctx = await setup("leads-threshold", { threshold: 0.9 });
    await ctx.say("qual o preço?");
    const outcome = await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id });
    expect(outcome).toMatchObject({ kind: "decision", applied: false, skipReason: "below_threshold" });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Novo"));
    expect(await decisionsOf(ctx.leadId)).toMatchObject([{ applied: false, skip_reason: "below_threshold", to_stage_id: ctx.pipeline.stageId("Qualificado") }]);
  });

  it("never moves a lead backwards unless the pipeline allows it", async () => {
    const ctx = await setup("leads-backwards", { startStage: "Proposta" });
    await ctx.say("antes de tudo, qual o preço? e o orçamento?");
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toMatchObject({ applied: false, skipReason: "backwards" });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Proposta"));

    await db().updateTable("pipelines").set({ ai_allow_backwards: true }).where("id", "=", ctx.pipeline.pipelineId).execute();
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toMatchObject({ applied: true });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Qualificado"));
  });

  it("leaves won and lost leads, and pipelines with the AI off, alone", async () => {
    const ctx = await setup("leads-closed");
    await ctx.say("pode mandar a proposta e o contrato");
    await changeLeadStatus(db(), { orgId: ctx.org.id, leadId: ctx.leadId, status: "won", actor: { type: "user", id: ctx.owner.id } });
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toEqual({ kind: "none", why: "lead_not_open" });
    await changeLeadStatus(db(), { orgId: ctx.org.id, leadId: ctx.leadId, status: "open", actor: { type: "user", id: ctx.owner.id } });
    await db().updateTable("pipelines").set({ ai_enabled: false }).where("id", "=", ctx.pipeline.pipelineId).execute();
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toEqual({ kind: "none", why: "ai_off" });
    expect(await decisionsOf(ctx.leadId)).toEqual([]);
  });

  it("undo puts the lead back (actor: the user, with a reason) and only once", async () => {
    const ctx = await setup("leads-undo");
    await ctx.say("quero fechar negócio, manda o contrato");
    await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Proposta"));
    const [decision] = await decisionsOf(ctx.leadId);
    const undo = () => undoDecision(db(), { orgId: ctx.org.id, pipelineId: ctx.pipeline.pipelineId, decisionId: decision!.id, userId: ctx.owner.id, reason: "Decisão da IA desfeita" });
    expect(await undo()).toBe("undone");
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Novo"));
    const events = await db().selectFrom("lead_events").select(["actor_type", "actor_id", "reason"]).where("lead_id", "=", ctx.leadId).where("type", "=", "moved").orderBy("id").execute();
    expect(events.at(-1)).toEqual({ actor_type: "user", actor_id: ctx.owner.id, reason: "Decisão da IA desfeita" });
    expect(await undo()).toBe("not_undoable");
    expect(await decisionsOf(ctx.leadId)).toMatchObject([{ undone_by: ctx.owner.id }]);
    // Another organization's id for the decision reads as missing.
    const other = await createOrgWithOwner(db(), "leads-undo-other");
    expect(await undoDecision(db(), { orgId: other.org.id, pipelineId: ctx.pipeline.pipelineId, decisionId: decision!.id, userId: other.owner.id, reason: "x" })).toBe("not_found");
  });
});

describe("AI lead progression with a model (fake OpenAI server)", () => {
  it("classifies with a validated structured answer and moves only above the threshold", async () => {
    const ctx = await setup("leads-online", { threshold: 0.8 });
    await connectFakeOpenAi(db(), ctx.org.id, ctx.owner.id, fake);
    await ctx.say("Gostei, podemos avançar para a proposta?");
    fake.reply({ object: { stageId: ctx.pipeline.stageId("Proposta"), confidence: 0.6, reason: "Pediu a proposta, mas sem decisão." } });
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toMatchObject({ applied: false, skipReason: "below_threshold" });
    fake.reply({ object: { stageId: ctx.pipeline.stageId("Proposta"), confidence: 0.92, reason: "O cliente pediu a proposta." } });
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toMatchObject({ applied: true });
    expect(await leadStage(ctx.leadId)).toBe(ctx.pipeline.stageId("Proposta"));
    const request = fake.chatRequests()[1]!.body;
    expect(JSON.stringify(request.messages[0])).toContain("Critério de Proposta");
    const decisions = await decisionsOf(ctx.leadId);
    expect(decisions.at(-1)).toMatchObject({ applied: true, mode: "openai", reason: "O cliente pediu a proposta." });
    expect(decisions.at(-1)!.ai_run_id).not.toBeNull();
    // A stage id the model made up is logged and ignored.
    fake.reply({ object: { stageId: "not-a-stage", confidence: 0.99, reason: "?" } });
    expect(await progressLead(db(), { orgId: ctx.org.id, leadId: ctx.leadId, conversationId: ctx.conversation.id })).toMatchObject({ applied: false, skipReason: "unknown_stage" });
  });

  it("runs from the inbound hook through the worker (debounced per lead)", { timeout: 30_000 }, async () => {
    await clearJobQueue(db());
    const ctx = await setup("leads-worker");
    await ctx.say("pode mandar a proposta?");
    await ctx.say("e o contrato também");
    const jobs = await sql<{ key: string; run_at: Date }>`SELECT key, run_at FROM graphile_worker._private_jobs WHERE key = ${`lead.aiProgress:${ctx.leadId}`}`.execute(db());
    expect(jobs.rows).toHaveLength(1);
    // Bring the debounced job forward instead of waiting for it.
    await sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`lead.aiProgress:${ctx.leadId}`}`.execute(db());
    const worker = await startWorker({ connectionString: getEnv().DATABASE_URL, db: db(), concurrency: 2, tasks: ["lead.aiProgress"] });
    try {
      await eventually(() => leadStage(ctx.leadId), (stage) => stage === ctx.pipeline.stageId("Proposta"), 20_000);
    } finally {
      await worker.stop();
    }
    expect(await decisionsOf(ctx.leadId)).toHaveLength(1);
  });
});
