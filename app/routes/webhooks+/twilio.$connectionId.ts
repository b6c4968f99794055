import type { ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { receiveTwilioWebhook } from "~/modules/channels/twilio/webhook.server";

export function loader() {
  return new Response("Twilio posts here", { status: 405, headers: { Allow: "POST" } });
}

/** Signed Twilio inbound SMS and status callbacks: verify → store → enqueue → empty TwiML. */
export function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
  return receiveTwilioWebhook(getDb(), params.connectionId ?? "", request);
}
