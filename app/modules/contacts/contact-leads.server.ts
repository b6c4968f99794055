import type { Database } from "#db/index.js";

export type ContactLead = {
  id: string;
  title: string;
  pipelineName: string;
  stageName: string;
  status: string;
  valueCents: number;
  createdAt: Date;
};

/** The contact's leads across pipelines, newest first (read-only: pipelines own leads). */
export async function listContactLeads(db: Database, orgId: string, contactId: string): Promise<ContactLead[]> {
  const rows = await db
    .selectFrom("leads")
    .innerJoin("stages", "stages.id", "leads.stage_id")
    .innerJoin("pipelines", "pipelines.id", "leads.pipeline_id")
    .select(["leads.id", "leads.title", "pipelines.name as pipelineName", "stages.name as stageName", "leads.status", "leads.value_cents", "leads.created_at"])
    .where("leads.org_id", "=", orgId)
    .where("leads.contact_id", "=", contactId)
    .orderBy("leads.created_at", "desc")
    .limit(100)
    .execute();
  return rows.map(({ value_cents, created_at, ...lead }) => ({ ...lead, valueCents: Number(value_cents), createdAt: created_at }));
}
