import { describe, expect, it } from "vitest";
import { guessTargets, mappingFormSchema, normalizeHeader, readMappingForm } from "./mapping";

describe("guessTargets", () => {
  it("recognizes Portuguese and English headers", () => {
    expect(guessTargets(["Nome", "Telefone", "E-mail", "Etiquetas", "Observação"], [])).toEqual(["name", "phone", "email", "tags", "ignore"]);
    expect(guessTargets(["First Name", "Last Name", "Phone", "email"], [])).toEqual(["firstName", "lastName", "phone", "email"]);
    expect(guessTargets(["Celular (WhatsApp)", "Sobrenome"], [])).toEqual(["phone", "lastName"]);
    expect(guessTargets(["whatsapp"], [])).toEqual(["phone"]);
  });

  it("gives a single-use target to the first matching column only", () => {
    expect(guessTargets(["Telefone", "Celular", "Tags", "Etiquetas"], [])).toEqual(["phone", "ignore", "tags", "tags"]);
  });

  it("matches custom fields by key or label", () => {
    const fields = [
      { key: "cidade", label: "Cidade" },
      { key: "data_nascimento", label: "Data de nascimento" },
    ];
    expect(guessTargets(["CIDADE", "Data de Nascimento", "Cidade"], fields)).toEqual(["custom:cidade", "custom:data_nascimento", "ignore"]);
  });

  it("normalizes accents, case and punctuation", () => {
    expect(normalizeHeader(" Nº  Telefone-Celular ")).toBe("ntelefonecelular");
  });
});

describe("mappingFormSchema", () => {
  const headers = ["nome", "fone", "cidade", "tags"];
  const schema = mappingFormSchema(headers, ["cidade"]);
  const form = (entries: Array<[string, string]>) => {
    const data = new FormData();
    for (const [name, value] of entries) data.append(name, value);
    return readMappingForm(data, headers);
  };

  it("accepts a mapping with a phone column", () => {
    const parsed = schema.parse(
      form([
        ["column0", "name"],
        ["column1", "phone"],
        ["column2", "custom:cidade"],
        ["column3", "tags"],
        ["onExisting", "skip"],
        ["tagId", "0b7c3c4e-8a4b-4f6e-9c59-2a1d3c3b5e10"],
        ["newTag", "  Feira 2026 "],
      ]),
    );
    expect(parsed).toEqual({
      columns: ["name", "phone", "custom:cidade", "tags"],
      onExisting: "skip",
      tagIds: ["0b7c3c4e-8a4b-4f6e-9c59-2a1d3c3b5e10"],
      newTag: "Feira 2026",
    });
  });

  it("requires a phone column, one column per target, known targets", () => {
    const result = schema.safeParse(
      form([
        ["column0", "name"],
        ["column1", "name"],
        ["column2", "custom:estado"],
        ["onExisting", "update"],
      ]),
    );
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
    expect(messages).toEqual({ "columns.2": "imports.mapping.invalidTarget", columns: "imports.mapping.phoneRequired", "columns.1": "imports.mapping.usedTwice" });
  });

  it("rejects a missing update-or-skip choice and malformed tag ids", () => {
    const result = schema.safeParse(form([["column1", "phone"], ["tagId", "not-a-uuid"]]));
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["onExisting", "tagIds.0"]));
  });
});
