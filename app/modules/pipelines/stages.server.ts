import { generateNKeysBetween } from "fractional-indexing";
import { sql, type Transaction } from "kysely";
import type { Database, DB } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { recordAudit } from "../audit/audit.server";
import { keyBetween } from "./positions.server";

export type Stage = { id: string; name: string; color: string; position: string; leadCount: number };

export async function listStages(db: Database, orgId: string, pipelineId: string): Promise<Stage[]> {
  const rows = await db
    .selectFrom("stages")
    .select((eb) => [
      "stages.id",
      "stages.name",
      "stages.color",
      "stages.position",
      eb.selectFrom("leads").whereRef("leads.stage_id", "=", "stages.id").select(eb.fn.countAll<number>().as("n")).as("leadCount"),
    ])
    .where("stages.pipeline_id", "=", pipelineId)
    .where("stages.org_id", "=", orgId)
    .orderBy("stages.position")
    .execute();
  return rows.map((row) => ({ ...row, leadCount: Number(row.leadCount ?? 0) }));
}

/**
 * Stage changes of one pipeline take the pipeline's row lock, so they run one at a time and two of
 * them never compute the same position key.
 */
async function lockPipeline(trx: Transaction<DB>, orgId: string, pipelineId: string) {
  return trx.selectFrom("pipelines").select("id").where("id", "=", pipelineId).where("org_id", "=", orgId).forUpdate().executeTakeFirst();
}

async function orderedStages(trx: Transaction<DB>, pipelineId: string) {
  return trx.selectFrom("stages").select(["id", "name", "position"]).where("pipeline_id", "=", pipelineId).orderBy("position").execute();
}

/** Adds a stage at the end; undefined when the pipeline is not the organization's. */
export async function createStage(db: Database, input: { orgId: string; pipelineId: string; name: string; color: string }): Promise<string | undefined> {
  return inTransaction(db, async (trx) => {
    if (!(await lockPipeline(trx, input.orgId, input.pipelineId))) return undefined;
    const stages = await orderedStages(trx, input.pipelineId);
    const position = keyBetween(stages.at(-1)?.position, null);
    const stage = await trx
      .insertInto("stages")
      .values({ org_id: input.orgId, pipeline_id: input.pipelineId, name: input.name, color: input.color, position })
      .returning("id")
      .executeTakeFirstOrThrow();
    return stage.id;
  });
}

export async function updateStage(db: Database, input: { orgId: string; pipelineId: string; stageId: string; name: string; color: string }): Promise<boolean> {
  const result = await db
    .updateTable("stages")
    .set({ name: input.name, color: input.color })
    .where("id", "=", input.stageId)
    .where("pipeline_id", "=", input.pipelineId)
    .where("org_id", "=", input.orgId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** One step up or down; false when the stage is not in this pipeline of the organization. */
export async function moveStage(db: Database, input: { orgId: string; pipelineId: string; stageId: string; direction: "up" | "down" }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (!(await lockPipeline(trx, input.orgId, input.pipelineId))) return false;
    const stages = await orderedStages(trx, input.pipelineId);
    const index = stages.findIndex((stage) => stage.id === input.stageId);
    if (index < 0) return false;
    const [lower, upper] = input.direction === "up" ? [stages[index - 2], stages[index - 1]] : [stages[index + 1], stages[index + 2]];
    // Already first (or last): nothing to do.
    if ((input.direction === "up" && index === 0) || (input.direction === "down" && index === stages.length - 1)) return true;
    await trx.updateTable("stages").set({ position: keyBetween(lower?.position, upper?.position) }).where("id", "=", input.stageId).execute();
    return true;
  });
}

export type DeleteStageResult =
  | { ok: true; movedLeads: number; targetStageId: string | null }
  | { ok: false; reason: "not_found" | "target_not_found" | "target_required" | "last_stage" };

/**
 * Deletes a stage, first moving its leads (in their order) to the end of `targetStageId`, with a
 * "stage deleted" history entry for each. Stage names go into the entries' metadata because the
 * deleted stage's id is cleared from history by the foreign key.
 */
export async function deleteStage(
  db: Database,
  input: { orgId: string; pipelineId: string; stageId: string; targetStageId?: string; actor: { type: "user"; id: string } },
): Promise<DeleteStageResult> {
  const result = await inTransaction(db, async (trx): Promise<DeleteStageResult> => {
    if (!(await lockPipeline(trx, input.orgId, input.pipelineId))) return { ok: false, reason: "not_found" };
    const stages = await orderedStages(trx, input.pipelineId);
    const stage = stages.find((candidate) => candidate.id === input.stageId);
    if (!stage) return { ok: false, reason: "not_found" };
    if (stages.length === 1) return { ok: false, reason: "last_stage" };
    const target = input.targetStageId ? stages.find((candidate) => candidate.id === input.targetStageId && candidate.id !== stage.id) : undefined;
    if (input.targetStageId && !target && input.targetStageId !== stage.id) return { ok: false, reason: "target_not_found" };

    // Both stages in id order (moves into either take a share lock on it), then the leads.
    await trx.selectFrom("stages").select("id").where("id", "in", [stage.id, target?.id ?? stage.id]).orderBy("id").forUpdate().execute();
    const leads = await trx.selectFrom("leads").select("id").where("stage_id", "=", stage.id).orderBy("position").forUpdate().execute();
    if (leads.length > 0 && !target) return { ok: false, reason: "target_required" };

    if (target && leads.length > 0) {
      const last = await trx.selectFrom("leads").select("position").where("stage_id", "=", target.id).orderBy("position", "desc").limit(1).executeTakeFirst();
      const positions = generateNKeysBetween(last?.position ?? null, null, leads.length);
      const ids = leads.map((lead) => lead.id);
      await sql`
        UPDATE leads SET stage_id = ${target.id}, position = moved.position, version = leads.version + 1, updated_at = now()
        FROM unnest(${ids}::uuid[], ${positions}::text[]) AS moved(id, position)
        WHERE leads.id = moved.id`.execute(trx);
      const metadata = JSON.stringify({ fromStageName: stage.name, toStageName: target.name });
      await sql`
        INSERT INTO lead_events (org_id, lead_id, type, from_stage_id, to_stage_id, actor_type, actor_id, reason, metadata)
        SELECT ${input.orgId}::uuid, moved.id, 'moved', ${stage.id}::uuid, ${target.id}::uuid, ${input.actor.type}::text, ${input.actor.id}::uuid, 'stage deleted', ${metadata}::jsonb
        FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS moved(id, n) ORDER BY moved.n`.execute(trx);
    }
    await trx.deleteFrom("stages").where("id", "=", stage.id).execute();
    await recordAudit(trx, {
      orgId: input.orgId,
      actor: input.actor,
      action: "stage.deleted",
      target: { type: "stage", id: stage.id },
      metadata: { name: stage.name, pipelineId: input.pipelineId, movedLeads: leads.length, targetStageId: target?.id ?? null, targetStageName: target?.name ?? null },
    });
    return { ok: true, movedLeads: leads.length, targetStageId: target?.id ?? null };
  });
  if (result.ok && result.targetStageId && !db.isTransaction) {
    await publishLiveEvent({ orgId: input.orgId, type: LiveEventTypes.leadStageChanged, ids: { pipelineId: input.pipelineId, stageId: result.targetStageId } });
  }
  return result;
}
