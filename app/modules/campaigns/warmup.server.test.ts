import { describe, expect, it } from "vitest";
import { warmupCap } from "./warmup.server";
import { nextIntervalMs, resolvePacing } from "./pacing.server";

describe("warm-up plan", () => {
  it("starts at 20 a day and grows 1.5× a day up to the daily cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((day) => warmupCap(day, 200))).toEqual([20, 30, 45, 67, 101, 151]);
    expect(warmupCap(7, 200)).toBe(200);
    expect(warmupCap(30, 200)).toBe(200);
    expect(warmupCap(1, 10)).toBe(10);
  });
});

describe("pacing", () => {
  it("uses channel defaults and clamps campaign overrides to the channel's maximum", () => {
    expect(resolvePacing("whatsapp_cloud", {})).toEqual({ mode: "rate", ratePerSecond: 20, burst: 1 });
    expect(resolvePacing("whatsapp_cloud", { ratePerSecond: 500 })).toMatchObject({ ratePerSecond: 80 });
    expect(resolvePacing("whatsapp_cloud", { ratePerSecond: 5 })).toMatchObject({ ratePerSecond: 5 });
    expect(resolvePacing("twilio_sms", {})).toMatchObject({ ratePerSecond: 1 });
    expect(resolvePacing("twilio_sms", { ratePerSecond: 1000 })).toMatchObject({ ratePerSecond: 100 });
    expect(resolvePacing("twilio_sms", {}, { ratePerSecond: 3 })).toMatchObject({ ratePerSecond: 3 });
    expect(resolvePacing("whatsapp_cloud", {}, {}, { off: true })).toEqual({ mode: "off" });
  });

  it("paces QR numbers like a person: a random 8–20 s pause, a daily cap, typing first", () => {
    const pacing = resolvePacing("whatsapp_baileys", {});
    expect(pacing).toMatchObject({ mode: "human", minDelayMs: 8000, maxDelayMs: 20000, dailyCap: 200 });
    expect(nextIntervalMs(pacing, () => 0)).toBe(8000);
    expect(nextIntervalMs(pacing, () => 0.999999)).toBeCloseTo(20000, -1);
    // Nobody can turn the pause below the floor.
    expect(resolvePacing("whatsapp_baileys", { minDelaySeconds: 0.1, maxDelaySeconds: 1 })).toMatchObject({ minDelayMs: 3000, maxDelayMs: 3000 });
  });
});
