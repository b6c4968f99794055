import type { Database } from "#db/index.js";
import { type Locale, translate } from "~/lib/i18n";
import { formatBytes, MediaError } from "~/lib/storage/media-limits";
import { saveMedia } from "~/lib/storage/media.server";
import { assignConversation, addNote, retryFailedMessage, setBotActive, setConversationStatus } from "./conversation-actions.server";
import type { ConversationDetail } from "./conversations.server";
import { queueOutboundMessage } from "./outbound.server";
import { conversationActionSchema } from "./schemas";
import { findApprovedTemplate, renderTemplate } from "./templates.server";

export type ConversationErrors = { body?: string[]; assign?: string[]; template?: string[] };
export type CommandOutcome = { status: "ok" } | { status: "invalid"; errors: ConversationErrors } | { status: "not_found"; message: string };

type Context = {
  org: { id: string };
  user: { id: string };
  conversation: ConversationDetail;
  locale: Locale;
  form: FormData;
};

const OK: CommandOutcome = { status: "ok" };

function mediaErrorText(locale: Locale, error: MediaError): string {
  const { kind, mimeType, maxBytes } = error.details;
  return error.code === "media_too_large"
    ? translate(locale, "media.tooLarge", { kind: kind ?? "", max: maxBytes ? formatBytes(maxBytes) : "" })
    : translate(locale, "media.typeNotAllowed", { type: mimeType || "?" });
}

/** Every write of the conversation screen (reply, note, assign, status, bot, retry, template); the route stays thin. */
export async function runConversationAction(db: Database, { org, user, conversation, locale, form }: Context): Promise<CommandOutcome> {
  const attachment = form.get("attachment");
  const file = attachment instanceof File && attachment.size > 0 ? attachment : null;
  const fields = Object.fromEntries([...form].filter(([, value]) => typeof value === "string"));
  const parsed = conversationActionSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] === "assigneeId" ? "assign" : issue?.path[0] === "body" ? "body" : "template";
    return { status: "invalid", errors: { [key]: [translate(locale, (issue?.message as Parameters<typeof translate>[1]) ?? "common.error")] } };
  }
  const command = parsed.data;
  const ids = { orgId: org.id, conversationId: conversation.id };
  switch (command.intent) {
    case "reply": {
      const text = command.body;
      if (!file && !text) return { status: "invalid", errors: { body: [translate(locale, "validation.required")] } };
      if (!file) {
        await queueOutboundMessage(db, { ...ids, content: { type: "text", text }, senderType: "user", senderUserId: user.id });
        return OK;
      }
      try {
        const media = await saveMedia(db, org.id, new Uint8Array(await file.arrayBuffer()), { mimeType: file.type || "application/octet-stream", filename: file.name });
        await queueOutboundMessage(db, { ...ids, content: { type: "media", mediaId: media.id, caption: text || undefined }, senderType: "user", senderUserId: user.id });
      } catch (error) {
        if (error instanceof MediaError) return { status: "invalid", errors: { body: [mediaErrorText(locale, error)] } };
        throw error;
      }
      return OK;
    }
    case "note":
      await addNote(db, { ...ids, userId: user.id, body: command.body.trim() });
      return OK;
    case "assign": {
      const assigneeId = command.assigneeId === "me" ? user.id : command.assigneeId === "none" ? null : command.assigneeId;
      const result = await assignConversation(db, { ...ids, assigneeId });
      if (result === "invalid_assignee") return { status: "invalid", errors: { assign: [translate(locale, "inbox.invalidAssignee")] } };
      return OK;
    }
    case "status":
      await setConversationStatus(db, org.id, conversation.id, command.status);
      return OK;
    case "bot":
      await setBotActive(db, org.id, conversation.id, command.active === "on");
      return OK;
    case "retry":
      return (await retryFailedMessage(db, { ...ids, messageId: command.messageId })) ? OK : { status: "not_found", message: "Message not found" };
    case "template": {
      const template = await findApprovedTemplate(db, org.id, conversation.channel.id, command.templateId);
      if (!template) return { status: "not_found", message: "Template not found" };
      const values = template.variables.map((_, index) => String(fields[`var${index + 1}`] ?? "").trim());
      if (values.some((value) => !value || value.length > 1024)) return { status: "invalid", errors: { template: [translate(locale, "inbox.templateVariablesRequired")] } };
      await queueOutboundMessage(db, {
        ...ids,
        content: { type: "template", template: { name: template.name, language: template.language, bodyParameters: values }, preview: renderTemplate(template.bodyText, values) },
        senderType: "user",
        senderUserId: user.id,
      });
      return OK;
    }
  }
}
