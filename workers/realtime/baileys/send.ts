import { setTimeout as sleep } from "node:timers/promises";
import type { AnyMessageContent } from "@whiskeysockets/baileys";
import type { MediaStorage } from "~/lib/storage/storage.server";
import type { SendResult } from "~/modules/channels/types";
import type { BaileysSendRequest } from "~/modules/channels/whatsapp-baileys.server";
import { jidForPhone } from "./inbound";
import type { BaileysSocketLike } from "./socket";

export type OutboundRequest = BaileysSendRequest;

/** Sends one message on a connected socket and reports it in the adapter's words. */
export async function sendThroughSocket(socket: BaileysSocketLike, request: OutboundRequest, storage: MediaStorage): Promise<SendResult> {
  const phoneJid = jidForPhone(request.to);
  if (!phoneJid) return { ok: false, code: "invalid_recipient", message: `${request.to} is not a phone number`, retryable: false };
  try {
    // WhatsApp knows the canonical JID (e.g. Brazilian numbers with or without the ninth digit); a number without WhatsApp never delivers.
    const [found] = (await socket.onWhatsApp(phoneJid)) ?? [];
    if (found && !found.exists) return { ok: false, code: "not_on_whatsapp", message: `${request.to} does not use WhatsApp`, retryable: false };
    const jid = found?.jid ?? phoneJid;
    if (request.typingMs) await showTyping(socket, jid, request.typingMs);
    const sent = await socket.sendMessage(jid, await toContent(request, storage));
    if (!sent?.key.id) return { ok: false, code: "no_message_id", message: "WhatsApp did not return a message id", retryable: true };
    return { ok: true, externalId: sent.key.id, status: "sent" };
  } catch (error) {
    const statusCode = (error as { output?: { statusCode?: number } }).output?.statusCode;
    return {
      ok: false,
      code: statusCode ? String(statusCode) : "send_failed",
      message: error instanceof Error ? error.message : String(error),
      retryable: statusCode === undefined || statusCode >= 500 || statusCode === 408 || statusCode === 428,
      ...(statusCode === 401 || statusCode === 403 ? { consequence: "connection_broken" as const } : {}),
    };
  }
}

/** "typing…" for a moment before the message, as a person would (and as anti-ban guidance advises). */
async function showTyping(socket: BaileysSocketLike, jid: string, typingMs: number) {
  try {
    await socket.presenceSubscribe(jid);
    await socket.sendPresenceUpdate("composing", jid);
    await sleep(typingMs);
    await socket.sendPresenceUpdate("paused", jid);
  } catch {
    // Presence is cosmetic; the message still goes.
  }
}

async function toContent(request: OutboundRequest, storage: MediaStorage): Promise<AnyMessageContent> {
  const { message } = request;
  if (message.type === "text") return { text: message.text };
  const source = message.storageKey ? { stream: await storage.get(message.storageKey) } : { url: message.url! };
  const caption = message.caption ? { caption: message.caption } : {};
  switch (message.kind) {
    case "image":
      return { image: source, mimetype: message.mimeType, ...caption };
    case "video":
      return { video: source, mimetype: message.mimeType, ...caption };
    case "audio":
      return { audio: source, mimetype: message.mimeType };
    case "sticker":
      return { sticker: source, mimetype: message.mimeType };
    case "document":
      return { document: source, mimetype: message.mimeType, fileName: message.filename ?? "document", ...caption };
  }
}
