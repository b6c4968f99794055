import type { Database } from "#db/index.js";
import { listConnections } from "../channels/connections.server";
import type { ChannelKind } from "../channels/types";
import { listCustomFields } from "../contacts/custom-fields.server";
import { listSegments } from "../contacts/segments.server";
import { listTags } from "../contacts/tags.server";
import { templateVariables } from "../inbox/templates.server";

export type BuilderConnection = { id: string; name: string; kind: ChannelKind; status: string };
export type BuilderTemplate = { id: string; connectionId: string; name: string; language: string; bodyText: string; variables: string[] };

export type BuilderOptions = {
  connections: BuilderConnection[];
  segments: Array<{ id: string; name: string }>;
  tags: Array<{ id: string; name: string; color: string }>;
  fields: Array<{ key: string; label: string }>;
  templates: BuilderTemplate[];
};

function bodyOf(components: unknown): string {
  const list = Array.isArray(components) ? (components as Array<{ type?: string; text?: string }>) : [];
  return list.find((component) => component.type?.toUpperCase() === "BODY")?.text ?? "";
}

/** Everything the builder offers to pick from, all of this organization's. */
export async function loadBuilderOptions(db: Database, orgId: string): Promise<BuilderOptions> {
  const [connections, segments, tags, fields, templateRows] = await Promise.all([
    listConnections(db, orgId),
    listSegments(db, orgId),
    listTags(db, orgId),
    listCustomFields(db, orgId),
    db
      .selectFrom("message_templates")
      .innerJoin("channel_connections", "channel_connections.id", "message_templates.connection_id")
      .select(["message_templates.id", "message_templates.connection_id", "message_templates.name", "message_templates.language", "message_templates.components"])
      .where("message_templates.org_id", "=", orgId)
      .where("channel_connections.kind", "=", "whatsapp_cloud")
      .where("message_templates.status", "=", "APPROVED")
      .orderBy("message_templates.name")
      .orderBy("message_templates.language")
      .limit(500)
      .execute(),
  ]);
  return {
    connections: connections.map((connection) => ({ id: connection.id, name: connection.name, kind: connection.kind, status: connection.status })),
    segments: segments.map((segment) => ({ id: segment.id, name: segment.name })),
    tags,
    fields: fields.map((field) => ({ key: field.key, label: field.label })),
    templates: templateRows.map((row) => {
      const bodyText = bodyOf(row.components);
      return { id: row.id, connectionId: row.connection_id, name: row.name, language: row.language, bodyText, variables: templateVariables(bodyText) };
    }),
  };
}
