import type { Database } from "#db/index.js";
import { receiveProviderWebhook, textResponse, webhookConnection } from "../provider-webhook.server";
import { whatsappCloudAdapter } from "../whatsapp-cloud.server";
import { verifyMetaHandshake } from "./signature.server";

/** GET: Meta's subscription handshake, answered with the raw challenge only for our verify token. */
export async function answerMetaHandshake(db: Database, connectionId: string, request: Request): Promise<Response> {
  const connection = await webhookConnection(db, connectionId, "whatsapp_cloud", { fresh: true });
  if (!connection) return textResponse(404, "Unknown connection");
  const challenge = verifyMetaHandshake(connection.secrets.verifyToken, new URL(request.url).searchParams);
  return challenge === null ? textResponse(403, "Verification failed") : textResponse(200, challenge);
}

/** POST: signed WhatsApp Cloud API events (X-Hub-Signature-256 over the raw body). */
export function receiveMetaWebhook(db: Database, connectionId: string, request: Request): Promise<Response> {
  return receiveProviderWebhook(db, connectionId, request, {
    kind: "whatsapp_cloud",
    provider: "meta",
    adapter: whatsappCloudAdapter,
    signatureHeader: "x-hub-signature-256",
    accepted: (events) => Response.json({ received: events.length }),
  });
}
