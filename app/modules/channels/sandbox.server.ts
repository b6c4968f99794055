import { randomUUID } from "node:crypto";
import { getDb } from "~/lib/db.server";
import { enqueueJobs } from "../inbox/jobs.server";
import { type ChannelAdapter, type ConnectionContext, DELIVERY_STATUSES, type DeliveryStatus, MalformedWebhookError, type SendOptions, type SendResult } from "./types";

/** How long the simulated phone takes to report delivery and reading, like a real provider's callbacks. */
export const SANDBOX_TICK_DELAYS_MS = { delivered: 1_000, read: 3_000 } as const;
export type SandboxTick = { connectionId: string; externalId: string; to: string; status: keyof typeof SANDBOX_TICK_DELAYS_MS; reference?: string };

/** Simulated customers who are "offline" (phone off): they get nothing until they come back. */
export function offlineCustomers(connection: Pick<ConnectionContext, "config">): string[] {
  const offline = connection.config.offline;
  return Array.isArray(offline) ? offline.filter((phone): phone is string => typeof phone === "string") : [];
}

async function accept(connection: ConnectionContext, to: string, options: SendOptions = {}): Promise<SendResult> {
  const externalId = `sbx_${randomUUID()}`;
  const now = Date.now();
  await enqueueJobs(
    getDb(),
    (Object.keys(SANDBOX_TICK_DELAYS_MS) as SandboxTick["status"][]).map((status) => ({
      identifier: "sandbox.tick",
      payload: { connectionId: connection.id, externalId, to, status, ...(options.reference ? { reference: options.reference } : {}) } satisfies SandboxTick,
      runAt: new Date(now + SANDBOX_TICK_DELAYS_MS[status]),
      maxAttempts: 3,
    })),
  );
  return { ok: true, externalId, status: "sent" };
}

/** The built-in channel: no outside account, sends succeed at once and ticks arrive through the normal webhook pipeline. */
export const sandboxAdapter: ChannelAdapter = {
  kind: "sandbox",
  configFields: [],
  validateConfig: () => ({ ok: true, config: {}, secrets: {} }),
  testConnection: async () => ({ ok: true, detail: "Sandbox" }),
  sendText: (connection, to, _text, options) => accept(connection, to, options),
  sendMedia: (connection, to, _media, options) => accept(connection, to, options),
  sendTemplate: (connection, to, _template, options) => accept(connection, to, options),
  // Nothing outside posts to the Sandbox: the simulator records its events directly.
  verifySignature: () => false,
  parseInbound: () => {
    throw new MalformedWebhookError("The Sandbox has no webhook; use the simulator.");
  },
  mapStatus: (status) => ((DELIVERY_STATUSES as readonly string[]).includes(status) ? (status as DeliveryStatus) : null),
};
