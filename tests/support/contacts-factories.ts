import { randomInt } from "node:crypto";
import type { Database } from "../../db/index.js";

/** A unique, valid Brazilian mobile number in E.164 (+55 11 9xxxx-xxxx). */
export function brazilianMobile(): string {
  return `+55119${String(randomInt(10_000_000, 99_999_999))}`;
}

export async function insertContact(
  db: Database,
  orgId: string,
  values: { name?: string; phone?: string | null; email?: string | null; attributes?: Record<string, unknown>; opted_out?: boolean; created_at?: Date } = {},
) {
  const { attributes, ...rest } = values;
  return db
    .insertInto("contacts")
    .values({ org_id: orgId, name: "Cliente", phone: brazilianMobile(), ...rest, attributes: JSON.stringify(attributes ?? {}) })
    .returning(["id", "name", "phone", "email"])
    .executeTakeFirstOrThrow();
}

export async function insertTag(db: Database, orgId: string, name = `tag-${randomInt(1_000_000)}`, color = "#2563eb") {
  return db.insertInto("tags").values({ org_id: orgId, name, color }).returning(["id", "name", "color"]).executeTakeFirstOrThrow();
}

export async function tagContact(db: Database, orgId: string, contactId: string, tagId: string) {
  await db.insertInto("contact_tags").values({ org_id: orgId, contact_id: contactId, tag_id: tagId }).execute();
}

export async function insertCustomField(db: Database, orgId: string, field: { key: string; label?: string; type: "text" | "number" | "date" | "select"; options?: string[] }) {
  return db
    .insertInto("custom_fields")
    .values({ org_id: orgId, key: field.key, label: field.label ?? field.key, type: field.type, options: JSON.stringify(field.options ?? []) })
    .returning(["id", "key"])
    .executeTakeFirstOrThrow();
}

export async function insertSegment(db: Database, orgId: string, name: string, filter: Record<string, unknown>) {
  return db.insertInto("segments").values({ org_id: orgId, name, filter: JSON.stringify(filter) }).returning("id").executeTakeFirstOrThrow();
}

/** A pipeline with one stage and a lead (plus its "created" event) for the contact. */
export async function insertLead(db: Database, orgId: string, contactId: string, title = "Orçamento") {
  const pipeline = await db.insertInto("pipelines").values({ org_id: orgId, name: "Vendas" }).returning("id").executeTakeFirstOrThrow();
  const stage = await db.insertInto("stages").values({ org_id: orgId, pipeline_id: pipeline.id, name: "Proposta", position: "a0" }).returning("id").executeTakeFirstOrThrow();
  const lead = await db
    .insertInto("leads")
    .values({ org_id: orgId, pipeline_id: pipeline.id, stage_id: stage.id, contact_id: contactId, title, value_cents: 150_000, position: "a0" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("lead_events").values({ org_id: orgId, lead_id: lead.id, type: "created", to_stage_id: stage.id, actor_type: "user", reason: "primeiro contato" }).execute();
  return { pipelineId: pipeline.id, stageId: stage.id, leadId: lead.id };
}

/** POSTs a form with repeated fields (e.g. several contactIds), which TestClient.post's record cannot express. */
export function postEntries(client: { request: (method: string, path: string, init: { body: BodyInit }) => Promise<Response> }, path: string, entries: Array<[string, string]>) {
  return client.request("POST", path, { body: new URLSearchParams(entries) });
}

/** The ids of the contacts linked from a list page, in order. */
export function contactIdsIn(html: string): string[] {
  return [...html.matchAll(/href="\/contacts\/([0-9a-f-]{36})"/g)].map((match) => match[1]!);
}
