import { z } from "zod";
import { DELIVERY_STATUSES, type InboundContent, type InboundEvent } from "../channels/types";

const mediaKind = z.enum(["image", "audio", "video", "document", "sticker"]);

const contentSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({
    type: mediaKind,
    caption: z.string().optional(),
    media: z.object({ providerMediaId: z.string().optional(), url: z.string().optional(), mimeType: z.string().optional(), filename: z.string().optional(), sha256: z.string().optional() }),
  }),
  z.object({ type: z.literal("location"), latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }),
  z.object({ type: z.literal("interactive"), text: z.string(), payload: z.string().optional() }),
  z.object({ type: z.literal("reaction"), emoji: z.string(), targetExternalId: z.string() }),
  z.object({ type: z.literal("unsupported"), description: z.string() }),
]);

/** A stored webhook_events payload back into an InboundEvent (JSON turned its dates into strings). */
export const storedEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("message"),
    dedupeKey: z.string(),
    externalId: z.string().min(1),
    from: z.object({ phone: z.string().optional(), lid: z.string().optional(), name: z.string().optional() }),
    timestamp: z.coerce.date(),
    content: contentSchema,
  }),
  z.object({
    kind: z.literal("status"),
    dedupeKey: z.string(),
    externalId: z.string().min(1),
    status: z.enum(DELIVERY_STATUSES),
    timestamp: z.coerce.date(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    reference: z.string().max(512).optional(),
  }),
  z.object({ kind: z.literal("template_status"), dedupeKey: z.string(), templateName: z.string(), language: z.string().optional(), status: z.string(), reason: z.string().optional() }),
  z.object({ kind: z.literal("account_alert"), dedupeKey: z.string(), code: z.string(), message: z.string() }),
]) satisfies z.ZodType<InboundEvent>;

/** The one-line summary shown in the conversation list and the message's searchable body. */
export function contentSummary(content: InboundContent): { type: string; body: string } {
  switch (content.type) {
    case "text":
      return { type: "text", body: content.text };
    case "location":
      return { type: "location", body: [content.name, content.address].filter(Boolean).join(" · ") || `${content.latitude}, ${content.longitude}` };
    case "interactive":
      return { type: "interactive", body: content.text };
    case "reaction":
      return { type: "reaction", body: content.emoji };
    case "unsupported":
      return { type: "unsupported", body: content.description };
    default:
      return { type: content.type, body: content.caption ?? "" };
  }
}

export function previewOf(type: string, body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  const label = type === "text" || type === "template" ? "" : `[${type}] `;
  return `${label}${text}`.slice(0, 140);
}
