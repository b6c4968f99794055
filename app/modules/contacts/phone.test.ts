import { describe, expect, it } from "vitest";
import { normalizePhone } from "./phone.server";

describe("normalizePhone", () => {
  it.each([
    ["(11) 98765-4321", "+5511987654321"],
    ["11987654321", "+5511987654321"],
    ["+55 11 98765 4321", "+5511987654321"],
    ["5511987654321", "+5511987654321"],
    ["055 11 98765-4321", "+5511987654321"],
    ["+1 (415) 555-2671", "+14155552671"],
  ])("reads %s as %s in Brazil", (input, expected) => {
    expect(normalizePhone(input, "BR")).toEqual({ ok: true, e164: expected });
  });

  it("uses the organization's country for national numbers", () => {
    expect(normalizePhone("(415) 555-2671", "US")).toEqual({ ok: true, e164: "+14155552671" });
  });

  it.each(["", "   ", "123", "abc", "+55 11 1234"])("rejects %j", (input) => {
    expect(normalizePhone(input, "BR").ok).toBe(false);
  });
});
