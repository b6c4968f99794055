import { z } from "zod";

/** `{ start: "21:00", end: "08:00" }` in the organization's time zone; start after end wraps midnight. */
export const quietHoursSchema = z.object({
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
});
export type QuietHours = z.infer<typeof quietHoursSchema>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Wall-clock minute of the day (and seconds into it) at `at` in `timeZone`. */
function localClock(at: Date, timeZone: string): { minute: number; second: number } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minute: part("hour") * 60 + part("minute"), second: part("second") };
}

/**
 * When the quiet period that `at` falls in ends, or null when sending is allowed now. A malformed
 * setting or equal start and end means no quiet hours at all (never "always quiet").
 */
export function quietUntil(at: Date, quietHours: unknown, timeZone: string): Date | null {
  const parsed = quietHoursSchema.safeParse(quietHours);
  if (!parsed.success) return null;
  const start = minutesOf(parsed.data.start);
  const end = minutesOf(parsed.data.end);
  if (start === end) return null;
  const { minute, second } = localClock(at, timeZone);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const minutesLeft = (end - minute + 1440) % 1440;
  // Whole minutes to the end, from the start of the current minute; DST jumps shift this by at most an hour.
  return new Date(at.getTime() - second * 1000 - (at.getTime() % 1000) + minutesLeft * 60_000);
}
