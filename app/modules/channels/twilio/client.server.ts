import { createHash } from "node:crypto";
import twilio from "twilio";
import { getEnv } from "~/lib/env.server";
import type { ConnectionContext, SendError } from "../types";
import { mapTwilioError } from "./errors";

export const TWILIO_API_HOST = "https://api.twilio.com";

export type TwilioSettings = { accountSid: string; authToken: string; from?: string; messagingServiceSid?: string; baseUrl: string };

export function twilioSettings(connection: ConnectionContext): TwilioSettings {
  const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  return {
    accountSid: text(connection.config.accountSid) ?? "",
    authToken: connection.secrets.authToken ?? "",
    from: text(connection.config.fromNumber),
    messagingServiceSid: text(connection.config.messagingServiceSid),
    baseUrl: (text(connection.config.baseUrl) ?? getEnv().TWILIO_BASE_URL ?? TWILIO_API_HOST).replace(/\/+$/, ""),
  };
}

/**
 * twilio-node has no base URL option, but every call goes through its RequestClient with an absolute
 * `https://<product>.twilio.com/...` URI: this one swaps the origin for the configured base URL
 * (a proxy, or the fake in tests) and keeps the path, auth, form encoding and error handling of the SDK.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(opts: Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0]) {
    if (this.baseUrl === TWILIO_API_HOST) return super.request<TData>(opts);
    const original = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    const uri = `${base.origin}${base.pathname.replace(/\/$/, "")}${original.pathname}${original.search}`;
    return super.request<TData>({ ...opts, uri });
  }
}

const clients = new Map<string, twilio.Twilio>();
const MAX_CACHED_CLIENTS = 200;

/** One SDK client (and so one keep-alive agent) per account and host, not one per message. */
export function twilioClient(settings: TwilioSettings, timeoutMs: number): twilio.Twilio {
  const key = [settings.baseUrl, settings.accountSid, createHash("sha256").update(settings.authToken).digest("hex"), timeoutMs].join("|");
  let client = clients.get(key);
  if (!client) {
    client = twilio(settings.accountSid, settings.authToken, {
      httpClient: new BaseUrlRequestClient(settings.baseUrl, { timeout: timeoutMs, keepAlive: true }),
      accountSid: settings.accountSid,
    });
    if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
  }
  return client;
}

/** RestException (Twilio answered with an error JSON) or an axios failure (no answer): both as a SendError. */
export function toSendError(error: unknown): SendError {
  if (error instanceof twilio.RestException) return mapTwilioError(error.status, error.code, error.message);
  const failure = error as { code?: string; message?: string };
  const timedOut = failure.code === "ECONNABORTED" || failure.code === "ETIMEDOUT";
  return { code: timedOut ? "timeout" : "network", message: failure.message ?? String(error), retryable: true };
}
