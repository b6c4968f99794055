import { Redis } from "ioredis";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";

declare global {
  var __masteriaRedis: Redis | undefined;
}

/** The process's shared Redis client for commands, or undefined when REDIS_URL is not set. */
export function getRedis(): Redis | undefined {
  const url = getEnv().REDIS_URL;
  if (!url) return undefined;
  if (!globalThis.__masteriaRedis) {
    const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints every reconnect failure with console.error.
    redis.on("error", (error: Error) => logger.warn({ err: error }, "redis error"));
    globalThis.__masteriaRedis = redis;
  }
  return globalThis.__masteriaRedis;
}

export async function closeRedis(): Promise<void> {
  const redis = globalThis.__masteriaRedis;
  globalThis.__masteriaRedis = undefined;
  if (redis) await redis.quit();
}
