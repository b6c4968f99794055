import { describe, expect, it } from "vitest";
import { nextBusinessTime, zonedTime } from "./business-hours";

const weekdays = { days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" };
const SAO_PAULO = "America/Sao_Paulo"; // UTC−3, no daylight saving since 2019

describe("nextBusinessTime", () => {
  it("keeps a moment inside business hours", () => {
    const now = new Date("2026-11-25T15:00:00Z"); // Wednesday 12:00 in São Paulo
    expect(nextBusinessTime(now, weekdays, SAO_PAULO)).toEqual(now);
  });

  it("waits for the same day's opening before hours and the next day's after them, in the organization's zone", () => {
    expect(nextBusinessTime(new Date("2026-11-25T10:00:00Z"), weekdays, SAO_PAULO)).toEqual(new Date("2026-11-25T12:00:00Z"));
    // 21:30 UTC is 18:30 in São Paulo: closed there.
    expect(nextBusinessTime(new Date("2026-11-25T21:30:00Z"), weekdays, SAO_PAULO)).toEqual(new Date("2026-11-26T12:00:00Z"));
    // 02:00 UTC Thursday is still Wednesday 23:00 in São Paulo: the next opening is Thursday 09:00 local.
    expect(nextBusinessTime(new Date("2026-11-26T02:00:00Z"), weekdays, SAO_PAULO)).toEqual(new Date("2026-11-26T12:00:00Z"));
  });

  it("skips the weekend", () => {
    const fridayEvening = new Date("2026-11-27T22:00:00Z"); // Friday 19:00 local
    expect(nextBusinessTime(fridayEvening, weekdays, SAO_PAULO)).toEqual(new Date("2026-11-30T12:00:00Z")); // Monday 09:00
    const saturday = new Date("2026-11-28T15:00:00Z");
    expect(nextBusinessTime(saturday, { ...weekdays, days: [6] }, SAO_PAULO)).toEqual(saturday);
  });

  it("follows daylight saving in zones that have it", () => {
    // New York: EST (UTC−5) until 8 March 2026, EDT (UTC−4) after.
    expect(zonedTime({ year: 2026, month: 3, day: 6 }, "09:00", "America/New_York")).toEqual(new Date("2026-03-06T14:00:00Z"));
    expect(zonedTime({ year: 2026, month: 3, day: 9 }, "09:00", "America/New_York")).toEqual(new Date("2026-03-09T13:00:00Z"));
    const sundayNight = new Date("2026-03-08T23:00:00Z"); // Sunday 19:00 EDT
    expect(nextBusinessTime(sundayNight, weekdays, "America/New_York")).toEqual(new Date("2026-03-09T13:00:00Z"));
  });
});
