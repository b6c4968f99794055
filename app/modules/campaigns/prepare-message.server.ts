import type { Database } from "#db/index.js";
import { classifyMedia } from "~/lib/storage/media-limits";
import { getStorage } from "~/lib/storage/storage.server";
import type { OutboundMedia, TemplateMessage } from "../channels/types";
import { asMessage } from "./campaign-types";
import { type RenderContact, renderMessage, templateBodyParameters, type TemplateVariableMapping } from "./render";

/** The campaign's message with everything looked up once per dispatch slice (template, media URL). */
export type PreparedMessage = {
  text: string;
  mediaId: string | null;
  media: Omit<OutboundMedia, "caption"> | null;
  template: { name: string; language: string; body: string; variables: TemplateVariableMapping[] } | null;
};

export type RenderedMessage = { type: string; body: string; content: Record<string, unknown>; template: TemplateMessage | null };

function templateBody(components: unknown): string {
  const list = Array.isArray(components) ? (components as Array<{ type?: string; text?: string }>) : [];
  return list.find((component) => component.type?.toUpperCase() === "BODY")?.text ?? "";
}

/** Null when the message can no longer be sent (its template or media is gone). */
export async function prepareMessage(db: Database, orgId: string, stored: unknown): Promise<PreparedMessage | null> {
  const message = asMessage(stored);
  if (message.type === "template") {
    const template = await db.selectFrom("message_templates").select(["name", "language", "components"]).where("org_id", "=", orgId).where("id", "=", message.templateId).executeTakeFirst();
    if (!template) return null;
    return { text: "", mediaId: null, media: null, template: { name: template.name, language: template.language, body: templateBody(template.components), variables: message.variables } };
  }
  if (!message.mediaId) return message.text.trim() ? { text: message.text, mediaId: null, media: null, template: null } : null;
  const media = await db.selectFrom("media").select(["id", "storage_key", "mime_type", "filename"]).where("org_id", "=", orgId).where("id", "=", message.mediaId).executeTakeFirst();
  if (!media) return null;
  // A day-long link: the slice ends well before, and the provider fetches it at send time.
  const url = await getStorage().url(media.storage_key, { expiresIn: 86_400 });
  const kind = classifyMedia(media.mime_type) ?? "document";
  return { text: message.text, mediaId: media.id, media: { kind, url, mimeType: media.mime_type, filename: media.filename ?? undefined }, template: null };
}

function asRenderContact(contact: { name: string; phone: string | null; email: string | null; attributes: unknown }): RenderContact {
  const attributes = contact.attributes && typeof contact.attributes === "object" ? (contact.attributes as Record<string, unknown>) : null;
  return { name: contact.name, phone: contact.phone, email: contact.email, attributes };
}

/** The text one contact receives; the recipient id seeds the spintax so a retry renders the same words. */
export function renderFor(prepared: PreparedMessage, contact: { name: string; phone: string | null; email: string | null; attributes: unknown }, seed: number): RenderedMessage {
  const who = asRenderContact(contact);
  if (prepared.template) {
    const bodyParameters = templateBodyParameters(prepared.template.variables, who);
    const template: TemplateMessage = { name: prepared.template.name, language: prepared.template.language, bodyParameters };
    const body = prepared.template.body.replace(/\{\{(\d+)\}\}/g, (whole, index: string) => bodyParameters[Number(index) - 1] ?? whole) || prepared.template.name;
    return { type: "template", body, content: { template }, template };
  }
  const body = renderMessage(prepared.text, who, { seed });
  return { type: prepared.media ? prepared.media.kind : "text", body, content: {}, template: null };
}
