import { describe, expect, it } from "vitest";
import { quietUntil } from "./quiet-hours.server";

const zone = "America/Sao_Paulo"; // UTC-3, no DST

describe("quietUntil", () => {
  it("wraps midnight: 22:30 local is quiet until 08:00 the next day", () => {
    const at = new Date("2026-11-25T01:30:00Z"); // 22:30 on the 24th in São Paulo
    expect(quietUntil(at, { start: "21:00", end: "08:00" }, zone)?.toISOString()).toBe("2026-11-25T11:00:00.000Z");
  });

  it("wraps midnight: 03:15:20 local waits to 08:00 the same day", () => {
    const at = new Date("2026-11-25T06:15:20Z");
    expect(quietUntil(at, { start: "21:00", end: "08:00" }, zone)?.toISOString()).toBe("2026-11-25T11:00:00.000Z");
  });

  it("allows sending outside the window and at its end", () => {
    expect(quietUntil(new Date("2026-11-25T15:00:00Z"), { start: "21:00", end: "08:00" }, zone)).toBeNull();
    expect(quietUntil(new Date("2026-11-25T11:00:00Z"), { start: "21:00", end: "08:00" }, zone)).toBeNull();
  });

  it("handles a window inside one day", () => {
    const at = new Date("2026-11-25T15:10:00Z"); // 12:10 local
    expect(quietUntil(at, { start: "12:00", end: "14:00" }, zone)?.toISOString()).toBe("2026-11-25T17:00:00.000Z");
  });

  it("ignores missing, malformed or empty windows", () => {
    const at = new Date("2026-11-25T01:30:00Z");
    expect(quietUntil(at, null, zone)).toBeNull();
    expect(quietUntil(at, { start: "25:00", end: "08:00" }, zone)).toBeNull();
    expect(quietUntil(at, { start: "08:00", end: "08:00" }, zone)).toBeNull();
  });
});
