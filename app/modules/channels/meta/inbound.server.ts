import { createHash } from "node:crypto";
import { z } from "zod";
import { type DeliveryStatus, type InboundContent, type InboundEvent, MalformedWebhookError } from "../types";

// Parses the Cloud API webhook envelope into our InboundEvents. Strict about the envelope and the ids
// we key on; lenient about message types we do not know (they become "unsupported", never a 400).

const id = z.string().min(1).max(512);
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((value) => new Date(Number(value) * 1000));
const graphError = z.looseObject({ code: z.number().int(), title: z.string().optional(), message: z.string().optional(), error_data: z.looseObject({ details: z.string().optional() }).optional() });

const mediaObject = z.looseObject({ id: id.optional(), link: z.string().optional(), mime_type: z.string().optional(), sha256: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });

const message = z.looseObject({
  from: id,
  id,
  timestamp: unixSeconds,
  type: z.string().min(1),
  text: z.looseObject({ body: z.string() }).optional(),
  image: mediaObject.optional(),
  audio: mediaObject.optional(),
  video: mediaObject.optional(),
  document: mediaObject.optional(),
  sticker: mediaObject.optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
      nfm_reply: z.looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
  reaction: z.looseObject({ message_id: id, emoji: z.string().optional() }).optional(),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string().optional() }).optional(), phones: z.array(z.looseObject({ phone: z.string().optional() })).optional() })).optional(),
  errors: z.array(graphError).optional(),
});

const status = z.looseObject({ id, status: z.string().min(1), timestamp: unixSeconds, recipient_id: z.string().optional(), errors: z.array(graphError).optional(), biz_opaque_callback_data: z.string().max(512).optional() });

const messagesValue = z.looseObject({
  messaging_product: z.literal("whatsapp").optional(),
  metadata: z.looseObject({ phone_number_id: id, display_phone_number: z.string().optional() }),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(message).optional(),
  statuses: z.array(status).optional(),
  errors: z.array(graphError).optional(),
});

const templateStatusValue = z.looseObject({
  event: z.string().min(1),
  message_template_id: z.union([z.number(), z.string()]).optional(),
  message_template_name: z.string().min(1),
  message_template_language: z.string().optional(),
  reason: z.string().nullable().optional(),
});

const qualityValue = z.looseObject({
  event: z.string().min(1),
  display_phone_number: z.string().optional(),
  current_limit: z.string().optional(),
  old_limit: z.string().optional(),
  max_daily_conversations_per_business: z.string().optional(),
});

export const metaEnvelope = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: z.string().min(1), value: z.unknown() })),
    }),
  ),
});

export type MetaScope = { phoneNumberId?: string; wabaId?: string };

/** Meta's statuses in ours; "played" (a voice note was listened to) counts as read. */
export function mapMetaStatus(providerStatus: string): DeliveryStatus | null {
  switch (providerStatus) {
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
    case "played":
      return "read";
    case "failed":
      return "failed";
    default:
      return null;
  }
}

/**
 * One Meta app posts every number's events to one URL, so events of another phone number id (or
 * another WABA) are skipped here instead of being stored under the wrong connection.
 */
export function parseMetaWebhook(rawBody: string, scope: MetaScope = {}, receivedAt = new Date()): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new MalformedWebhookError("body is not JSON");
  }
  const envelope = metaEnvelope.safeParse(json);
  if (!envelope.success) throw new MalformedWebhookError(`not a WhatsApp Business Account webhook: ${z.prettifyError(envelope.error)}`);

  const events: InboundEvent[] = [];
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      // Events without an id of their own are keyed on the entry time; without one, on the hour of receipt,
      // so a retry dedupes while the same alert a day later still gets through.
      const where = { entryId: entry.id, time: entry.time ?? `h${Math.floor(receivedAt.getTime() / 3_600_000)}`, field: change.field };
      if (change.field === "messages") events.push(...messagesEvents(strict(messagesValue, change.value, where.field), scope, where.time));
      else if (!scope.wabaId || entry.id === scope.wabaId) events.push(...accountEvents(change.value, where));
    }
  }
  return events;
}

function strict<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new MalformedWebhookError(`bad "${field}" change: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A key for events that carry no id of their own: a retry repeats entry time and value, so it hashes the same. */
function stableKey(prefix: string, parts: unknown[]): string {
  return `${prefix}:${createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 32)}`;
}

function messagesEvents(value: z.infer<typeof messagesValue>, scope: MetaScope, time: number | string): InboundEvent[] {
  if (scope.phoneNumberId && value.metadata.phone_number_id !== scope.phoneNumberId) return [];
  const events: InboundEvent[] = [];
  const names = new Map((value.contacts ?? []).map((contact) => [contact.wa_id, contact.profile?.name]));
  for (const item of value.messages ?? []) {
    const name = names.get(item.from);
    events.push({
      kind: "message",
      dedupeKey: item.id,
      externalId: item.id,
      from: { phone: toE164(item.from), ...(name ? { name } : {}) },
      timestamp: item.timestamp,
      content: messageContent(item),
    });
  }
  for (const item of value.statuses ?? []) {
    const mapped = mapMetaStatus(item.status);
    if (!mapped) continue;
    const error = item.errors?.[0];
    events.push({
      kind: "status",
      dedupeKey: `${item.id}:${mapped}`,
      externalId: item.id,
      status: mapped,
      timestamp: item.timestamp,
      ...(error ? { error: { code: String(error.code), message: errorText(error) } } : {}),
      ...(item.biz_opaque_callback_data ? { reference: item.biz_opaque_callback_data } : {}),
    });
  }
  for (const error of value.errors ?? []) {
    events.push({ kind: "account_alert", dedupeKey: stableKey("error", [value.metadata.phone_number_id, time, error]), code: String(error.code), message: errorText(error) });
  }
  return events;
}

function accountEvents(value: unknown, where: { entryId: string; time: number | string; field: string }): InboundEvent[] {
  if (where.field === "message_template_status_update") {
    const update = strict(templateStatusValue, value, where.field);
    return [
      {
        kind: "template_status",
        dedupeKey: stableKey("template", [where.entryId, where.time, update]),
        templateName: update.message_template_name,
        ...(update.message_template_language ? { language: update.message_template_language.replace("-", "_") } : {}),
        status: update.event,
        ...(update.reason && update.reason !== "NONE" ? { reason: update.reason } : {}),
      },
    ];
  }
  if (where.field === "phone_number_quality_update") {
    const update = strict(qualityValue, value, where.field);
    const limit = update.max_daily_conversations_per_business ?? update.current_limit;
    return [
      {
        kind: "account_alert",
        dedupeKey: stableKey("quality", [where.entryId, where.time, update]),
        code: `quality.${update.event}`,
        message: [update.display_phone_number, update.event, limit ? `limit ${limit}` : undefined].filter(Boolean).join(" · "),
      },
    ];
  }
  return []; // account_update, business_capability_update…: nothing we act on yet
}

type GraphErrorItem = z.infer<typeof graphError>;
function errorText(error: GraphErrorItem): string {
  return [error.title ?? error.message, error.error_data?.details].filter(Boolean).join(": ") || `error ${error.code}`;
}

function toE164(waId: string): string {
  return waId.startsWith("+") ? waId : `+${waId}`;
}

const MEDIA_TYPES = ["image", "audio", "video", "document", "sticker"] as const;

function messageContent(item: z.infer<typeof message>): InboundContent {
  const type = item.type;
  if (type === "text" && item.text) return { type: "text", text: item.text.body };
  const mediaKind = MEDIA_TYPES.find((kind) => kind === type);
  if (mediaKind) {
    const media = item[mediaKind];
    if (media) {
      return {
        type: mediaKind,
        ...(media.caption ? { caption: media.caption } : {}),
        media: {
          ...(media.id ? { providerMediaId: media.id } : {}),
          ...(media.link ? { url: media.link } : {}),
          ...(media.mime_type ? { mimeType: media.mime_type } : {}),
          ...(media.filename ? { filename: media.filename } : {}),
          ...(media.sha256 ? { sha256: media.sha256 } : {}),
        },
      };
    }
  }
  if (type === "location" && item.location) {
    const { latitude, longitude, name, address } = item.location;
    return { type: "location", latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
  }
  if (type === "interactive" && item.interactive) {
    const reply = item.interactive.button_reply ?? item.interactive.list_reply;
    if (reply) return { type: "interactive", text: reply.title, payload: reply.id };
    const flow = item.interactive.nfm_reply;
    if (flow) return { type: "interactive", text: flow.body ?? flow.name ?? "flow", ...(flow.response_json ? { payload: flow.response_json } : {}) };
  }
  if (type === "button" && item.button) return { type: "interactive", text: item.button.text, ...(item.button.payload ? { payload: item.button.payload } : {}) };
  if (type === "reaction" && item.reaction) return { type: "reaction", emoji: item.reaction.emoji ?? "", targetExternalId: item.reaction.message_id };
  if (type === "contacts" && item.contacts) {
    const cards = item.contacts.map((card) => [card.name?.formatted_name, card.phones?.[0]?.phone].filter(Boolean).join(" "));
    return { type: "unsupported", description: `contacts: ${cards.join(", ")}` };
  }
  const reason = item.errors?.[0];
  return { type: "unsupported", description: reason ? `${type}: ${errorText(reason)}` : type };
}
