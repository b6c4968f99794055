import { generateNKeysBetween } from "fractional-indexing";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { STAGE_COLORS } from "./schemas";

export type PipelineSummary = { id: string; name: string; stageCount: number; leadCount: number };

export async function listPipelines(db: Database, orgId: string): Promise<PipelineSummary[]> {
  const rows = await db
    .selectFrom("pipelines")
    .select((eb) => [
      "pipelines.id",
      "pipelines.name",
      eb.selectFrom("stages").whereRef("stages.pipeline_id", "=", "pipelines.id").select(eb.fn.countAll<number>().as("n")).as("stageCount"),
      eb.selectFrom("leads").whereRef("leads.pipeline_id", "=", "pipelines.id").select(eb.fn.countAll<number>().as("n")).as("leadCount"),
    ])
    .where("pipelines.org_id", "=", orgId)
    .orderBy("pipelines.created_at")
    .orderBy("pipelines.id")
    .limit(200)
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, stageCount: Number(row.stageCount ?? 0), leadCount: Number(row.leadCount ?? 0) }));
}

export async function findPipeline(db: Database, orgId: string, pipelineId: string) {
  return db.selectFrom("pipelines").select(["id", "name"]).where("id", "=", pipelineId).where("org_id", "=", orgId).executeTakeFirst();
}

/** A pipeline with its first stages, in order. */
export async function createPipeline(db: Database, input: { orgId: string; name: string; stageNames: string[] }): Promise<string> {
  return inTransaction(db, async (trx) => {
    const pipeline = await trx.insertInto("pipelines").values({ org_id: input.orgId, name: input.name }).returning("id").executeTakeFirstOrThrow();
    const positions = generateNKeysBetween(null, null, input.stageNames.length);
    if (input.stageNames.length > 0) {
      await trx
        .insertInto("stages")
        .values(input.stageNames.map((name, index) => ({ org_id: input.orgId, pipeline_id: pipeline.id, name, color: STAGE_COLORS[index % STAGE_COLORS.length]!, position: positions[index]! })))
        .execute();
    }
    return pipeline.id;
  });
}

export async function renamePipeline(db: Database, orgId: string, pipelineId: string, name: string): Promise<boolean> {
  const result = await db.updateTable("pipelines").set({ name, updated_at: new Date() }).where("id", "=", pipelineId).where("org_id", "=", orgId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes the pipeline with its stages, leads and their history; the audit log keeps what was lost. */
export async function deletePipeline(db: Database, input: { orgId: string; pipelineId: string; actorId: string }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const pipeline = await trx.selectFrom("pipelines").select(["id", "name"]).where("id", "=", input.pipelineId).where("org_id", "=", input.orgId).forUpdate().executeTakeFirst();
    if (!pipeline) return false;
    const { leads } = await trx.selectFrom("leads").select((eb) => eb.fn.countAll<number>().as("leads")).where("pipeline_id", "=", pipeline.id).executeTakeFirstOrThrow();
    await trx.deleteFrom("pipelines").where("id", "=", pipeline.id).execute();
    await recordAudit(trx, {
      orgId: input.orgId,
      actor: { type: "user", id: input.actorId },
      action: "pipeline.deleted",
      target: { type: "pipeline", id: pipeline.id },
      metadata: { name: pipeline.name, leads: Number(leads) },
    });
    return true;
  });
}
