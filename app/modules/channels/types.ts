/**
 * The one interface every channel implements (Sandbox, WhatsApp Cloud API, WhatsApp by QR through
 * Baileys, Twilio SMS). Campaigns, cadences, the inbox and the AI bot talk only to this, through
 * the registry; none of them imports a provider.
 */

export const CHANNEL_KINDS = ["sandbox", "whatsapp_cloud", "whatsapp_baileys", "twilio_sms"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const DELIVERY_STATUSES = ["queued", "sent", "delivered", "read", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Later statuses never give way to earlier ones (a late "sent" never overwrites "read"); "failed" is final. */
export const STATUS_RANK: Record<DeliveryStatus | "received", number> = { received: 0, queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

export type MediaKind = "image" | "audio" | "video" | "document" | "sticker";

export type OutboundMedia = {
  kind: MediaKind;
  /** A URL the provider can fetch (presigned or public), or bytes for providers that upload. */
  url?: string;
  bytes?: Uint8Array;
  mimeType: string;
  filename?: string;
  caption?: string;
};

export type TemplateMessage = {
  name: string;
  language: string; // e.g. pt_BR
  /** Body variables in order ({{1}}, {{2}}…); header/button parameters as the provider expects. */
  bodyParameters: string[];
  headerParameters?: Array<{ type: "text"; text: string } | { type: "image" | "document" | "video"; url: string }>;
};

/** What the connection row holds, decrypted: `config` is public, `secrets` came out of the secret box. */
export type ConnectionContext = {
  id: string;
  orgId: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
};

export type SendError = {
  /** The provider's code as a string ("131047", "21610", "timeout"). */
  code: string;
  message: string;
  retryable: boolean;
  /** Extra knowledge: the contact opted out (21610), the 24 h window is closed (131047), the connection is broken (190)… */
  consequence?: "opted_out" | "window_closed" | "connection_broken" | "pause_sending" | "rate_limited";
};

/**
 * `reference` is our own tag the provider echoes on this message's status webhooks (WhatsApp's
 * biz_opaque_callback_data, a query parameter on Twilio's StatusCallback): a send whose answer was
 * lost with a crashed worker can still be recognised when its status arrives.
 */
export type SendOptions = { reference?: string };

export type SendResult = { ok: true; externalId: string; status: DeliveryStatus } | ({ ok: false } & SendError);

export type InboundContent =
  | { type: "text"; text: string }
  | { type: MediaKind; caption?: string; media: { providerMediaId?: string; url?: string; mimeType?: string; filename?: string; sha256?: string } }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { type: "interactive"; text: string; payload?: string }
  | { type: "reaction"; emoji: string; targetExternalId: string }
  | { type: "unsupported"; description: string };

/** A provider event in our words. `dedupeKey` is the provider's own id for this event. */
export type InboundEvent =
  | {
      kind: "message";
      dedupeKey: string;
      externalId: string;
      /** Who wrote: an E.164 phone, plus the WhatsApp LID when the provider only knows that. */
      from: { phone?: string; lid?: string; name?: string };
      timestamp: Date;
      content: InboundContent;
    }
  | {
      kind: "status";
      dedupeKey: string;
      externalId: string;
      status: DeliveryStatus;
      timestamp: Date;
      error?: { code: string; message: string };
      /** The `reference` given at send time, when the provider echoes it. */
      reference?: string;
    }
  | { kind: "template_status"; dedupeKey: string; templateName: string; language?: string; status: string; reason?: string }
  | { kind: "account_alert"; dedupeKey: string; code: string; message: string };

export type ValidatedConfig = { ok: true; config: Record<string, unknown>; secrets: Record<string, string> } | { ok: false; fieldErrors: Record<string, string[]> };

export type RawWebhook = { url: string; method: string; headers: Headers; rawBody: string };

/** A field of the connection form; `secret` values go to the secret box and are never shown again. */
export type ConfigField = { name: string; label: { "pt-BR": string; en: string }; secret: boolean; required: boolean; placeholder?: string };

export interface ChannelAdapter {
  kind: ChannelKind;
  configFields: ConfigField[];
  /** Form input → public config + secrets, with messages beside the fields. */
  validateConfig(input: Record<string, string>): ValidatedConfig;
  /** A real call to the provider proving the credentials work. */
  testConnection(connection: ConnectionContext): Promise<{ ok: true; detail?: string } | { ok: false; message: string }>;
  sendText(connection: ConnectionContext, to: string, text: string, options?: SendOptions): Promise<SendResult>;
  sendMedia(connection: ConnectionContext, to: string, media: OutboundMedia, options?: SendOptions): Promise<SendResult>;
  sendTemplate(connection: ConnectionContext, to: string, template: TemplateMessage, options?: SendOptions): Promise<SendResult>;
  /** Checked on the raw body before anything else is done with a webhook. */
  verifySignature(connection: ConnectionContext, webhook: RawWebhook): boolean;
  /** Throws `MalformedWebhookError` for a body that is not the provider's format. */
  parseInbound(connection: ConnectionContext, webhook: RawWebhook): InboundEvent[];
  mapStatus(providerStatus: string): DeliveryStatus | null;
}

export class MalformedWebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedWebhookError";
  }
}
