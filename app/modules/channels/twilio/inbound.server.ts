import twilio from "twilio";
import { z } from "zod";
import { type DeliveryStatus, type InboundEvent, type MediaKind, MalformedWebhookError } from "../types";

export type TwilioParams = Record<string, string | string[]>;

/** Form-urlencoded body → params, keeping repeated names as arrays like Twilio's own validator expects. */
export function parseTwilioForm(rawBody: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(rawBody)) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

/**
 * X-Twilio-Signature is computed over the URL Twilio called (our public APP_URL, not the address the
 * proxy forwarded to) plus the sorted params; twilio-node's validator also tries it with and without
 * the port and compares in constant time.
 */
export function verifyTwilioSignature(authToken: string | undefined, publicUrl: string, params: TwilioParams, header: string | null): boolean {
  if (!authToken || !header) return false;
  return twilio.validateRequest(authToken, header, publicUrl, params);
}

/** Twilio's message statuses in ours; "received"/"receiving" describe inbound messages, not ticks. */
export function mapTwilioStatus(providerStatus: string): DeliveryStatus | null {
  switch (providerStatus) {
    case "accepted":
    case "scheduled":
    case "queued":
      return "queued";
    case "sending":
    case "sent":
      return "sent";
    case "delivered":
    case "partially_delivered":
      return "delivered";
    case "read":
      return "read";
    case "failed":
    case "undelivered":
    case "canceled":
      return "failed";
    default:
      return null;
  }
}

const sid = z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/);
const single = z.string().max(4096);
const statusCallback = z.looseObject({ MessageSid: sid, MessageStatus: single, ErrorCode: single.optional(), ErrorMessage: single.optional() });
const inboundMessage = z.looseObject({ MessageSid: sid, From: z.string().min(1).max(64), Body: z.string().max(5000).optional(), NumMedia: z.string().regex(/^\d{1,2}$/).optional() });

function mediaKind(mimeType: string): MediaKind {
  if (mimeType.startsWith("image/")) return "image";
  if (mimeType.startsWith("audio/")) return "audio";
  if (mimeType.startsWith("video/")) return "video";
  return "document";
}

/** `reference` is the `ref` query parameter we put on the StatusCallback URL at send time. */
export function parseTwilioWebhook(params: TwilioParams, receivedAt = new Date(), reference?: string): InboundEvent[] {
  const first = (name: string) => (Array.isArray(params[name]) ? params[name][0] : params[name]);
  const flat = Object.fromEntries(Object.keys(params).map((name) => [name, first(name)]));
  const providerStatus = flat.MessageStatus;

  if (providerStatus && providerStatus !== "received" && providerStatus !== "receiving") {
    const parsed = statusCallback.safeParse(flat);
    if (!parsed.success) throw new MalformedWebhookError(`bad status callback: ${z.prettifyError(parsed.error)}`);
    const status = mapTwilioStatus(parsed.data.MessageStatus);
    if (!status) return [];
    const { MessageSid, ErrorCode, ErrorMessage } = parsed.data;
    return [
      {
        kind: "status",
        dedupeKey: `${MessageSid}:${status}`,
        externalId: MessageSid,
        status,
        timestamp: receivedAt,
        ...(ErrorCode ? { error: { code: ErrorCode, message: ErrorMessage ?? "" } } : {}),
        ...(reference ? { reference } : {}),
      },
    ];
  }

  const parsed = inboundMessage.safeParse(flat);
  if (!parsed.success) throw new MalformedWebhookError(`not a Twilio message webhook: ${z.prettifyError(parsed.error)}`);
  const { MessageSid, From, Body = "" } = parsed.data;
  const from = { phone: From.replace(/^whatsapp:/, "") };
  const numMedia = Number(parsed.data.NumMedia ?? 0);
  if (numMedia === 0) return [{ kind: "message", dedupeKey: MessageSid, externalId: MessageSid, from, timestamp: receivedAt, content: { type: "text", text: Body } }];

  // One event per attachment: ids must be unique per connection, and the text rides on the first.
  const events: InboundEvent[] = [];
  for (let index = 0; index < numMedia; index += 1) {
    const url = flat[`MediaUrl${index}`];
    if (!url) continue;
    const mimeType = flat[`MediaContentType${index}`] ?? "application/octet-stream";
    const externalId = index === 0 ? MessageSid : `${MessageSid}:${index}`;
    events.push({
      kind: "message",
      dedupeKey: externalId,
      externalId,
      from,
      timestamp: receivedAt,
      content: { type: mediaKind(mimeType), ...(index === 0 && Body ? { caption: Body } : {}), media: { url, mimeType } },
    });
  }
  if (!events.length) throw new MalformedWebhookError("NumMedia is set but no MediaUrl came with it");
  return events;
}
