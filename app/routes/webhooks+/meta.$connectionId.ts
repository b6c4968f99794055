import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { answerMetaHandshake, receiveMetaWebhook } from "~/modules/channels/meta/webhook.server";

/** Meta's subscription handshake (GET) for the WhatsApp Cloud API connection named in the URL. */
export function loader({ request, params }: LoaderFunctionArgs) {
  return answerMetaHandshake(getDb(), params.connectionId ?? "", request);
}

/** Signed WhatsApp Cloud API events: verify → store → enqueue → 200. */
export function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405, headers: { Allow: "GET, POST" } });
  return receiveMetaWebhook(getDb(), params.connectionId ?? "", request);
}
