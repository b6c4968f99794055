import type { Database } from "#db/index.js";
import { receiveProviderWebhook } from "../provider-webhook.server";
import { twilioSmsAdapter } from "../twilio-sms.server";

/** An empty TwiML answer: we reply later, from the inbox, through the REST API. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Inbound SMS and status callbacks share this URL (we pass it as StatusCallback when sending). */
export function receiveTwilioWebhook(db: Database, connectionId: string, request: Request): Promise<Response> {
  return receiveProviderWebhook(db, connectionId, request, {
    kind: "twilio_sms",
    provider: "twilio",
    adapter: twilioSmsAdapter,
    signatureHeader: "x-twilio-signature",
    accepted: () => new Response(EMPTY_TWIML, { status: 200, headers: { "Content-Type": "text/xml; charset=utf-8" } }),
  });
}
