import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemoryStore,
  createRateLimiter,
  createRedisStore,
  getRateLimiter,
  type RateLimiter,
} from "./rate-limit.server";
import { closeRedis } from "./redis.server";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const runId = randomUUID();
const oneSecond = { limit: 3, windowSeconds: 1 };

interface StoreUnderTest {
  /** Two limiters on the same backing store (same Redis, or the same process memory). */
  makeLimiter(prefix: string): RateLimiter;
}

const stores: Array<[string, () => StoreUnderTest]> = [
  ["memory", () => memoryStoreUnderTest()],
  ["redis", () => redisStoreUnderTest()],
];

const redisClients: Redis[] = [];
function connectRedis(): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  redisClients.push(redis);
  return redis;
}
afterAll(async () => {
  await Promise.all(redisClients.map((redis) => redis.quit()));
});

function memoryStoreUnderTest(): StoreUnderTest {
  const store = createMemoryStore();
  return { makeLimiter: (prefix) => createRateLimiter({ prefix, store }) };
}

function redisStoreUnderTest(): StoreUnderTest {
  return { makeLimiter: (prefix) => createRateLimiter({ redis: connectRedis(), prefix }) };
}

async function hitTimes(limiter: RateLimiter, key: string, times: number, rule = oneSecond) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await limiter.hit(key, rule));
  return results;
}

describe.each(stores)("rate limiter on the %s store", (_name, setup) => {
  let store: StoreUnderTest;
  beforeAll(() => {
    store = setup();
  });
  let testCount = 0;
  const nextPrefix = () => `test:${runId}:${++testCount}`;

  it("allows `limit` hits, then refuses with a retry-after inside the window", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    const rule = { limit: 3, windowSeconds: 60 };
    const results = await hitTimes(limiter, "ip:203.0.113.7", 4, rule);
    expect(results.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2, retryAfterSeconds: 0 },
      { allowed: true, remaining: 1, retryAfterSeconds: 0 },
      { allowed: true, remaining: 0, retryAfterSeconds: 0 },
    ]);
    expect(results[3].allowed).toBe(false);
    expect(results[3].remaining).toBe(0);
    expect(results[3].retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(results[3].retryAfterSeconds).toBeLessThanOrEqual(60);
    // Refused hits do not push the window further out.
    const later = await limiter.hit("ip:203.0.113.7", rule);
    expect(later.allowed).toBe(false);
    expect(later.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("allows again once the window has passed", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    const results = await hitTimes(limiter, "email:ana@example.com", 4);
    expect(results.map((result) => result.allowed)).toEqual([true, true, true, false]);
    expect(results[3].retryAfterSeconds).toBe(1);
    await sleep(1_100);
    expect(await limiter.hit("email:ana@example.com", oneSecond)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
  });

  it("keeps keys independent", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    await hitTimes(limiter, "email:ana@example.com", 4);
    expect((await limiter.hit("email:ana@example.com", oneSecond)).allowed).toBe(false);
    expect(await limiter.hit("email:bob@example.com", oneSecond)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
  });

  it("keeps prefixes independent", async () => {
    const sharedPrefix = nextPrefix();
    const byIp = store.makeLimiter(`${sharedPrefix}:ip`);
    const byEmail = store.makeLimiter(`${sharedPrefix}:email`);
    await hitTimes(byIp, "same-key", 4);
    expect((await byEmail.hit("same-key", oneSecond)).allowed).toBe(true);
  });

  it("starts over after reset", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    await hitTimes(limiter, "email:ana@example.com", 4, { limit: 3, windowSeconds: 60 });
    await limiter.reset("email:ana@example.com");
    expect(await limiter.hit("email:ana@example.com", { limit: 3, windowSeconds: 60 })).toEqual({
      allowed: true,
      remaining: 2,
      retryAfterSeconds: 0,
    });
    await limiter.reset("never-hit"); // resetting an unknown key is a no-op
  });

  it("shares the count between two limiter instances", async () => {
    const sharedPrefix = nextPrefix();
    const first = store.makeLimiter(sharedPrefix);
    const second = store.makeLimiter(sharedPrefix);
    const rule = { limit: 3, windowSeconds: 60 };
    await first.hit("ip:198.51.100.1", rule);
    await second.hit("ip:198.51.100.1", rule);
    expect(await first.hit("ip:198.51.100.1", rule)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await second.hit("ip:198.51.100.1", rule)).allowed).toBe(false);
    await second.reset("ip:198.51.100.1");
    expect((await first.hit("ip:198.51.100.1", rule)).allowed).toBe(true);
  });

  it("counts concurrent hits exactly", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit("burst", { limit: 5, windowSeconds: 60 })));
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
  });

  it("rejects nonsense rules", async () => {
    const limiter = store.makeLimiter(nextPrefix());
    await expect(limiter.hit("k", { limit: -1, windowSeconds: 1 })).rejects.toThrow(TypeError);
    await expect(limiter.hit("k", { limit: 1.5, windowSeconds: 1 })).rejects.toThrow(TypeError);
    await expect(limiter.hit("k", { limit: 1, windowSeconds: 0 })).rejects.toThrow(TypeError);
    await expect(limiter.hit("k", { limit: 1, windowSeconds: Number.NaN })).rejects.toThrow(TypeError);
  });
});

describe("memory store with an injected clock", () => {
  it("opens a new window exactly when the old one ends", async () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ prefix: "clock", store: createMemoryStore({ now: () => now }) });
    const rule = { limit: 2, windowSeconds: 10 };
    await hitTimes(limiter, "k", 2, rule);
    now += 2_500;
    expect(await limiter.hit("k", rule)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 8 });
    now += 7_499;
    expect(await limiter.hit("k", rule)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    now += 1;
    expect(await limiter.hit("k", rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it("sweeps expired windows so memory does not grow without bound", async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    const limiter = createRateLimiter({ prefix: "sweep", store });
    for (let i = 0; i < 100; i++) await limiter.hit(`ip:${i}`, { limit: 1, windowSeconds: 1 });
    await limiter.hit("long-lived", { limit: 1, windowSeconds: 600 });
    expect(store.size).toBe(101);
    now += 61_000;
    await limiter.hit("fresh", { limit: 1, windowSeconds: 1 });
    expect(store.size).toBe(2); // "long-lived" is still in its window; "fresh" just started
  });
});

describe("redis store", () => {
  it("sets an expiry on every key so nothing is left behind", async () => {
    const redis = connectRedis();
    const prefix = `test:${runId}:ttl`;
    await createRateLimiter({ redis, prefix }).hit("k", { limit: 1, windowSeconds: 30 });
    const ttl = await redis.pttl(`rl:${prefix}:k`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it("loads its script when Redis does not have it cached (NOSCRIPT)", async () => {
    const redis = connectRedis();
    // Stand in for a Redis that has forgotten the script, without SCRIPT FLUSH on a server other tests share.
    const forgetful = new Proxy(redis, {
      get(target, property, receiver) {
        if (property === "evalsha") return async () => Promise.reject(new Error("NOSCRIPT No matching script."));
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const limiter = createRateLimiter({ store: createRedisStore(forgetful), prefix: `test:${runId}:noscript` });
    await limiter.hit("k", { limit: 5, windowSeconds: 30 });
    expect(await limiter.hit("k", { limit: 5, windowSeconds: 30 })).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("passes other Redis errors on to the caller", async () => {
    const redis = connectRedis();
    const broken = new Proxy(redis, {
      get(target, property, receiver) {
        if (property === "evalsha") return async () => Promise.reject(new Error("READONLY You can't write against a read only replica."));
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const limiter = createRateLimiter({ store: createRedisStore(broken), prefix: `test:${runId}:readonly` });
    await expect(limiter.hit("k", { limit: 5, windowSeconds: 30 })).rejects.toThrow(/READONLY/);
  });
});

describe("getRateLimiter", () => {
  afterAll(() => closeRedis());

  // The test env leaves REDIS_URL unset (memory store); run with REDIS_URL set, this covers the shared client.
  it("gives limiters with the same prefix one shared count", async () => {
    const prefix = `test:${runId}:env`;
    const rule = { limit: 1, windowSeconds: 60 };
    expect((await getRateLimiter(prefix).hit("k", rule)).allowed).toBe(true);
    expect((await getRateLimiter(prefix).hit("k", rule)).allowed).toBe(false);
  });
});
