import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { announceLeadMove, moveLead } from "../../pipelines/leads.server";

export const DECISIONS_PAGE_SIZE = 50;

export type DecisionView = {
  id: string;
  leadId: string;
  leadTitle: string;
  fromStage: string | null;
  toStage: string | null;
  confidence: number;
  reason: string;
  mode: string;
  applied: boolean;
  skipReason: string | null;
  undoneAt: string | null;
  undoneBy: string | null;
  createdAt: string;
  canUndo: boolean;
};

/** Newest first, keyset-paged by (created_at, id). */
export async function listDecisions(db: Database, orgId: string, pipelineId: string, before?: { at: string; id: string } | null) {
  let query = db
    .selectFrom("lead_ai_decisions as d")
    .innerJoin("leads", "leads.id", "d.lead_id")
    .leftJoin("stages as from_stage", "from_stage.id", "d.from_stage_id")
    .leftJoin("stages as to_stage", "to_stage.id", "d.to_stage_id")
    .leftJoin("users", "users.id", "d.undone_by")
    .select([
      "d.id",
      "d.lead_id",
      "leads.title",
      "leads.stage_id as lead_stage_id",
      "d.to_stage_id",
      "from_stage.name as from_name",
      "to_stage.name as to_name",
      "d.confidence",
      "d.reason",
      "d.mode",
      "d.applied",
      "d.skip_reason",
      "d.undone_at",
      "users.name as undone_by_name",
      "d.created_at",
    ])
    .where("d.org_id", "=", orgId)
    .where("d.pipeline_id", "=", pipelineId);
  if (before) query = query.where((eb) => eb(eb.refTuple("d.created_at", "d.id"), "<", eb.tuple(sql<Date>`${before.at}::timestamptz`, sql<string>`${before.id}::uuid`)));
  const rows = await query.orderBy("d.created_at", "desc").orderBy("d.id", "desc").limit(DECISIONS_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, DECISIONS_PAGE_SIZE);
  const last = page.at(-1);
  const decisions: DecisionView[] = page.map((row) => ({
    id: row.id,
    leadId: row.lead_id,
    leadTitle: row.title,
    fromStage: row.from_name,
    toStage: row.to_name,
    confidence: row.confidence,
    reason: row.reason,
    mode: row.mode,
    applied: row.applied,
    skipReason: row.skip_reason,
    undoneAt: row.undone_at?.toISOString() ?? null,
    undoneBy: row.undone_by_name,
    createdAt: row.created_at.toISOString(),
    canUndo: row.applied && !row.undone_at && row.lead_stage_id === row.to_stage_id,
  }));
  return { decisions, next: rows.length > DECISIONS_PAGE_SIZE && last ? { at: last.created_at.toISOString(), id: last.id } : null };
}

export type UndoResult = "undone" | "not_found" | "not_undoable";

/**
 * Puts the lead back where the AI found it (actor: the user, with a reason). Refused when the
 * decision was not applied, was already undone, or the lead has moved on since.
 */
export async function undoDecision(db: Database, input: { orgId: string; pipelineId: string; decisionId: string; userId: string; reason: string }): Promise<UndoResult> {
  const result = await db.transaction().execute(async (trx) => {
    const decision = await trx
      .selectFrom("lead_ai_decisions")
      .select(["id", "lead_id", "from_stage_id", "to_stage_id", "applied", "undone_at"])
      .where("org_id", "=", input.orgId)
      .where("pipeline_id", "=", input.pipelineId)
      .where("id", "=", input.decisionId)
      .forUpdate()
      .executeTakeFirst();
    if (!decision) return { status: "not_found" as const };
    if (!decision.applied || decision.undone_at || !decision.from_stage_id) return { status: "not_undoable" as const };
    const lead = await trx.selectFrom("leads").select("stage_id").where("id", "=", decision.lead_id).forUpdate().executeTakeFirst();
    if (!lead || lead.stage_id !== decision.to_stage_id) return { status: "not_undoable" as const };
    const moved = await moveLead(trx, { orgId: input.orgId, leadId: decision.lead_id, toStageId: decision.from_stage_id, actor: { type: "user", id: input.userId }, reason: input.reason });
    if (!moved.ok) return { status: "not_undoable" as const };
    await trx.updateTable("lead_ai_decisions").set({ undone_at: new Date(), undone_by: input.userId }).where("id", "=", decision.id).execute();
    return { status: "undone" as const, moved };
  });
  if (result.status === "undone" && result.moved.ok) await announceLeadMove(input.orgId, result.moved);
  return result.status;
}
