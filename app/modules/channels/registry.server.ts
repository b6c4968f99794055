import { sandboxAdapter } from "./sandbox.server";
import { twilioSmsAdapter } from "./twilio-sms.server";
import type { ChannelAdapter, ChannelKind } from "./types";
import { whatsappBaileysAdapter } from "./whatsapp-baileys.server";
import { whatsappCloudAdapter } from "./whatsapp-cloud.server";

/** Every adapter, by kind. Each provider's module registers here with one line; nothing else imports a provider. */
const adapters: Partial<Record<ChannelKind, ChannelAdapter>> = {
  sandbox: sandboxAdapter,
  whatsapp_cloud: whatsappCloudAdapter,
  whatsapp_baileys: whatsappBaileysAdapter,
  twilio_sms: twilioSmsAdapter,
};

export function getAdapter(kind: ChannelKind): ChannelAdapter {
  const adapter = adapters[kind];
  if (!adapter) throw new Error(`No channel adapter is registered for "${kind}".`);
  return adapter;
}

/** The kinds a connection can be created for, in the order Settings offers them. */
export function availableKinds(): ChannelKind[] {
  return (["sandbox", "whatsapp_cloud", "whatsapp_baileys", "twilio_sms"] as const).filter((kind) => adapters[kind]);
}

/** Where the provider must send its webhooks for this connection (the provider's console needs it). */
export function webhookPath(kind: ChannelKind, connectionId: string): string | null {
  if (kind === "whatsapp_cloud") return `/webhooks/meta/${connectionId}`;
  if (kind === "twilio_sms") return `/webhooks/twilio/${connectionId}`;
  return null;
}
