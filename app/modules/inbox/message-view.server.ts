import type { Locale } from "~/lib/i18n";
import { logger } from "~/lib/logger.server";
import { getStorage } from "~/lib/storage/storage.server";
import { explainSendError } from "../channels/error-explanations";
import type { ChannelKind } from "../channels/types";
import type { ConversationMessage } from "./messages.server";

const MEDIA_LINK_SECONDS = 3600;

async function mediaUrl(storageKey: string): Promise<string | null> {
  try {
    return await getStorage().url(storageKey, { expiresIn: MEDIA_LINK_SECONDS });
  } catch (error) {
    logger.warn({ err: error }, "media link not available");
    return null;
  }
}

/** What the conversation screen shows: errors explained in the reader's language, media as short-lived links. */
export async function toMessageViews(messages: ConversationMessage[], kind: ChannelKind, locale: Locale) {
  return Promise.all(
    messages.map(async (message) => {
      const { error } = message;
      return {
        id: message.id,
        direction: message.direction,
        isNote: message.isNote,
        type: message.type,
        body: message.body,
        status: message.status,
        explanation: error ? explainSendError(locale, { kind, code: error.gaveUp ? "gave_up" : error.code, consequence: error.consequence, message: error.message }) : null,
        retrying: message.retrying,
        suggestTemplate: error?.consequence === "window_closed" || (kind === "whatsapp_cloud" && error?.code === "131047"),
        senderName: message.senderName,
        senderType: message.senderType,
        createdAt: message.createdAt,
        media: message.media ? { mimeType: message.media.mimeType, filename: message.media.filename, url: await mediaUrl(message.media.storageKey) } : null,
        templateName: message.templateName,
        aiSources: message.aiSources,
      };
    }),
  );
}
