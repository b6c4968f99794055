import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getEnv } from "~/lib/env.server";
import { twilioClient, twilioSettings, toSendError } from "./twilio/client.server";
import { mapTwilioError } from "./twilio/errors";
import { twilioConfigFields, validateTwilioConfig } from "./twilio/config.server";
import { mapTwilioStatus, parseTwilioForm, parseTwilioWebhook, verifyTwilioSignature } from "./twilio/inbound.server";
import type { ChannelAdapter, ConnectionContext, RawWebhook, SendOptions, SendResult } from "./types";
import type { DownloadedMedia } from "./whatsapp-cloud.server";

export type TwilioSmsAdapter = ChannelAdapter & {
  /** Inbound MMS media: Twilio's MediaUrl, fetched with the account's basic auth. */
  downloadMedia(connection: ConnectionContext, mediaUrl: string): Promise<DownloadedMedia>;
};

/** Twilio signs the URL it called: ours as the public sees it (APP_URL), not the internal one. */
export function twilioPublicUrl(requestUrl: string): string {
  const url = new URL(requestUrl);
  return `${getEnv().APP_URL.replace(/\/+$/, "")}${url.pathname}${url.search}`;
}

/** Twilio calls the StatusCallback URL as given and signs it, so a `ref` query parameter comes back verified. */
export function twilioStatusCallbackUrl(connectionId: string, reference?: string): string {
  const base = `${getEnv().APP_URL.replace(/\/+$/, "")}/webhooks/twilio/${connectionId}`;
  return reference ? `${base}?ref=${encodeURIComponent(reference)}` : base;
}

function referenceFromUrl(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get("ref")?.slice(0, 512) || undefined;
  } catch {
    return undefined;
  }
}

export function createTwilioSmsAdapter(options: { timeoutMs?: number } = {}): TwilioSmsAdapter {
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function create(connection: ConnectionContext, to: string, message: { body: string; mediaUrl?: string[] }, options: SendOptions = {}): Promise<SendResult> {
    const settings = twilioSettings(connection);
    try {
      const created = await twilioClient(settings, timeoutMs).messages.create({
        to,
        ...(settings.messagingServiceSid ? { messagingServiceSid: settings.messagingServiceSid } : { from: settings.from ?? "" }),
        body: message.body,
        ...(message.mediaUrl ? { mediaUrl: message.mediaUrl } : {}),
        statusCallback: twilioStatusCallbackUrl(connection.id, options.reference),
      });
      if (created.status === "failed" || created.status === "undelivered") {
        return { ok: false, ...mapTwilioError(400, created.errorCode ?? undefined, created.errorMessage ?? created.status) };
      }
      return { ok: true, externalId: created.sid, status: "sent" };
    } catch (error) {
      return { ok: false, ...toSendError(error) };
    }
  }

  return {
    kind: "twilio_sms",
    configFields: twilioConfigFields,
    validateConfig: validateTwilioConfig,

    async testConnection(connection) {
      const settings = twilioSettings(connection);
      try {
        const account = await twilioClient(settings, timeoutMs).api.v2010.accounts(settings.accountSid).fetch();
        if (account.status !== "active") return { ok: false, message: `account is ${account.status}` };
        return { ok: true, detail: [account.friendlyName, settings.from ?? settings.messagingServiceSid].filter(Boolean).join(" · ") };
      } catch (error) {
        const failure = toSendError(error);
        return { ok: false, message: `${failure.code}: ${failure.message}` };
      }
    },

    sendText: (connection, to, text, options) => create(connection, to, { body: text }, options),

    async sendMedia(connection, to, media, options) {
      if (!media.url) return { ok: false, code: "no_media_url", message: "Twilio fetches media from a URL; none was given", retryable: false };
      return create(connection, to, { body: media.caption ?? "", mediaUrl: [media.url] }, options);
    },

    async sendTemplate() {
      return { ok: false, code: "unsupported", message: "message templates are a WhatsApp feature; SMS sends plain text", retryable: false };
    },

    verifySignature(connection, webhook: RawWebhook) {
      return verifyTwilioSignature(connection.secrets.authToken, twilioPublicUrl(webhook.url), parseTwilioForm(webhook.rawBody), webhook.headers.get("x-twilio-signature"));
    },

    parseInbound: (_connection, webhook) => parseTwilioWebhook(parseTwilioForm(webhook.rawBody), new Date(), referenceFromUrl(webhook.url)),

    mapStatus: mapTwilioStatus,

    async downloadMedia(connection, mediaUrl) {
      const { accountSid, authToken } = twilioSettings(connection);
      const response = await fetch(mediaUrl, {
        headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}` },
        signal: AbortSignal.timeout(timeoutMs * 4),
      });
      if (!response.ok || !response.body) throw new Error(`Twilio media download failed with HTTP ${response.status}`);
      const size = Number(response.headers.get("content-length"));
      return {
        stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        mimeType: response.headers.get("content-type") ?? "application/octet-stream",
        ...(size > 0 ? { size } : {}),
      };
    },
  };
}

export const twilioSmsAdapter = createTwilioSmsAdapter();
