import { BufferJSON, normalizeMessageContent, proto, type WAMessage, type WAMessageKey, type WAMessageUpdate } from "@whiskeysockets/baileys";
import type { SecretBox } from "~/lib/crypto/secret-box.server";
import type { DeliveryStatus, InboundContent, InboundEvent, MediaKind } from "~/modules/channels/types";

export type DecryptFailure = { externalId: string; reason: string };

export type NormalizeOptions = {
  connectionId: string;
  box: SecretBox;
  /** Resolves a `@lid` JID to the phone JID when the session knows it. */
  phoneForLid?: (lidJid: string) => Promise<string | null>;
};

const MEDIA_FIELDS = { imageMessage: "image", audioMessage: "audio", videoMessage: "video", ptvMessage: "video", documentMessage: "document", stickerMessage: "sticker" } as const;
type MediaField = keyof typeof MEDIA_FIELDS;

/** WebMessageInfo.Status → our delivery status: 2 server ack, 3 delivered, 4 read, 5 played (voice notes). */
export function baileysStatus(status: number | null | undefined): DeliveryStatus | null {
  switch (status) {
    case proto.WebMessageInfo.Status.ERROR:
      return "failed";
    case proto.WebMessageInfo.Status.SERVER_ACK:
      return "sent";
    case proto.WebMessageInfo.Status.DELIVERY_ACK:
      return "delivered";
    case proto.WebMessageInfo.Status.READ:
    case proto.WebMessageInfo.Status.PLAYED:
      return "read";
    default:
      return null;
  }
}

/** A customer's message in a 1:1 chat (not groups, broadcasts, newsletters or our own sends). */
function isCustomerChat(key: WAMessageKey): boolean {
  const jid = key.remoteJid ?? "";
  return /@(s\.whatsapp\.net|c\.us|lid)$/.test(jid) && !key.fromMe;
}

/**
 * `messages.upsert` (type "notify") → InboundEvents. Messages that failed to decrypt ("Bad MAC",
 * missing keys: a CIPHERTEXT stub) are returned apart so the connection can warn the team; Baileys asks
 * the phone to resend them, and the resend arrives later under the same id.
 */
export async function normalizeUpsert(messages: WAMessage[], options: NormalizeOptions): Promise<{ events: InboundEvent[]; decryptFailures: DecryptFailure[] }> {
  const events: InboundEvent[] = [];
  const decryptFailures: DecryptFailure[] = [];
  for (const message of messages) {
    const { key } = message;
    if (!key?.id || !isCustomerChat(key)) continue;
    if (message.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT) {
      decryptFailures.push({ externalId: key.id, reason: String(message.messageStubParameters?.[0] ?? "message could not be decrypted") });
      continue;
    }
    const content = toContent(message, options);
    if (!content) continue;
    events.push({
      kind: "message",
      dedupeKey: `msg:${key.id}`,
      externalId: key.id,
      from: { ...(await senderOf(key, options.phoneForLid)), ...(message.pushName ? { name: message.pushName } : {}) },
      timestamp: toDate(message.messageTimestamp),
      content,
    });
  }
  return { events, decryptFailures };
}

/** `messages.update` → delivery statuses of the messages we sent. */
export function normalizeUpdates(updates: WAMessageUpdate[], now = new Date()): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const { key, update } of updates) {
    const status = baileysStatus(update.status);
    if (!key.id || !key.fromMe || !status) continue;
    events.push({
      kind: "status",
      dedupeKey: `status:${key.id}:${status}`,
      externalId: key.id,
      status,
      timestamp: now,
      ...(status === "failed" ? { error: { code: "baileys_error", message: "WhatsApp reported an error delivering this message" } } : {}),
    });
  }
  return events;
}

/**
 * Who wrote. Baileys 7 addresses a chat by phone JID (`5511…@s.whatsapp.net`) or by LID (`…@lid`),
 * with the other form in `remoteJidAlt` when known (older builds: `senderPn`/`senderLid`).
 */
export async function senderOf(key: WAMessageKey, phoneForLid?: (lidJid: string) => Promise<string | null>): Promise<{ phone?: string; lid?: string }> {
  const legacy = key as WAMessageKey & { senderPn?: string; senderLid?: string; participantPn?: string };
  const jids = [key.remoteJid, key.remoteJidAlt, legacy.senderPn, legacy.senderLid, legacy.participantPn].filter((jid): jid is string => Boolean(jid));
  let phone = jids.map(phoneFromJid).find(Boolean);
  const lidJid = jids.find((jid) => jid.endsWith("@lid"));
  const lid = lidJid ? userOf(lidJid) : undefined;
  if (!phone && lidJid && phoneForLid) phone = phoneFromJid((await phoneForLid(lidJid).catch(() => null)) ?? "");
  return { ...(phone ? { phone } : {}), ...(lid ? { lid } : {}) };
}

/** `5511987654321:12@s.whatsapp.net` → `+5511987654321`. */
export function phoneFromJid(jid: string): string | undefined {
  if (!/@(s\.whatsapp\.net|c\.us)$/.test(jid)) return undefined;
  const digits = userOf(jid);
  return /^\d{6,15}$/.test(digits) ? `+${digits}` : undefined;
}

/** `+55 11 98765-4321` → `5511987654321@s.whatsapp.net`. */
export function jidForPhone(phone: string): string | null {
  const digits = phone.replace(/\D/g, "");
  return digits.length >= 6 && digits.length <= 15 ? `${digits}@s.whatsapp.net` : null;
}

function userOf(jid: string): string {
  return jid.split("@")[0]!.split(":")[0]!;
}

function toContent(message: WAMessage, options: NormalizeOptions): InboundContent | null {
  const body = normalizeMessageContent(message.message);
  if (!body) return null;
  if (body.conversation) return { type: "text", text: body.conversation };
  if (body.extendedTextMessage?.text) return { type: "text", text: body.extendedTextMessage.text };
  for (const field of Object.keys(MEDIA_FIELDS) as MediaField[]) {
    const media = body[field];
    if (!media) continue;
    const document = field === "documentMessage" ? (media as proto.Message.IDocumentMessage) : null;
    const caption = (media as { caption?: string | null }).caption ?? undefined;
    return {
      type: MEDIA_FIELDS[field] as MediaKind,
      ...(caption ? { caption } : {}),
      media: {
        providerMediaId: sealMediaRef(message.key, field, media, options),
        ...(media.mimetype ? { mimeType: media.mimetype } : {}),
        ...(document?.fileName ? { filename: document.fileName } : {}),
        ...(media.fileSha256 ? { sha256: Buffer.from(media.fileSha256).toString("hex") } : {}),
      },
    };
  }
  const location = body.locationMessage ?? body.liveLocationMessage;
  if (location) {
    const named = body.locationMessage;
    return {
      type: "location",
      latitude: location.degreesLatitude ?? 0,
      longitude: location.degreesLongitude ?? 0,
      ...(named?.name ? { name: named.name } : {}),
      ...(named?.address ? { address: named.address } : {}),
    };
  }
  if (body.reactionMessage) {
    const { text, key } = body.reactionMessage;
    // An empty reaction removes an earlier one; there is nothing to show for it.
    return text && key?.id ? { type: "reaction", emoji: text, targetExternalId: key.id } : null;
  }
  const buttons = body.buttonsResponseMessage ?? body.templateButtonReplyMessage;
  if (buttons) {
    const reply = body.buttonsResponseMessage;
    const template = body.templateButtonReplyMessage;
    return { type: "interactive", text: reply?.selectedDisplayText ?? template?.selectedDisplayText ?? "", payload: reply?.selectedButtonId ?? template?.selectedId ?? undefined };
  }
  if (body.listResponseMessage) {
    return { type: "interactive", text: body.listResponseMessage.title ?? "", payload: body.listResponseMessage.singleSelectReply?.selectedRowId ?? undefined };
  }
  // Protocol traffic (revokes, key distribution, edits of settings) is not a message to show.
  if (body.protocolMessage || (body.senderKeyDistributionMessage && Object.keys(body).length === 1)) return null;
  if (body.contactMessage) return { type: "unsupported", description: `contact card: ${body.contactMessage.displayName ?? ""}`.trim() };
  const kind = Object.keys(body).find((field) => field !== "messageContextInfo" && field !== "senderKeyDistributionMessage");
  return kind ? { type: "unsupported", description: kind } : null;
}

// ---- Media references -------------------------------------------------------------------------------

type MediaRef = { key: Pick<WAMessageKey, "remoteJid" | "id" | "fromMe">; field: MediaField; media: Record<string, unknown> };

const mediaRefContext = (connectionId: string) => `baileys_media:${connectionId}`;

/**
 * What downloading needs (the file's URL, path and decryption key), sealed for this connection only:
 * the webhook_events row keeps it until the ingest job asks the sidecar for the file.
 */
function sealMediaRef(key: WAMessageKey, field: MediaField, media: proto.Message.IImageMessage | proto.Message.IDocumentMessage | object, options: NormalizeOptions): string {
  const source = media as Record<string, unknown>;
  const kept = ["url", "directPath", "mediaKey", "mimetype", "fileSha256", "fileEncSha256", "fileLength", "mediaKeyTimestamp", "fileName"];
  const ref: MediaRef = {
    key: { remoteJid: key.remoteJid, id: key.id, fromMe: key.fromMe },
    field,
    media: Object.fromEntries(kept.filter((name) => source[name] != null).map((name) => [name, source[name]])),
  };
  return options.box.encrypt(JSON.stringify(ref, BufferJSON.replacer), mediaRefContext(options.connectionId));
}

/** The media message back from a sealed reference; throws when it was not sealed for this connection. */
export function openMediaRef(reference: string, connectionId: string, box: SecretBox): { message: WAMessage; mimeType: string; filename?: string } {
  const ref = JSON.parse(box.decrypt(reference, mediaRefContext(connectionId)), BufferJSON.reviver) as MediaRef;
  const media = ref.media as { mimetype?: string; fileName?: string; fileLength?: unknown };
  return {
    message: { key: ref.key, message: { [ref.field]: ref.media } } as WAMessage,
    mimeType: media.mimetype ?? "application/octet-stream",
    ...(media.fileName ? { filename: media.fileName } : {}),
  };
}

function toDate(timestamp: WAMessage["messageTimestamp"]): Date {
  const seconds = typeof timestamp === "number" ? timestamp : timestamp ? Number(timestamp.toString()) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}
