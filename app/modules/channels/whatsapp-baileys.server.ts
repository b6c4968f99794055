import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { sql } from "kysely";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { getStorage } from "~/lib/storage/storage.server";
import type { ChannelAdapter, ConnectionContext, DeliveryStatus, OutboundMedia, SendOptions as ChannelSendOptions, SendResult, TemplateMessage } from "./types";
import { MalformedWebhookError } from "./types";

/**
 * WhatsApp by QR code. The sessions live in the realtime sidecar (workers/realtime/baileys); this
 * adapter reaches the sidecar holding the connection's lease over its internal HTTP endpoints.
 */

export const baileysSendRequestSchema = z.object({
  to: z.string().min(6).max(32),
  /** Show "typing…" this long before sending. */
  typingMs: z.number().int().min(0).max(20_000).optional(),
  message: z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string().min(1).max(4096) }),
    z
      .object({
        type: z.literal("media"),
        kind: z.enum(["image", "audio", "video", "document", "sticker"]),
        mimeType: z.string().min(1).max(200),
        filename: z.string().max(200).optional(),
        caption: z.string().max(1024).optional(),
        url: z.url().optional(),
        /** A file in our storage (the sidecar reads it directly). */
        storageKey: z.string().max(512).optional(),
      })
      .refine((media) => Boolean(media.url) !== Boolean(media.storageKey), "give exactly one of url or storageKey"),
  ]),
});
export type BaileysSendRequest = z.infer<typeof baileysSendRequestSchema>;

/** `owned`: the answering sidecar holds the session; `status` is its live state (null when it holds none). */
export type BaileysLiveStatus = { owned: boolean; status: string | null };

export class SidecarError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SidecarError";
  }

  /** Read by the webhook job: a refused request (bad reference, no such connection) is not worth retrying. */
  get failure(): { retryable: boolean } {
    return { retryable: this.status >= 500 || this.status === 409 };
  }
}

/** WhatsApp Web echoes no reference: `reference` is ignored here. */
type SendOptions = ChannelSendOptions & { typingMs?: number };

/** The internal URL of the sidecar holding the connection, else the default one (which takes the lease on connect). */
async function sidecarUrl(connectionId: string): Promise<string> {
  const lease = await getDb()
    .selectFrom("channel_leases")
    .select("holder_url")
    .where("connection_id", "=", connectionId)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return lease?.holder_url || getEnv().REALTIME_INTERNAL_URL;
}

async function callSidecar(connectionId: string, method: "GET" | "POST", action: string, body?: unknown, timeoutMs = 10_000): Promise<Response> {
  const base = await sidecarUrl(connectionId);
  let response: Response;
  try {
    response = await fetch(new URL(`/internal/baileys/${encodeURIComponent(connectionId)}/${action}`, base), {
      method,
      headers: { authorization: `Bearer ${getEnv().REALTIME_SECRET}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new SidecarError(503, "sidecar_unreachable", `the realtime service did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) {
    const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new SidecarError(response.status, payload?.error?.code ?? "sidecar_error", payload?.error?.message ?? `realtime service answered ${response.status}`);
  }
  return response;
}

async function sidecarJson<T>(connectionId: string, method: "GET" | "POST", action: string, body?: unknown, timeoutMs?: number): Promise<T> {
  return (await (await callSidecar(connectionId, method, action, body, timeoutMs)).json()) as T;
}

async function send(connection: ConnectionContext, request: BaileysSendRequest): Promise<SendResult> {
  const typingMs = request.typingMs ?? configuredTypingMs(connection);
  try {
    return await sidecarJson<SendResult>(connection.id, "POST", "send", { ...request, ...(typingMs ? { typingMs } : {}) }, 30_000 + (typingMs ?? 0));
  } catch (error) {
    if (!(error instanceof SidecarError)) throw error;
    return { ok: false, code: error.code, message: error.message, retryable: error.status >= 500 || error.status === 409, consequence: "connection_broken" };
  }
}

function configuredTypingMs(connection: ConnectionContext): number | undefined {
  const value = Number(connection.config.typingMs);
  return Number.isInteger(value) && value > 0 ? Math.min(value, 20_000) : undefined;
}

async function sendMedia(connection: ConnectionContext, to: string, media: OutboundMedia, options: SendOptions = {}): Promise<SendResult> {
  const base = { type: "media" as const, kind: media.kind, mimeType: media.mimeType, filename: media.filename, caption: media.caption };
  if (media.url) return send(connection, { to, typingMs: options.typingMs, message: { ...base, url: media.url } });
  if (!media.bytes) return { ok: false, code: "media_missing", message: "the media has neither a URL nor bytes", retryable: false };
  // Bytes do not fit the internal JSON call: hand them over through storage, which the sidecar reads too.
  const storage = getStorage();
  const storageKey = `${connection.orgId}/outbound-${randomUUID()}`;
  await storage.put(storageKey, media.bytes, { contentType: media.mimeType });
  try {
    return await send(connection, { to, typingMs: options.typingMs, message: { ...base, storageKey } });
  } finally {
    await storage.delete(storageKey).catch(() => undefined);
  }
}

/** WhatsApp Web has no Meta templates: the approved body is sent as plain text with its variables filled in. */
async function sendTemplate(connection: ConnectionContext, to: string, template: TemplateMessage, options: SendOptions = {}): Promise<SendResult> {
  const row = await getDb()
    .selectFrom("message_templates")
    .select("components")
    .where("org_id", "=", connection.orgId)
    .where("name", "=", template.name)
    .where("language", "=", template.language)
    .orderBy("synced_at", "desc")
    .executeTakeFirst();
  const body = templateBody(row?.components);
  if (!body) return { ok: false, code: "template_not_found", message: `no template ${template.name} (${template.language}) to send as text`, retryable: false };
  const text = body.replace(/\{\{(\d+)\}\}/g, (match, index: string) => template.bodyParameters[Number(index) - 1] ?? match);
  return send(connection, { to, typingMs: options.typingMs, message: { type: "text", text } });
}

function templateBody(components: unknown): string | null {
  if (!Array.isArray(components)) return null;
  const body = components.find((component) => String((component as { type?: unknown }).type).toUpperCase() === "BODY") as { text?: unknown } | undefined;
  return typeof body?.text === "string" ? body.text : null;
}

const STATUS_NAMES: Record<string, DeliveryStatus> = {
  "0": "failed",
  ERROR: "failed",
  "2": "sent",
  SERVER_ACK: "sent",
  "3": "delivered",
  DELIVERY_ACK: "delivered",
  "4": "read",
  READ: "read",
  "5": "read",
  PLAYED: "read",
};

export const whatsappBaileysAdapter = {
  kind: "whatsapp_baileys",
  // Nothing to type: the number is linked by scanning the QR code.
  configFields: [],
  validateConfig: () => ({ ok: true, config: {}, secrets: {} }),

  async testConnection(connection) {
    try {
      const live = await sidecarJson<BaileysLiveStatus>(connection.id, "GET", "status");
      return live.status === "connected" ? { ok: true, detail: "connected" } : { ok: false, message: `the WhatsApp session is ${live.status ?? "not open"}` };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  sendText: (connection, to, text, options: SendOptions = {}) => send(connection, { to, typingMs: options.typingMs, message: { type: "text", text } }),
  sendMedia,
  sendTemplate,

  // Baileys events reach us through the sidecar, never as HTTP webhooks.
  verifySignature: () => false,
  parseInbound: () => {
    throw new MalformedWebhookError("WhatsApp (QR) events arrive through the realtime service, not webhooks.");
  },
  mapStatus: (providerStatus) => STATUS_NAMES[providerStatus] ?? null,

  /** An inbound file, by the sealed reference the sidecar put in the event. */
  async downloadMedia(connection: ConnectionContext, reference: string): Promise<{ stream: Readable; mimeType: string; filename?: string }> {
    const response = await callSidecar(connection.id, "POST", "media", { reference }, 120_000);
    if (!response.body) throw new SidecarError(502, "empty_media", "the realtime service sent no file");
    const filename = response.headers.get("x-media-filename");
    return {
      stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      mimeType: response.headers.get("content-type") ?? "application/octet-stream",
      ...(filename ? { filename: decodeURIComponent(filename) } : {}),
    };
  },

  /** Opens the session in the sidecar (a QR appears when the number is not paired yet). */
  connect: (connection: Pick<ConnectionContext, "id">) => sidecarJson<{ status: string }>(connection.id, "POST", "connect", {}),
  logout: (connection: Pick<ConnectionContext, "id">) => sidecarJson<{ status: string }>(connection.id, "POST", "logout", {}),
  liveStatus: (connection: Pick<ConnectionContext, "id">) => sidecarJson<BaileysLiveStatus>(connection.id, "GET", "status"),
  /** The session's live state in the sidecar (status null: no session open) and the QR to scan now, if one is showing. */
  qrState: (connection: Pick<ConnectionContext, "id">) => sidecarJson<{ status: string | null; qr: string | null }>(connection.id, "GET", "qr"),
} satisfies ChannelAdapter & Record<string, unknown>;
