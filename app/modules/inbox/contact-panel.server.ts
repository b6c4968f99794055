import type { Database } from "#db/index.js";

export type ContactPanel = {
  tags: Array<{ id: string; name: string; color: string }>;
  leads: Array<{ id: string; title: string; status: string; valueCents: number; pipelineName: string; stageName: string }>;
};

/** Tags and leads beside a conversation, read straight from the CRM tables. */
export async function loadContactPanel(db: Database, orgId: string, contactId: string): Promise<ContactPanel> {
  const [tags, leads] = await Promise.all([
    db
      .selectFrom("contact_tags")
      .innerJoin("tags", "tags.id", "contact_tags.tag_id")
      .select(["tags.id", "tags.name", "tags.color"])
      .where("contact_tags.org_id", "=", orgId)
      .where("contact_tags.contact_id", "=", contactId)
      .orderBy("tags.name")
      .execute(),
    db
      .selectFrom("leads")
      .innerJoin("stages", "stages.id", "leads.stage_id")
      .innerJoin("pipelines", "pipelines.id", "leads.pipeline_id")
      .select(["leads.id", "leads.title", "leads.status", "leads.value_cents", "pipelines.name as pipeline_name", "stages.name as stage_name"])
      .where("leads.org_id", "=", orgId)
      .where("leads.contact_id", "=", contactId)
      .orderBy("leads.updated_at", "desc")
      .limit(10)
      .execute(),
  ]);
  return {
    tags: tags.map((tag) => ({ id: tag.id, name: String(tag.name), color: tag.color })),
    leads: leads.map((lead) => ({ id: lead.id, title: lead.title, status: lead.status, valueCents: Number(lead.value_cents), pipelineName: lead.pipeline_name, stageName: lead.stage_name })),
  };
}

/** Tags for the list's filter menu. */
export async function listTags(db: Database, orgId: string) {
  const rows = await db.selectFrom("tags").select(["id", "name"]).where("org_id", "=", orgId).orderBy("name").limit(200).execute();
  return rows.map((row) => ({ id: row.id, name: String(row.name) }));
}
