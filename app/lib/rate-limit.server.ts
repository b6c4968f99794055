import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { getRedis } from "~/lib/redis.server";

export interface RateLimitRule {
  /** Hits allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in the current window after this one. */
  remaining: number;
  /** 0 when allowed; otherwise seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
}

/** Counts hits per key in fixed windows that start at a key's first hit. */
export interface CounterStore {
  increment(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  delete(key: string): Promise<void>;
}

export function createRateLimiter(options: { redis?: Redis; prefix: string; store?: CounterStore }): RateLimiter {
  const store = options.store ?? (options.redis ? createRedisStore(options.redis) : processMemoryStore);
  const fullKey = (key: string) => `rl:${options.prefix}:${key}`;

  return {
    async hit(key, rule) {
      assertValidRule(rule);
      const { count, resetInMs } = await store.increment(fullKey(key), Math.ceil(rule.windowSeconds * 1000));
      const allowed = count <= rule.limit;
      return {
        allowed,
        remaining: Math.max(0, rule.limit - count),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(resetInMs / 1000)),
      };
    },
    reset: (key) => store.delete(fullKey(key)),
  };
}

function assertValidRule({ limit, windowSeconds }: RateLimitRule): void {
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`rate limit must be a non-negative integer, got ${limit}`);
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new TypeError(`rate limit window must be a positive number of seconds, got ${windowSeconds}`);
  }
}

// INCR and the first PEXPIRE must be atomic, or a crash between them leaves a key that never expires.
// The PTTL < 0 branch repairs a key that lost its expiry some other way.
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const INCREMENT_SHA = createHash("sha1").update(INCREMENT_SCRIPT).digest("hex");

/** Shared by every process using the same Redis, so the limit holds across web instances. */
export function createRedisStore(redis: Redis): CounterStore {
  return {
    async increment(key, windowMs) {
      let reply: unknown;
      try {
        reply = await redis.evalsha(INCREMENT_SHA, 1, key, windowMs);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        reply = await redis.eval(INCREMENT_SCRIPT, 1, key, windowMs);
      }
      const [count, resetInMs] = reply as [number, number];
      return { count, resetInMs };
    },
    async delete(key) {
      await redis.del(key);
    },
  };
}

const SWEEP_INTERVAL_MS = 60_000;

export interface MemoryCounterStore extends CounterStore {
  /** Windows currently held (expired ones are swept at most once a minute). */
  readonly size: number;
}

/**
 * Per-process only: each web process counts on its own, so N processes allow N× the limit.
 * Fine for development and single-process deployments; set REDIS_URL otherwise.
 */
export function createMemoryStore({ now = Date.now }: { now?: () => number } = {}): MemoryCounterStore {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = now();

  // Sweeping on use instead of on a timer keeps the store free of handles that would hold a process open.
  function sweepExpired(at: number) {
    if (at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    for (const [key, window] of windows) if (window.resetAt <= at) windows.delete(key);
  }

  return {
    async increment(key, windowMs) {
      const at = now();
      sweepExpired(at);
      let window = windows.get(key);
      if (!window || window.resetAt <= at) {
        window = { count: 0, resetAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, resetInMs: window.resetAt - at };
    },
    async delete(key) {
      windows.delete(key);
    },
    get size() {
      return windows.size;
    },
  };
}

/** Limiters without Redis share this, so two limiters with the same prefix share counts as they would on Redis. */
const processMemoryStore = createMemoryStore();

/** A limiter on the shared Redis client when REDIS_URL is set, else on this process's memory store. */
export function getRateLimiter(prefix: string): RateLimiter {
  return createRateLimiter({ redis: getRedis(), prefix });
}
