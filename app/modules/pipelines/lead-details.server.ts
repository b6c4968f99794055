import type { Database } from "#db/index.js";

export async function findLead(db: Database, orgId: string, leadId: string) {
  return db
    .selectFrom("leads")
    .innerJoin("stages", "stages.id", "leads.stage_id")
    .innerJoin("pipelines", "pipelines.id", "leads.pipeline_id")
    .leftJoin("contacts", "contacts.id", "leads.contact_id")
    .leftJoin("users as owner", "owner.id", "leads.owner_id")
    .select([
      "leads.id",
      "leads.title",
      "leads.value_cents as valueCents",
      "leads.status",
      "leads.notes",
      "leads.version",
      "leads.closed_at as closedAt",
      "leads.created_at as createdAt",
      "leads.contact_id as contactId",
      "leads.owner_id as ownerId",
      "leads.stage_id as stageId",
      "leads.pipeline_id as pipelineId",
      "stages.name as stageName",
      "stages.color as stageColor",
      "pipelines.name as pipelineName",
      "contacts.name as contactName",
      "contacts.phone as contactPhone",
      "owner.name as ownerName",
    ])
    .where("leads.id", "=", leadId)
    .where("leads.org_id", "=", orgId)
    .executeTakeFirst();
}

export type LeadEventView = {
  id: number;
  type: string;
  fromStage: string | null;
  toStage: string | null;
  actorType: string;
  actorName: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
};

export const HISTORY_PAGE = 50;

/**
 * The lead's history, newest first, `HISTORY_PAGE` at a time (keyset on the event id). Stage names
 * come from the stage when it still exists, else from the names saved with the entry.
 */
export async function listLeadEvents(db: Database, orgId: string, leadId: string, beforeId?: number): Promise<{ events: LeadEventView[]; nextBefore: number | null }> {
  let query = db
    .selectFrom("lead_events")
    .leftJoin("stages as from_stage", "from_stage.id", "lead_events.from_stage_id")
    .leftJoin("stages as to_stage", "to_stage.id", "lead_events.to_stage_id")
    .leftJoin("users", "users.id", "lead_events.actor_id")
    .select([
      "lead_events.id",
      "lead_events.type",
      "from_stage.name as fromStageName",
      "to_stage.name as toStageName",
      "lead_events.actor_type as actorType",
      "users.name as actorName",
      "lead_events.reason",
      "lead_events.metadata",
      "lead_events.created_at as createdAt",
    ])
    .where("lead_events.lead_id", "=", leadId)
    .where("lead_events.org_id", "=", orgId)
    .orderBy("lead_events.id", "desc")
    .limit(HISTORY_PAGE + 1);
  if (beforeId) query = query.where("lead_events.id", "<", beforeId);
  const rows = await query.execute();
  const events = rows.slice(0, HISTORY_PAGE).map((row) => {
    const metadata = (row.metadata ?? {}) as Record<string, unknown>;
    const saved = (key: string) => (typeof metadata[key] === "string" ? (metadata[key] as string) : null);
    return {
      id: row.id,
      type: row.type,
      fromStage: row.fromStageName ?? saved("fromStageName"),
      toStage: row.toStageName ?? saved("toStageName"),
      actorType: row.actorType,
      actorName: row.actorType === "user" ? (row.actorName ?? null) : null,
      reason: row.reason,
      metadata,
      createdAt: new Date(row.createdAt).toISOString(),
    };
  });
  return { events, nextBefore: rows.length > HISTORY_PAGE ? events.at(-1)!.id : null };
}
