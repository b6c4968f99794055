import { describe, expect, it } from "vitest";
import { dateToZonedInput, zonedInputToDate } from "./schedule";

describe("schedule in the organization's time zone", () => {
  it("reads a datetime-local value as wall-clock time in the zone, and writes it back", () => {
    expect(zonedInputToDate("2026-12-01T09:30", "America/Sao_Paulo")?.toISOString()).toBe("2026-12-01T12:30:00.000Z");
    expect(zonedInputToDate("2026-07-01T09:30", "Europe/Lisbon")?.toISOString()).toBe("2026-07-01T08:30:00.000Z");
    expect(zonedInputToDate("2026-01-01T09:30", "Europe/Lisbon")?.toISOString()).toBe("2026-01-01T09:30:00.000Z");
    expect(dateToZonedInput(new Date("2026-12-01T12:30:00Z"), "America/Sao_Paulo")).toBe("2026-12-01T09:30");
  });

  it("refuses malformed, impossible and DST-skipped times", () => {
    expect(zonedInputToDate("amanhã", "America/Sao_Paulo")).toBeNull();
    expect(zonedInputToDate("2026-02-30T10:00", "America/Sao_Paulo")).toBeNull();
    expect(zonedInputToDate("2026-03-08T02:30", "America/New_York")).toBeNull();
  });
});
