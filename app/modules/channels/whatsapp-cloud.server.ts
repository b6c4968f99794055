import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { graphSettings, metaConfigFields, validateMetaConfig } from "./meta/config.server";
import { graphCall, graphDownload, type GraphOptions } from "./meta/graph-client.server";
import { mapMetaStatus, parseMetaWebhook } from "./meta/inbound.server";
import { mediaPayload, templatePayload, textPayload } from "./meta/payloads";
import { verifyMetaSignature } from "./meta/signature.server";
import type { ChannelAdapter, ConnectionContext, SendError, SendOptions, SendResult } from "./types";

type SendResponse = { messages?: Array<{ id?: string; message_status?: string }> };
type PhoneNumberInfo = { display_phone_number?: string; verified_name?: string; quality_rating?: string };
type MediaInfo = { url?: string; mime_type?: string; file_size?: number; sha256?: string };

export type DownloadedMedia = { stream: Readable; mimeType: string; size?: number; sha256?: string };

export class MediaDownloadError extends Error {
  constructor(readonly failure: SendError) {
    super(`media download failed (${failure.code}): ${failure.message}`);
    this.name = "MediaDownloadError";
  }
}

export type WhatsAppCloudAdapter = ChannelAdapter & {
  /** Inbound media: GET /{media-id} gives a short-lived URL, fetched with the same bearer token. */
  downloadMedia(connection: ConnectionContext, providerMediaId: string): Promise<DownloadedMedia>;
};

export function createWhatsAppCloudAdapter(options: Partial<GraphOptions> = {}): WhatsAppCloudAdapter {
  const graph: GraphOptions = { timeoutMs: options.timeoutMs ?? 15_000, fetch: options.fetch ?? ((...args) => fetch(...args)) };

  async function send(connection: ConnectionContext, payload: Record<string, unknown>, options: SendOptions = {}): Promise<SendResult> {
    const settings = graphSettings(connection);
    // Meta echoes biz_opaque_callback_data on every status webhook of this message.
    const json = options.reference ? { ...payload, biz_opaque_callback_data: options.reference } : payload;
    const result = await graphCall<SendResponse>(settings, `${settings.phoneNumberId}/messages`, graph, { json });
    if (!result.ok) return { ok: false, ...result.error };
    const externalId = result.data.messages?.[0]?.id;
    if (!externalId) return { ok: false, code: "bad_response", message: "Meta accepted the request but returned no message id", retryable: false };
    return { ok: true, externalId, status: "sent" };
  }

  return {
    kind: "whatsapp_cloud",
    configFields: metaConfigFields,
    validateConfig: validateMetaConfig,

    async testConnection(connection) {
      const settings = graphSettings(connection);
      const fields = "display_phone_number,verified_name,quality_rating";
      const result = await graphCall<PhoneNumberInfo>(settings, `${settings.phoneNumberId}?fields=${fields}`, graph);
      if (!result.ok) return { ok: false, message: `${result.error.code}: ${result.error.message}` };
      const { display_phone_number, verified_name, quality_rating } = result.data;
      return { ok: true, detail: [display_phone_number, verified_name, quality_rating && `quality ${quality_rating}`].filter(Boolean).join(" · ") };
    },

    sendText: (connection, to, text, options) => send(connection, textPayload(to, text), options),

    async sendMedia(connection, to, media, options) {
      if (media.url) return send(connection, mediaPayload(to, media, { link: media.url }), options);
      if (!media.bytes) return { ok: false, code: "no_media", message: "media needs a URL or bytes", retryable: false };
      const settings = graphSettings(connection);
      const form = new FormData();
      form.set("messaging_product", "whatsapp");
      form.set("type", media.mimeType);
      form.set("file", new Blob([new Uint8Array(media.bytes)], { type: media.mimeType }), media.filename ?? `${media.kind}`);
      const upload = await graphCall<{ id?: string }>(settings, `${settings.phoneNumberId}/media`, graph, { form });
      if (!upload.ok) return { ok: false, ...upload.error };
      if (!upload.data.id) return { ok: false, code: "bad_response", message: "Meta returned no media id for the upload", retryable: true };
      return send(connection, mediaPayload(to, media, { id: upload.data.id }), options);
    },

    sendTemplate: (connection, to, template, options) => send(connection, templatePayload(to, template), options),

    verifySignature(connection, webhook) {
      return verifyMetaSignature(connection.secrets.appSecret, webhook.rawBody, webhook.headers.get("x-hub-signature-256"));
    },

    parseInbound(connection, webhook) {
      const { phoneNumberId, wabaId } = graphSettings(connection);
      return parseMetaWebhook(webhook.rawBody, { phoneNumberId: phoneNumberId || undefined, wabaId: wabaId || undefined });
    },

    mapStatus: mapMetaStatus,

    async downloadMedia(connection, providerMediaId) {
      const settings = graphSettings(connection);
      const info = await graphCall<MediaInfo>(settings, encodeURIComponent(providerMediaId), graph);
      if (!info.ok) throw new MediaDownloadError(info.error);
      if (!info.data.url) throw new MediaDownloadError({ code: "bad_response", message: "Meta returned no media URL", retryable: true });
      // The download may be large: allow it longer than an API call.
      const download = await graphDownload(settings, info.data.url, { ...graph, timeoutMs: graph.timeoutMs * 4 });
      if (!download.ok) throw new MediaDownloadError(download.error);
      const response = download.data;
      return {
        stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        mimeType: info.data.mime_type ?? response.headers.get("content-type") ?? "application/octet-stream",
        ...(info.data.file_size ? { size: info.data.file_size } : {}),
        ...(info.data.sha256 ? { sha256: info.data.sha256 } : {}),
      };
    },
  };
}

export const whatsappCloudAdapter = createWhatsAppCloudAdapter();
