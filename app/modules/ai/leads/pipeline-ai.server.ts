import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../../audit/audit.server";
import { parseKeywords } from "../bot/persona-schema";
import type { PipelineAiSettingsInput } from "./pipeline-ai-schema";

export type StageCriteria = { id: string; name: string; position: string; criteria: string; keywords: string[] };
export type PipelineAi = { id: string; name: string; aiEnabled: boolean; threshold: number; allowBackwards: boolean; stages: StageCriteria[] };

export async function getPipelineAi(db: Database, orgId: string, pipelineId: string): Promise<PipelineAi | null> {
  const pipeline = await db
    .selectFrom("pipelines")
    .select(["id", "name", "ai_enabled", "ai_confidence_threshold", "ai_allow_backwards"])
    .where("org_id", "=", orgId)
    .where("id", "=", pipelineId)
    .executeTakeFirst();
  if (!pipeline) return null;
  const stages = await db
    .selectFrom("stages")
    .select(["id", "name", "position", "ai_criteria", "ai_keywords"])
    .where("org_id", "=", orgId)
    .where("pipeline_id", "=", pipeline.id)
    .orderBy("position")
    .execute();
  return {
    id: pipeline.id,
    name: pipeline.name,
    aiEnabled: pipeline.ai_enabled,
    threshold: pipeline.ai_confidence_threshold,
    allowBackwards: pipeline.ai_allow_backwards,
    stages: stages.map((stage) => ({ id: stage.id, name: stage.name, position: stage.position, criteria: stage.ai_criteria, keywords: stage.ai_keywords })),
  };
}

/** Saves the switch, threshold and each listed stage's criteria; stages of other pipelines are ignored. */
export async function savePipelineAi(db: Database, input: { orgId: string; pipelineId: string; userId: string; values: PipelineAiSettingsInput }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable("pipelines")
      .set({ ai_enabled: Boolean(input.values.aiEnabled), ai_confidence_threshold: input.values.threshold, ai_allow_backwards: Boolean(input.values.allowBackwards), updated_at: new Date() })
      .where("org_id", "=", input.orgId)
      .where("id", "=", input.pipelineId)
      .returning("id")
      .executeTakeFirst();
    if (!row) return false;
    for (const stage of input.values.stages ?? []) {
      await trx
        .updateTable("stages")
        .set({ ai_criteria: stage.criteria ?? "", ai_keywords: parseKeywords(stage.keywords ?? "") })
        .where("org_id", "=", input.orgId)
        .where("pipeline_id", "=", input.pipelineId)
        .where("id", "=", stage.id)
        .execute();
    }
    await recordAudit(trx, {
      orgId: input.orgId,
      actor: { type: "user", id: input.userId },
      action: "pipeline.aiSettingsChanged",
      target: { type: "pipeline", id: input.pipelineId },
      metadata: { aiEnabled: Boolean(input.values.aiEnabled), threshold: input.values.threshold, allowBackwards: Boolean(input.values.allowBackwards) },
    });
    return true;
  });
}
