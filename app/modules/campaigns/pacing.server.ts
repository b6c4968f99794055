import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { getRedis } from "~/lib/redis.server";
import type { ChannelKind } from "../channels/types";
import { asPacing } from "./campaign-types";
import { PACING_LIMITS } from "./pacing";

/**
 * Per-connection send pacing shared by every worker process. Each send reserves a slot with the
 * generic cell rate algorithm: the store keeps the theoretical time of the next send per key, a
 * reservation moves it one interval on and answers how long to wait. Reserving rather than polling
 * keeps the rate exact under contention: two workers never both get "now".
 */

export type Pacing =
  | { mode: "rate"; ratePerSecond: number; burst: number }
  /** WhatsApp by QR: a random pause between messages, a daily cap and a "typing…" presence. */
  | { mode: "human"; minDelayMs: number; maxDelayMs: number; dailyCap: number; typingMs: number }
  | { mode: "off" };

const MIN_HUMAN_DELAY_SECONDS = 3;
const positive = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined);

/**
 * The campaign's pacing overrides within what the channel allows (PACING_LIMITS, shared with the
 * builder). `connection` holds the connection's own settings (rate_per_second, daily_cap).
 * `off` exists for benches and tests only: it is never read from a campaign.
 */
export function resolvePacing(
  kind: ChannelKind,
  overrides: unknown,
  connection: { ratePerSecond?: number | null; dailyCap?: number | null } = {},
  options: { off?: boolean } = {},
): Pacing {
  if (options.off) return { mode: "off" };
  const o = asPacing(overrides);
  const limits = PACING_LIMITS[kind];
  if (limits.style === "delay") {
    const min = Math.min(limits.maxDelayLimit, Math.max(MIN_HUMAN_DELAY_SECONDS, positive(o.minDelaySeconds) ?? limits.minDelay));
    const max = Math.min(limits.maxDelayLimit, Math.max(min, positive(o.maxDelaySeconds) ?? Math.max(min, limits.maxDelay)));
    const cap = Math.min(limits.maxDailyCap, Math.floor(positive(o.dailyCap) ?? positive(connection.dailyCap) ?? limits.dailyCap));
    // Typing for a few seconds (inside the pause, not on top of it) reads like a person.
    const typingMs = Math.min(5_000, Math.round(min * 1000 * 0.4));
    return { mode: "human", minDelayMs: min * 1000, maxDelayMs: max * 1000, dailyCap: cap, typingMs };
  }
  const rate = Math.min(limits.max, positive(o.ratePerSecond) ?? positive(connection.ratePerSecond) ?? limits.default);
  return { mode: "rate", ratePerSecond: rate, burst: 1 };
}

/** How many sends of this pacing fit in `seconds`: claim batches and the in-flight pool follow it. */
export function sendsPerWindow(pacing: Pacing, seconds: number, ceiling: number): number {
  if (pacing.mode === "off") return ceiling;
  if (pacing.mode === "human") return 1;
  return Math.max(1, Math.min(ceiling, Math.ceil(pacing.ratePerSecond * seconds)));
}

export function nextIntervalMs(pacing: Pacing, random = Math.random): number {
  if (pacing.mode === "rate") return 1000 / pacing.ratePerSecond;
  if (pacing.mode === "human") return pacing.minDelayMs + random() * (pacing.maxDelayMs - pacing.minDelayMs);
  return 0;
}

export interface SlotStore {
  /** Reserves the next slot on `key`, `intervalMs` after the previous one; answers the milliseconds to wait. */
  reserve(key: string, intervalMs: number, burst: number): Promise<number>;
}

// Times come from Redis itself (TIME) so every worker shares one clock.
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = now - (burst - 1) * interval
if tat < floor then tat = floor end
local slot = tat
if slot < now then slot = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], tostring(nextTat), 'PX', math.ceil(nextTat - now + 60000))
return slot - now
`;
const RESERVE_SHA = createHash("sha1").update(RESERVE_SCRIPT).digest("hex");

export function redisSlotStore(redis: Redis): SlotStore {
  return {
    async reserve(key, intervalMs, burst) {
      const args = [1, `pace:${key}`, String(intervalMs), String(burst)] as const;
      let reply: unknown;
      try {
        reply = await redis.evalsha(RESERVE_SHA, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        reply = await redis.eval(RESERVE_SCRIPT, ...args);
      }
      return Math.max(0, Number(reply));
    },
  };
}

/** Without Redis: one row per key, updated atomically; clock_timestamp() is the shared clock. */
export function postgresSlotStore(db: Database): SlotStore {
  return {
    async reserve(key, intervalMs, burst) {
      const interval = sql`make_interval(secs => ${intervalMs / 1000})`;
      const floor = sql`clock_timestamp() - make_interval(secs => ${((burst - 1) * intervalMs) / 1000})`;
      const row = await sql<{ wait_ms: number }>`
        INSERT INTO send_pacing_slots AS s (key, next_at) VALUES (${key}, ${floor} + ${interval})
        ON CONFLICT (key) DO UPDATE SET next_at = greatest(s.next_at, ${floor}) + ${interval}
        RETURNING greatest(0, extract(epoch FROM (s.next_at - ${interval} - clock_timestamp())) * 1000)::float8 AS wait_ms`.execute(db);
      return Math.max(0, Number(row.rows[0]?.wait_ms ?? 0));
    },
  };
}

export function slotStore(db: Database): SlotStore {
  const redis = getRedis();
  return redis ? redisSlotStore(redis) : postgresSlotStore(db);
}

/** Waits for this connection's next slot; resolves at once when pacing is off. */
export async function waitForSlot(store: SlotStore, connectionId: string, pacing: Pacing): Promise<void> {
  if (pacing.mode === "off") return;
  const burst = pacing.mode === "rate" ? pacing.burst : 1;
  const waitMs = await store.reserve(`connection:${connectionId}`, nextIntervalMs(pacing), burst);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}
