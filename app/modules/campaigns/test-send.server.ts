import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { normalizePhone } from "../contacts/phone.server";
import { matchContact } from "../inbox/contact-match.server";
import { type OutboundContent, queueOutboundMessage } from "../inbox/outbound.server";
import { renderTemplate } from "../inbox/templates.server";
import type { BuilderTemplate } from "./builder-options.server";
import type { CampaignMessage } from "./campaign-types";
import { renderMessage, templateBodyParameters } from "./render";

export type TestSendResult = { ok: true; conversationId: string } | { ok: false; code: "invalid_phone" | "empty_message" | "template_missing" };

/**
 * "Send a test to myself": the message rendered for the contact with that number (created if new),
 * queued through the inbox's normal outbound path, so it shows in the inbox like any reply.
 */
export async function sendTestMessage(
  db: Database,
  input: {
    orgId: string;
    userId: string;
    connectionId: string;
    phone: string;
    country: string;
    message: CampaignMessage;
    templates: readonly BuilderTemplate[];
    knownKeys: readonly string[];
  },
): Promise<TestSendResult> {
  const phone = normalizePhone(input.phone, input.country);
  if (!phone.ok) return { ok: false, code: "invalid_phone" };
  const { message } = input;
  if (message.type === "text" && !message.text.trim() && !message.mediaId) return { ok: false, code: "empty_message" };
  const template = message.type === "template" ? input.templates.find((candidate) => candidate.id === message.templateId && candidate.connectionId === input.connectionId) : undefined;
  if (message.type === "template" && !template) return { ok: false, code: "template_missing" };

  const { conversationId, contact } = await inTransaction(db, async (trx) => {
    const { id } = await matchContact(trx, input.orgId, { phone: phone.e164 });
    const conversation = await trx
      .insertInto("conversations")
      .values({ org_id: input.orgId, connection_id: input.connectionId, contact_id: id })
      .onConflict((conflict) => conflict.columns(["connection_id", "contact_id"]).doUpdateSet({ updated_at: new Date() }))
      .returning("id")
      .executeTakeFirstOrThrow();
    const row = await trx.selectFrom("contacts").select(["name", "phone", "email", "attributes"]).where("id", "=", id).executeTakeFirstOrThrow();
    return { conversationId: conversation.id, contact: { ...row, name: row.name || null, attributes: (row.attributes ?? {}) as Record<string, unknown> } };
  });

  let content: OutboundContent;
  if (message.type === "text") {
    const text = renderMessage(message.text, contact, { seed: Date.now(), knownKeys: input.knownKeys });
    content = message.mediaId ? { type: "media", mediaId: message.mediaId, caption: text || undefined } : { type: "text", text };
  } else {
    const bodyParameters = templateBodyParameters(message.variables, contact);
    content = { type: "template", template: { name: template!.name, language: template!.language, bodyParameters }, preview: renderTemplate(template!.bodyText, bodyParameters) };
  }
  await queueOutboundMessage(db, { orgId: input.orgId, conversationId, content, senderType: "user", senderUserId: input.userId });
  return { ok: true, conversationId };
}
