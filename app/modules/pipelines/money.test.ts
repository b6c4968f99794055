import { describe, expect, it } from "vitest";
import { formatCentsForInput, parseMoneyToCents } from "./money";

describe("parseMoneyToCents", () => {
  it.each([
    ["1.234,56", 123456],
    ["1234,56", 123456],
    ["R$ 1.234,56", 123456],
    ["R$\u00a01.234,5", 123450],
    ["1.234", 123400],
    ["1.234.567", 123456700],
    ["12,5", 1250],
    ["12.5", 1250],
    ["1234.56", 123456],
    [",99", 99],
    ["0", 0],
    ["", 0],
    ["  ", 0],
  ])("reads %j in pt-BR as %d cents", (input, cents) => {
    expect(parseMoneyToCents(input, "pt-BR")).toEqual({ ok: true, cents });
  });

  it.each([
    ["1,234.56", 123456],
    ["$1,234", 123400],
    ["1234.5", 123450],
    ["12,50", 1250],
  ])("reads %j in English as %d cents", (input, cents) => {
    expect(parseMoneyToCents(input, "en")).toEqual({ ok: true, cents });
  });

  it.each(["abc", "-5", "1,2,3", "12,345", "1.23.4", "1,234,56", "1.2345,6", "12,345", "1e5"])("rejects %j in pt-BR", (input) => {
    expect(parseMoneyToCents(input, "pt-BR")).toEqual({ ok: false, error: "pipelines.value.invalid" });
  });

  it("rejects the other locale's grouping and absurd amounts", () => {
    expect(parseMoneyToCents("1.234,56", "en")).toEqual({ ok: false, error: "pipelines.value.invalid" });
    expect(parseMoneyToCents("99999999999999", "pt-BR")).toEqual({ ok: false, error: "pipelines.value.tooLarge" });
  });

  it("formats cents back the way they are typed", () => {
    expect(formatCentsForInput(123456, "pt-BR")).toBe("1.234,56");
    expect(formatCentsForInput(123456, "en")).toBe("1,234.56");
    expect(parseMoneyToCents(formatCentsForInput(987654321, "pt-BR"), "pt-BR")).toEqual({ ok: true, cents: 987654321 });
  });
});
