import { describe, expect, it } from "vitest";
import type { CustomField } from "../contacts/custom-fields";
import { buildPlan, isBlankRecord, mapRow } from "./rows.server";

const fields: CustomField[] = [
  { id: "1", key: "nascimento", label: "Nascimento", type: "date", options: [], position: 0 },
  { id: "2", key: "plano", label: "Plano", type: "select", options: ["Ouro", "Prata"], position: 1 },
  { id: "3", key: "pontos", label: "Pontos", type: "number", options: [], position: 2 },
];

describe("buildPlan", () => {
  it("needs a phone column and drops custom fields that no longer exist", () => {
    expect(buildPlan({ columns: ["name", "email"] }, fields, "BR")).toBeUndefined();
    const plan = buildPlan({ columns: ["phone", "custom:sumiu", "custom:plano", "tags", "tags"] }, fields, "BR")!;
    expect(plan.phone).toBe(0);
    expect(plan.fields.map((entry) => entry.field.key)).toEqual(["plano"]);
    expect(plan.tags).toEqual([3, 4]);
  });
});

describe("mapRow", () => {
  const plan = buildPlan({ columns: ["firstName", "lastName", "phone", "email", "tags", "custom:nascimento", "custom:plano", "custom:pontos", "ignore"] }, fields, "BR")!;
  const row = (overrides: Partial<Record<number, string>> = {}) => {
    const base = ["Ana", "Souza", "(11) 98765-4321", "ana@example.com", "vip, Feira; VIP | novo", "31/12/1990", "ouro", "1.234,5", "lixo"];
    return base.map((value, index) => overrides[index] ?? value);
  };

  it("joins first and last name, normalizes the phone, parses fields and splits tags", () => {
    expect(mapRow(row(), plan)).toEqual({
      ok: true,
      contact: {
        name: "Ana Souza",
        phone: "+5511987654321",
        email: "ana@example.com",
        attributes: { nascimento: "1990-12-31", plano: "Ouro", pontos: 1234.5 },
        tagNames: ["vip", "Feira", "novo"],
      },
    });
  });

  it("reads numbers without country code in the organization's country", () => {
    const us = buildPlan({ columns: ["phone"] }, [], "US")!;
    expect(mapRow(["(415) 555-2671"], us)).toMatchObject({ ok: true, contact: { phone: "+14155552671" } });
  });

  it("leaves empty custom fields and email out instead of clearing them", () => {
    const mapped = mapRow(row({ 3: " ", 5: "", 6: "", 7: "" }), plan);
    expect(mapped).toMatchObject({ ok: true, contact: { email: null, attributes: {} } });
  });

  it.each([
    [{ 2: "" }, "imports.row.phoneMissing"],
    [{ 2: "12345" }, "imports.row.phoneInvalid"],
    [{ 3: "ana@" }, "imports.row.emailInvalid"],
    [{ 5: "31/02/1990" }, "imports.row.field"],
    [{ 6: "Bronze" }, "imports.row.field"],
    [{ 7: "muitos" }, "imports.row.field"],
    [{ 0: "x".repeat(201), 1: "" }, "imports.row.nameTooLong"],
    [{ 4: "y".repeat(51) }, "imports.row.tagTooLong"],
  ])("rejects %j with %s", (overrides, key) => {
    const mapped = mapRow(row(overrides), plan);
    expect(mapped.ok).toBe(false);
    if (!mapped.ok) expect(mapped.problem.key).toBe(key);
  });

  it("explains which custom field failed", () => {
    const mapped = mapRow(row({ 6: "Bronze" }), plan);
    expect(mapped).toEqual({ ok: false, problem: { key: "imports.row.field", vars: { field: "Plano", value: "Bronze", problem: "contacts.field.invalidOption" } } });
  });

  it("tolerates short rows (fewer cells than headers)", () => {
    expect(mapRow(["Ana", "", "11987654321"], plan)).toMatchObject({ ok: true, contact: { name: "Ana", phone: "+5511987654321", tagNames: [] } });
  });

  it("spots blank records", () => {
    expect(isBlankRecord([""])).toBe(true);
    expect(isBlankRecord([" ", "", "\t"])).toBe(true);
    expect(isBlankRecord(["", "x"])).toBe(false);
  });
});
