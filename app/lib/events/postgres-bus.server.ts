import pg from "pg";
import { createPool } from "#db/index.js";
import type { EventBus } from "./bus.server";
import { createDecodingDispatcher, encodeLiveEvent, type BusLogger } from "./codec.server";

type PostgresBusOptions = { databaseUrl: string; channel: string; logger: BusLogger };

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 10_000;

/**
 * Postgres LISTEN/NOTIFY. LISTEN needs one session for the bus's whole life, so it gets a dedicated
 * client (opened on the first subscribe) that reconnects with backoff; publishing goes through a pool.
 * Notifications sent while the listener is reconnecting are lost.
 */
export function createPostgresEventBus({ databaseUrl, channel, logger }: PostgresBusOptions): EventBus {
  // The channel is interpolated into LISTEN, so it must be a plain lowercase identifier.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid event channel name: ${channel}`);

  const dispatcher = createDecodingDispatcher(logger, "postgres");
  const pool = createPool(databaseUrl, 2);
  pool.on("error", (error) => logger.warn({ err: error }, "postgres event bus pool error"));
  let listener: pg.Client | undefined;
  let started: Promise<void> | undefined;
  let connecting: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let closed = false;

  function listen(): Promise<void> {
    connecting = openListener().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  async function openListener(): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on("notification", (message) => {
      if (message.channel === channel) dispatcher.dispatch(message.payload ?? "");
    });
    client.on("error", (error) => lost(client, error));
    client.on("end", () => lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      void client.end().catch(() => {});
      throw error;
    }
    if (closed) return client.end();
    listener = client;
    attempt = 0;
  }

  function lost(client: pg.Client, error?: Error) {
    if (client !== listener) return;
    listener = undefined;
    void client.end().catch(() => {});
    if (!closed) {
      logger.warn({ err: error }, "postgres event listener lost its connection; reconnecting");
      scheduleReconnect();
    }
  }

  function scheduleReconnect() {
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt++);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      listen().catch((error: unknown) => {
        logger.warn({ err: error, attempt }, "postgres event listener reconnect failed");
        if (!closed) scheduleReconnect();
      });
    }, delay);
  }

  return {
    async publish(event) {
      if (closed) throw new Error("event bus is closed");
      await pool.query("SELECT pg_notify($1, $2)", [channel, encodeLiveEvent(event)]);
    },

    async subscribe(handler) {
      if (closed) throw new Error("event bus is closed");
      // Only the first connection must succeed here; after that, drops are healed in the background.
      started ??= listen().catch((error: unknown) => {
        started = undefined;
        throw error;
      });
      dispatcher.handlers.add(handler);
      try {
        await started;
      } catch (error) {
        dispatcher.handlers.delete(handler);
        throw error;
      }
      return async () => {
        dispatcher.handlers.delete(handler);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      dispatcher.handlers.clear();
      await connecting?.catch(() => {});
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await pool.end();
    },
  };
}
