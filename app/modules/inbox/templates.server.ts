import { z } from "zod";
import type { Database } from "#db/index.js";

export type InboxTemplate = { id: string; name: string; language: string; category: string; bodyText: string; variables: string[] };

const uuid = z.uuid();
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

type Component = { type?: string; text?: string };

function bodyOf(components: unknown): string {
  const list = Array.isArray(components) ? (components as Component[]) : [];
  return list.find((component) => component.type?.toUpperCase() === "BODY")?.text ?? "";
}

/** The body's placeholders ({{1}}, {{2}} or named ones) in order of first appearance. */
export function templateVariables(bodyText: string): string[] {
  return [...new Set([...bodyText.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** The body as the customer will read it. */
export function renderTemplate(bodyText: string, values: string[]): string {
  const variables = templateVariables(bodyText);
  return bodyText.replace(PLACEHOLDER, (whole, name: string) => values[variables.indexOf(name)] ?? whole);
}

function toTemplate(row: { id: string; name: string; language: string; category: string; components: unknown }): InboxTemplate {
  const bodyText = bodyOf(row.components);
  return { id: row.id, name: row.name, language: row.language, category: row.category, bodyText, variables: templateVariables(bodyText) };
}

function approved(db: Database, orgId: string, connectionId: string) {
  return db
    .selectFrom("message_templates")
    .select(["id", "name", "language", "category", "components"])
    .where("org_id", "=", orgId)
    .where("connection_id", "=", connectionId)
    .where("status", "=", "APPROVED");
}

/** Meta-approved templates of the connection: what may start a conversation outside the 24-hour window. */
export async function listApprovedTemplates(db: Database, orgId: string, connectionId: string): Promise<InboxTemplate[]> {
  const rows = await approved(db, orgId, connectionId).orderBy("name").orderBy("language").limit(500).execute();
  return rows.map(toTemplate);
}

export async function findApprovedTemplate(db: Database, orgId: string, connectionId: string, id: string): Promise<InboxTemplate | null> {
  if (!uuid.safeParse(id).success) return null;
  const row = await approved(db, orgId, connectionId).where("id", "=", id).executeTakeFirst();
  return row ? toTemplate(row) : null;
}
