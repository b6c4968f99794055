import { z } from "zod";

// Shared by server and browser: when a "wait until business hours" step lets the cadence go on.

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "cadences.hours.invalidTime");

export const businessHoursSchema = z
  .object({
    /** Days of the week, 0 = Sunday … 6 = Saturday. */
    days: z.array(z.number().int().min(0).max(6)).min(1, "cadences.hours.noDays").max(7),
    start: clock,
    end: clock,
  })
  .refine((hours) => hours.start < hours.end, { path: ["end"], message: "cadences.hours.endBeforeStart" });

export type BusinessHours = z.infer<typeof businessHoursSchema>;

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" };

export function parseBusinessHours(value: unknown): BusinessHours {
  return businessHoursSchema.safeParse(value).data ?? DEFAULT_BUSINESS_HOURS;
}

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localParts(instant: Date, timeZone: string): LocalParts & { second: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  const [year, month, day] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  return { year, month, day, hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second), weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant when the wall clock of `timeZone` shows the given local date and time. */
export function zonedTime(date: { year: number; month: number; day: number }, time: string, timeZone: string): Date {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Two passes settle the offset across a daylight-saving change.
  let instant = new Date(wall - offsetAt(new Date(wall), timeZone));
  instant = new Date(wall - offsetAt(instant, timeZone));
  return instant;
}

/**
 * `now` when it falls inside business hours, otherwise the next opening, in the organization's zone.
 * With no valid day at all it falls back to `now` rather than waiting forever.
 */
export function nextBusinessTime(now: Date, hours: BusinessHours, timeZone: string): Date {
  const today = localParts(now, timeZone);
  for (let offset = 0; offset < 8; offset += 1) {
    const calendar = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const date = { year: calendar.getUTCFullYear(), month: calendar.getUTCMonth() + 1, day: calendar.getUTCDate() };
    if (!hours.days.includes(calendar.getUTCDay())) continue;
    const opening = zonedTime(date, hours.start, timeZone);
    const closing = zonedTime(date, hours.end, timeZone);
    if (now < opening) return opening;
    if (now < closing) return now;
  }
  return now;
}
