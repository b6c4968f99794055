import type { Database } from "#db/index.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { logger } from "~/lib/logger.server";
import { recordWebhookEvents } from "../inbox/webhook-events.server";
import { loadConnectionForWebhook } from "./connections.server";
import { type ChannelAdapter, type ChannelKind, type ConnectionContext, type InboundEvent, MalformedWebhookError } from "./types";

// Shared by the Meta and Twilio webhook receivers.

export const textResponse = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

const CACHE_MS = 5_000;
const CACHE_MAX = 1_000;
const cache = new Map<string, { connection: ConnectionContext | null; expires: number }>();

/**
 * The connection a webhook URL names, decrypted, cached for a few seconds: providers send bursts to
 * one URL, and this saves a query and a decryption per request. `fresh` bypasses the cache (after a
 * signature mismatch, so a rotated secret takes effect at once).
 */
export async function webhookConnection(db: Database, connectionId: string, kind: ChannelKind, options: { fresh?: boolean } = {}): Promise<ConnectionContext | null> {
  const now = Date.now();
  const cached = cache.get(connectionId);
  let connection: ConnectionContext | null;
  if (cached && cached.expires > now && !options.fresh) connection = cached.connection;
  else {
    connection = await loadConnectionForWebhook(db, connectionId);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(connectionId, { connection, expires: now + CACHE_MS });
  }
  return connection?.kind === kind ? connection : null;
}

export function forgetWebhookConnection(connectionId: string) {
  cache.delete(connectionId);
}

const knownConnected = new Set<string>();

/**
 * A correctly signed webhook proves the provider reaches us with the right secret: a connection still
 * "pending" (never tested) becomes "connected". Checked once per connection per process.
 */
export async function markConnectedByWebhook(db: Database, connection: ConnectionContext): Promise<void> {
  if (knownConnected.has(connection.id)) return;
  const updated = await db
    .updateTable("channel_connections")
    .set({ status: "connected", updated_at: new Date() })
    .where("id", "=", connection.id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  knownConnected.add(connection.id);
  if (Number(updated.numUpdatedRows) > 0) await publishLiveEvent({ orgId: connection.orgId, type: LiveEventTypes.channelStatusChanged, ids: { connectionId: connection.id } });
}

type Pending = { connection: ConnectionContext; provider: string; events: InboundEvent[]; resolve: () => void; reject: (error: unknown) => void };

const MAX_BATCH_EVENTS = 500;
const MAX_CONCURRENT_FLUSHES = 4;

/**
 * Group commit for webhook storage. Every stored event queues a graphile-worker job, and the NOTIFY
 * that comes with it makes Postgres serialize those commits behind one lock held through the WAL
 * flush, so one transaction per webhook tops out at one webhook per fsync (~250/s on a plain disk).
 * Requests that arrive while earlier ones are committing are stored together in the next transaction:
 * no added wait when traffic is light, hundreds per commit under load, and each request still gets
 * its 200 only after its events are durably stored and queued. See docs/decisions/010-webhook-group-commit.md.
 */
export function createWebhookRecorder(db: Database, record: typeof recordWebhookEvents = recordWebhookEvents) {
  const queue: Pending[] = [];
  let flushing = 0;

  function schedule() {
    while (flushing < MAX_CONCURRENT_FLUSHES && queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.events.length <= MAX_BATCH_EVENTS)) {
        const next = queue.shift()!;
        batch.push(next);
        size += next.events.length;
      }
      flushing += 1;
      void flush(batch).finally(() => {
        flushing -= 1;
        schedule();
      });
    }
  }

  async function flush(batch: Pending[]) {
    const groups = new Map<string, { connection: ConnectionContext; provider: string; events: Map<string, InboundEvent> }>();
    for (const item of batch) {
      const key = `${item.connection.id}\u0000${item.provider}`;
      const group = groups.get(key) ?? { connection: item.connection, provider: item.provider, events: new Map() };
      for (const event of item.events) if (!group.events.has(event.dedupeKey)) group.events.set(event.dedupeKey, event);
      groups.set(key, group);
    }
    try {
      await db.transaction().execute(async (trx) => {
        for (const group of groups.values()) await record(trx, group.connection, group.provider, [...group.events.values()]);
      });
      for (const item of batch) item.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad request (its connection deleted meanwhile…) must not fail the others: store each alone.
      await Promise.all(batch.map((item) => record(db, item.connection, item.provider, item.events).then(item.resolve, item.reject)));
    }
  }

  return {
    /** Resolves once the events are committed with their processing jobs (replays are absorbed by the dedupe key). */
    store(connection: ConnectionContext, provider: string, events: InboundEvent[]): Promise<void> {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ connection, provider, events, resolve, reject });
        schedule();
      });
    },
  };
}

const recorders = new WeakMap<Database, ReturnType<typeof createWebhookRecorder>>();

/** The process-wide recorder for this database. */
export function storeWebhookEvents(db: Database, connection: ConnectionContext, provider: string, events: InboundEvent[]): Promise<void> {
  let recorder = recorders.get(db);
  if (!recorder) {
    recorder = createWebhookRecorder(db);
    recorders.set(db, recorder);
  }
  return recorder.store(connection, provider, events);
}

type Receiver = {
  kind: ChannelKind;
  provider: string;
  adapter: Pick<ChannelAdapter, "verifySignature" | "parseInbound">;
  signatureHeader: string;
  /** The 200 the provider expects once the events are stored. */
  accepted: (events: InboundEvent[]) => Response;
};

/**
 * verify → store → 200, for any provider: the signature over the raw body first (401, nothing
 * stored), then the shape (400), then every event stored with its job before the answer. Replays are
 * absorbed by the dedupe key. Unknown connections get 404; bad input never reaches a 500.
 */
export async function receiveProviderWebhook(db: Database, connectionId: string, request: Request, receiver: Receiver): Promise<Response> {
  let connection = await webhookConnection(db, connectionId, receiver.kind);
  if (!connection) return textResponse(404, "Unknown connection");
  const webhook = { url: request.url, method: request.method, headers: request.headers, rawBody: await request.text() };
  if (!receiver.adapter.verifySignature(connection, webhook)) {
    connection = await webhookConnection(db, connectionId, receiver.kind, { fresh: true });
    if (!connection || !receiver.adapter.verifySignature(connection, webhook)) {
      logger.warn({ connectionId, provider: receiver.provider, hasSignature: request.headers.has(receiver.signatureHeader) }, "webhook refused: bad signature");
      return textResponse(connection ? 401 : 404, connection ? "Invalid signature" : "Unknown connection");
    }
  }
  let events: InboundEvent[];
  try {
    events = receiver.adapter.parseInbound(connection, webhook);
  } catch (error) {
    if (error instanceof MalformedWebhookError) return textResponse(400, error.message.slice(0, 500));
    throw error;
  }
  try {
    await storeWebhookEvents(db, connection, receiver.provider, events);
  } catch (error) {
    // Deleted while its webhook was in flight: the provider should stop, not retry a 500.
    forgetWebhookConnection(connectionId);
    if (!(await webhookConnection(db, connectionId, receiver.kind))) return textResponse(404, "Unknown connection");
    throw error;
  }
  await markConnectedByWebhook(db, connection);
  return receiver.accepted(events);
}
