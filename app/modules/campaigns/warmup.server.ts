import { sql } from "kysely";
import type { Database } from "#db/index.js";

/**
 * A number paired by QR starts small and grows: WhatsApp bans new numbers that suddenly send
 * hundreds of messages. Day 1 allows WARMUP_FIRST_DAY_CAP, each later day 1.5× the one before,
 * never above the connection's daily cap.
 */
export const WARMUP_FIRST_DAY_CAP = 20;
export const WARMUP_GROWTH = 1.5;

/** `day` counts from 1 (the day the warm-up started). */
export function warmupCap(day: number, dailyCap: number): number {
  const grown = Math.floor(WARMUP_FIRST_DAY_CAP * WARMUP_GROWTH ** Math.max(0, day - 1));
  return Math.max(1, Math.min(dailyCap, grown));
}

export type DailyAllowance = { ok: true; sentToday: number; capToday: number } | { ok: false; capToday: number; resumeAt: Date };

/**
 * Counts one send against today's cap of the number (days in the organization's time zone), starting
 * the warm-up on the first campaign send. Answers when the next day begins if today's cap is used up.
 */
export async function takeDailyAllowance(db: Database, input: { connectionId: string; dailyCap: number; timeZone: string }): Promise<DailyAllowance> {
  const today = sql<string>`(now() AT TIME ZONE ${input.timeZone})::date`;
  const started = await db
    .updateTable("channel_connections")
    .set({ warmup_started_on: sql`coalesce(warmup_started_on, ${today})` })
    .where("id", "=", input.connectionId)
    .returning(sql<number>`(${today} - coalesce(warmup_started_on, ${today}))::int + 1`.as("day"))
    .executeTakeFirst();
  const capToday = warmupCap(started?.day ?? 1, input.dailyCap);
  const row = await sql<{ sent: number }>`
    INSERT INTO connection_send_days AS d (connection_id, day, sent) VALUES (${input.connectionId}, ${today}, 1)
    ON CONFLICT (connection_id, day) DO UPDATE SET sent = d.sent + 1 WHERE d.sent < ${capToday}
    RETURNING sent`.execute(db);
  const sent = row.rows[0]?.sent;
  if (sent !== undefined && sent <= capToday) return { ok: true, sentToday: sent, capToday };
  const next = await sql<{ at: Date }>`SELECT ((${today} + 1)::timestamp AT TIME ZONE ${input.timeZone}) AS at`.execute(db);
  return { ok: false, capToday, resumeAt: next.rows[0]!.at };
}

/** Gives back a slot taken for a send that never happened (skipped at the last moment). */
export async function returnDailyAllowance(db: Database, input: { connectionId: string; timeZone: string }): Promise<void> {
  await sql`UPDATE connection_send_days SET sent = greatest(0, sent - 1)
    WHERE connection_id = ${input.connectionId} AND day = (now() AT TIME ZONE ${input.timeZone})::date`.execute(db);
}
