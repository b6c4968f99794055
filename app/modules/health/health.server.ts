import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { Redis } from "ioredis";

export const WORKER_HEARTBEAT_STALE_SECONDS = 60;

export type CheckResult = { ok: boolean; ms: number; detail?: string };
export type HealthReport = { ok: boolean; failing: string[]; checks: Record<string, CheckResult> };

async function timed(run: () => Promise<string | undefined>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Checks every part the product needs; the report names the parts that fail. */
export async function checkHealth(deps: { db: Database; redis?: Redis; realtimeUrl: string; timeoutMs?: number }): Promise<HealthReport> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const checks: Record<string, CheckResult> = {};
  const database = timed(async () => {
    await sql`SELECT 1`.execute(deps.db);
    return undefined;
  }, timeoutMs);
  const worker = timed(async () => {
    const row = await deps.db.selectFrom("process_heartbeats").select(sql<number>`extract(epoch from now() - beat_at)`.as("age")).where("process", "=", "worker").executeTakeFirst();
    if (!row) throw new Error("no worker heartbeat yet");
    const age = Math.round(Number(row.age));
    if (age > WORKER_HEARTBEAT_STALE_SECONDS) throw new Error(`last heartbeat ${age}s ago`);
    return `last heartbeat ${age}s ago`;
  }, timeoutMs);
  const realtime = timed(async () => {
    const response = await fetch(new URL("/health", deps.realtimeUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`realtime answered ${response.status}`);
    return undefined;
  }, timeoutMs);
  const redis = deps.redis
    ? timed(async () => {
        await deps.redis!.ping();
        return undefined;
      }, timeoutMs)
    : undefined;

  checks.database = await database;
  checks.worker = checks.database.ok ? await worker : { ok: false, ms: 0, detail: "database unavailable" };
  checks.realtime = await realtime;
  if (redis) checks.redis = await redis;
  const failing = Object.entries(checks).filter(([, result]) => !result.ok).map(([name]) => name);
  return { ok: failing.length === 0, failing, checks };
}

export async function recordHeartbeat(db: Database, processName: string) {
  await db
    .insertInto("process_heartbeats")
    .values({ process: processName, beat_at: new Date() })
    .onConflict((oc) => oc.column("process").doUpdateSet({ beat_at: new Date() }))
    .execute();
}
