import express, { type Express, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import type { Database } from "#db/index.js";
import { receiveMetaWebhook } from "./meta/webhook.server";
import { receiveTwilioWebhook } from "./twilio/webhook.server";

type Receive = (db: Database, connectionId: string, request: Request) => Promise<Response>;

/**
 * The provider webhook POSTs served by Express directly, ahead of Remix: Remix matches every route
 * of the app twice per request, about a third of a webhook's CPU (see docs/decisions/010). Same
 * receivers as the Remix routes in app/routes/webhooks+/, which keep serving Meta's GET handshake
 * and act as the fallback when this is not mounted. Mount it after the body-size and origin checks.
 */
export function mountProviderWebhooks(app: Express, getDb: () => Database) {
  const rawBody = express.raw({ type: () => true, limit: "2mb" });
  const serve = (receive: Receive) => (req: ExpressRequest, res: ExpressResponse, next: (error?: unknown) => void) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = new Request(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`, { method: "POST", headers, body: new Uint8Array(body) });
    receive(getDb(), String(req.params.connectionId), request)
      .then(async (response) => {
        res.status(response.status);
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(next);
  };
  app.post("/webhooks/meta/:connectionId", rawBody, serve(receiveMetaWebhook));
  app.post("/webhooks/twilio/:connectionId", rawBody, serve(receiveTwilioWebhook));
}
