import type { Database } from "#db/index.js";
import { isLocale } from "~/lib/i18n";
import { enqueueJob } from "../../inbox/jobs.server";
import { moveLead } from "../../pipelines/leads.server";
import { AiBudgetExceededError, AiUnavailableError } from "../errors";
import { loadConversationContext } from "../bot/conversation-context.server";
import { classifyLead } from "./classify.server";
import { getPipelineAi } from "./pipeline-ai.server";

export const LEAD_PROGRESS_TASK = "lead.aiProgress";
/** Wait for the conversation to settle before judging where the lead stands. */
export const LEAD_PROGRESS_DELAY_SECONDS = 30;

export type SkipReason = "same_stage" | "below_threshold" | "backwards" | "unknown_stage" | "lead_moved";
export type ProgressOutcome =
  | { kind: "none"; why: "lead_not_open" | "ai_off" | "no_conversation" | "ai_unavailable" }
  | { kind: "decision"; decisionId: string; applied: boolean; skipReason: SkipReason | null };

/** One debounced job per open lead of this contact on a pipeline with the AI on. Runs in the caller's transaction. */
export async function scheduleLeadProgress(trx: Database, input: { orgId: string; contactId: string; conversationId: string; delaySeconds?: number }) {
  const leads = await trx
    .selectFrom("leads")
    .innerJoin("pipelines", "pipelines.id", "leads.pipeline_id")
    .select("leads.id")
    .where("leads.org_id", "=", input.orgId)
    .where("leads.contact_id", "=", input.contactId)
    .where("leads.status", "=", "open")
    .where("pipelines.ai_enabled", "=", true)
    .limit(20)
    .execute();
  for (const lead of leads) {
    await enqueueJob(trx, {
      identifier: LEAD_PROGRESS_TASK,
      payload: { orgId: input.orgId, leadId: lead.id, conversationId: input.conversationId },
      jobKey: `lead.aiProgress:${lead.id}`,
      queueName: `lead:${lead.id}`,
      runAt: new Date(Date.now() + (input.delaySeconds ?? LEAD_PROGRESS_DELAY_SECONDS) * 1000),
      maxAttempts: 3,
    });
  }
}

async function latestRunId(db: Database, orgId: string, since: Date): Promise<string | null> {
  const run = await db
    .selectFrom("ai_runs")
    .select("id")
    .where("org_id", "=", orgId)
    .where("purpose", "=", "lead.classify")
    .where("created_at", ">=", since)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return run?.id ?? null;
}

/**
 * Classifies one open lead against its pipeline's stage criteria and moves it (actor AI, with the
 * reason) only when the confidence clears the pipeline's threshold and the move is not backwards
 * (unless the pipeline allows it). Every classification is written to lead_ai_decisions, applied or not.
 */
export async function progressLead(db: Database, input: { orgId: string; leadId: string; conversationId: string }): Promise<ProgressOutcome> {
  const lead = await db.selectFrom("leads").select(["id", "status", "stage_id", "pipeline_id", "contact_id"]).where("org_id", "=", input.orgId).where("id", "=", input.leadId).executeTakeFirst();
  if (!lead || lead.status !== "open" || !lead.contact_id) return { kind: "none", why: "lead_not_open" };
  const pipeline = await getPipelineAi(db, input.orgId, lead.pipeline_id);
  if (!pipeline?.aiEnabled) return { kind: "none", why: "ai_off" };
  const conversation = await db
    .selectFrom("conversations")
    .select("id")
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.conversationId)
    .where("contact_id", "=", lead.contact_id)
    .executeTakeFirst();
  const context = conversation ? await loadConversationContext(db, input.orgId, conversation.id) : null;
  if (!context || !context.history.some((line) => line.from === "customer")) return { kind: "none", why: "no_conversation" };
  const org = await db.selectFrom("organizations").select("locale").where("id", "=", input.orgId).executeTakeFirstOrThrow();

  const startedAt = new Date();
  let classification;
  try {
    classification = await classifyLead(db, {
      orgId: input.orgId,
      stages: pipeline.stages,
      currentStageId: lead.stage_id,
      history: context.history,
      contact: context.contact,
      locale: isLocale(org.locale) ? org.locale : "pt-BR",
      conversationId: context.conversationId,
    });
  } catch (error) {
    if (error instanceof AiBudgetExceededError || error instanceof AiUnavailableError) return { kind: "none", why: "ai_unavailable" };
    throw error;
  }

  const target = pipeline.stages.find((stage) => stage.id === classification.stageId);
  const current = pipeline.stages.find((stage) => stage.id === lead.stage_id);
  let skipReason: SkipReason | null = null;
  if (!target) skipReason = "unknown_stage";
  else if (target.id === lead.stage_id) skipReason = "same_stage";
  else if (classification.confidence < pipeline.threshold) skipReason = "below_threshold";
  else if (current && target.position < current.position && !pipeline.allowBackwards) skipReason = "backwards";

  let fromStageId = lead.stage_id;
  if (!skipReason && target) {
    const moved = await moveLead(db, { orgId: input.orgId, leadId: lead.id, toStageId: target.id, actor: { type: "ai" }, reason: classification.reason });
    if (!moved.ok) skipReason = "lead_moved";
    else fromStageId = moved.fromStageId;
  }
  const decision = await db
    .insertInto("lead_ai_decisions")
    .values({
      org_id: input.orgId,
      pipeline_id: pipeline.id,
      lead_id: lead.id,
      conversation_id: context.conversationId,
      from_stage_id: fromStageId,
      to_stage_id: target?.id ?? null,
      confidence: classification.confidence,
      reason: classification.reason.slice(0, 1000),
      mode: classification.mode,
      applied: skipReason === null,
      skip_reason: skipReason,
      ai_run_id: classification.mode === "openai" ? await latestRunId(db, input.orgId, startedAt) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { kind: "decision", decisionId: decision.id, applied: skipReason === null, skipReason };
}
