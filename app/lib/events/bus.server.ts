import { logger as defaultLogger } from "../logger.server";
import type { BusLogger, LiveEventHandler } from "./codec.server";
import { createPostgresEventBus } from "./postgres-bus.server";
import { createRedisEventBus } from "./redis-bus.server";
import type { LiveEvent } from "./types";

export { decodeLiveEvent, encodeLiveEvent, liveEventSchema, MAX_EVENT_PAYLOAD_BYTES } from "./codec.server";
export type { BusLogger, LiveEventHandler } from "./codec.server";

/** Fan-out of live events between processes. Delivery is best effort: browsers refetch on reconnect. */
export interface EventBus {
  /** Rejects when the event is invalid or larger than MAX_EVENT_PAYLOAD_BYTES. */
  publish(event: LiveEvent): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(handler: LiveEventHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const DEFAULT_EVENT_CHANNEL = "masteria_live_events";

export type EventBusOptions = {
  redisUrl?: string;
  databaseUrl: string;
  /** Lowercase identifier; tests use their own so parallel runs do not hear each other. */
  channel?: string;
  logger?: BusLogger;
};

export function createEventBus(options: EventBusOptions): EventBus {
  const channel = options.channel ?? DEFAULT_EVENT_CHANNEL;
  const logger = options.logger ?? defaultLogger;
  return options.redisUrl
    ? createRedisEventBus({ redisUrl: options.redisUrl, channel, logger })
    : createPostgresEventBus({ databaseUrl: options.databaseUrl, channel, logger });
}

