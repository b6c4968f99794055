import { describe, expect, it } from "vitest";
import { isIsoDate, keyFromLabel, parseAttributes, parseAttributeValue } from "./custom-fields";

describe("custom field values", () => {
  it.each([
    ["number", "1234", 1234],
    ["number", "1.234,56", 1234.56],
    ["number", "-2.5", -2.5],
    ["date", "2024-02-29", "2024-02-29"],
    ["date", "5/3/2024", "2024-03-05"],
    ["text", "  Rua A  ", "Rua A"],
  ] as const)("reads a %s typed as %j", (type, input, expected) => {
    expect(parseAttributeValue({ type, options: [] }, input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["number", "doze", "contacts.field.invalidNumber"],
    ["number", "1,2,3", "contacts.field.invalidNumber"],
    ["date", "2023-02-29", "contacts.field.invalidDate"],
    ["date", "amanhã", "contacts.field.invalidDate"],
    ["select", "Natal", "contacts.field.invalidOption"],
    ["text", "x".repeat(501), "validation.tooLong"],
  ] as const)("rejects a bad %s value (case %#)", (type, input, error) => {
    expect(parseAttributeValue({ type, options: ["Recife"] }, input)).toEqual({ ok: false, error });
  });

  it("matches select options without caring about case, and clears on empty", () => {
    expect(parseAttributeValue({ type: "select", options: ["São Paulo"] }, "são paulo")).toEqual({ ok: true, value: "São Paulo" });
    expect(parseAttributeValue({ type: "number", options: [] }, "   ")).toEqual({ ok: true, value: null });
  });

  it("validates only defined fields, by key", () => {
    const fields = [
      { id: "1", key: "score", label: "Score", type: "number" as const, options: [], position: 0 },
      { id: "2", key: "since", label: "Since", type: "date" as const, options: [], position: 1 },
    ];
    expect(parseAttributes(fields, { score: "7", since: "ontem", other: "x" })).toEqual({ values: { score: 7 }, errors: { since: "contacts.field.invalidDate" } });
  });

  it("derives keys from labels", () => {
    expect(keyFromLabel("Data de Nascimento")).toBe("data_de_nascimento");
    expect(keyFromLabel("2º telefone")).toBe("f_2_telefone");
    expect(isIsoDate("2025-13-01")).toBe(false);
  });
});
