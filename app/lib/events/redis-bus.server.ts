import { Redis } from "ioredis";
import type { EventBus } from "./bus.server";
import { createDecodingDispatcher, encodeLiveEvent, type BusLogger } from "./codec.server";

type RedisBusOptions = { redisUrl: string; channel: string; logger: BusLogger };

/** Redis pub/sub. A subscribed connection cannot run other commands, so subscribing opens a second one. */
export function createRedisEventBus({ redisUrl, channel, logger }: RedisBusOptions): EventBus {
  const dispatcher = createDecodingDispatcher(logger, "redis");
  const publisher = connect(new Redis(redisUrl, { maxRetriesPerRequest: 3 }), "publisher");
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;
  let closed = false;

  // Without an 'error' listener ioredis prints to console.error; reconnection itself is automatic
  // (and re-subscribes), so a warning is all that is needed.
  function connect(client: Redis, role: string): Redis {
    client.on("error", (error: Error) => logger.warn({ err: error, role }, "redis event bus connection error"));
    return client;
  }

  function startSubscriber(): Promise<unknown> {
    subscriber = connect(publisher.duplicate(), "subscriber");
    subscriber.on("message", (from: string, message: string) => {
      if (from === channel) dispatcher.dispatch(message);
    });
    return subscriber.subscribe(channel);
  }

  return {
    async publish(event) {
      if (closed) throw new Error("event bus is closed");
      await publisher.publish(channel, encodeLiveEvent(event));
    },

    async subscribe(handler) {
      if (closed) throw new Error("event bus is closed");
      subscribed ??= startSubscriber().catch((error: unknown) => {
        subscriber?.disconnect();
        subscriber = undefined;
        subscribed = undefined;
        throw error;
      });
      dispatcher.handlers.add(handler);
      try {
        await subscribed;
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
      dispatcher.handlers.clear();
      await Promise.all([publisher, subscriber].map((client) => client && shutDown(client)));
    },
  };
}

async function shutDown(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") return client.disconnect();
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
