import { randomUUID } from "node:crypto";
import { generateNKeysBetween } from "fractional-indexing";
import type { Database } from "../../db/index.js";
import { createLead } from "../../app/modules/pipelines/leads.server.js";
import { createPipeline } from "../../app/modules/pipelines/pipelines.server.js";

/** A pipeline with the given stages (in order); returns their ids by name too. */
export async function createPipelineWithStages(db: Database, orgId: string, stageNames = ["Novo", "Qualificado", "Proposta"], name = "Vendas") {
  const pipelineId = await createPipeline(db, { orgId, name, stageNames });
  const stages = await db.selectFrom("stages").select(["id", "name"]).where("pipeline_id", "=", pipelineId).orderBy("position").execute();
  return { pipelineId, stages, stageId: (stageName: string) => stages.find((stage) => stage.name === stageName)!.id };
}

export async function createContactRow(db: Database, orgId: string, name = "Maria Souza") {
  const phone = `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  return db.insertInto("contacts").values({ org_id: orgId, name, phone }).returning(["id", "name", "phone"]).executeTakeFirstOrThrow();
}

/** One lead through the domain function (history included), at the top of its stage. */
export async function createLeadRow(
  db: Database,
  input: { orgId: string; pipelineId: string; stageId: string; title?: string; valueCents?: number; ownerId?: string; contactId?: string; actorId?: string },
) {
  const result = await createLead(db, {
    orgId: input.orgId,
    pipelineId: input.pipelineId,
    stageId: input.stageId,
    title: input.title ?? `Lead ${randomUUID().slice(0, 6)}`,
    valueCents: input.valueCents ?? 0,
    ownerId: input.ownerId,
    contactId: input.contactId,
    notes: "",
    actor: { type: "user", id: input.actorId ?? null },
  });
  if (!result.ok) throw new Error(`createLead failed: ${result.reason}`);
  return result.leadId;
}

/** Many leads at once, in order, at the bottom of the stage (no history): for volume tests and benches. */
export async function insertLeads(db: Database, input: { orgId: string; pipelineId: string; stageId: string; count: number; ownerIds?: Array<string | null>; prefix?: string }) {
  const last = await db.selectFrom("leads").select("position").where("stage_id", "=", input.stageId).orderBy("position", "desc").limit(1).executeTakeFirst();
  const positions = generateNKeysBetween(last?.position ?? null, null, input.count);
  const ids: string[] = [];
  for (let start = 0; start < input.count; start += 1000) {
    const rows = positions.slice(start, start + 1000).map((position, offset) => ({
      org_id: input.orgId,
      pipeline_id: input.pipelineId,
      stage_id: input.stageId,
      title: `${input.prefix ?? "Lead"} ${start + offset + 1}`,
      value_cents: 1000 * ((start + offset) % 97) + 99,
      owner_id: input.ownerIds ? (input.ownerIds[(start + offset) % input.ownerIds.length] ?? null) : null,
      position,
    }));
    const inserted = await db.insertInto("leads").values(rows).returning("id").execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** A stage's lead ids in board order. */
export async function stageOrder(db: Database, stageId: string) {
  const rows = await db.selectFrom("leads").select("id").where("stage_id", "=", stageId).orderBy("position").execute();
  return rows.map((row) => row.id);
}
