import { getEnv } from "../env.server";
import { logger } from "../logger.server";
import { createEventBus, type EventBus } from "./bus.server";
import type { LiveEvent } from "./types";

declare global {
  var __masteriaEventBus: EventBus | undefined;
}

/** The process-wide bus for publishing, created on first use and kept across dev rebuilds. */
export function getEventBus(): EventBus {
  const env = getEnv();
  globalThis.__masteriaEventBus ??= createEventBus({ redisUrl: env.REDIS_URL, databaseUrl: env.DATABASE_URL });
  return globalThis.__masteriaEventBus;
}

/**
 * Publishes after the change is committed. Live events only prompt browsers to refetch, so a failure
 * is logged and swallowed: it must never fail the request that made the change.
 */
export async function publishLiveEvent(event: Omit<LiveEvent, "at"> & { at?: string }): Promise<void> {
  try {
    await getEventBus().publish({ ...event, at: event.at ?? new Date().toISOString() });
  } catch (error) {
    logger.warn({ err: error, type: event.type }, "live event not published");
  }
}
