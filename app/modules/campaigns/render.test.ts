import { describe, expect, it } from "vitest";
import { findVariables, renderMessage, templateBodyParameters, validateTemplateText, type RenderContact } from "./render";

const maria: RenderContact = { name: "Maria  da Silva", phone: "+5511987654321", email: "maria@example.com", attributes: { cidade: "Recife", pontos: 120, vazio: "" } };
const nameless: RenderContact = { name: null, phone: "+5511900000000", email: null, attributes: {} };

describe("renderMessage variables", () => {
  it("fills the built-in variables and custom fields", () => {
    const text = "Oi {{first_name}} ({{name}}), {{phone}} {{email}} de {{cidade}} com {{ pontos }} pontos";
    expect(renderMessage(text, maria, { seed: 1 })).toBe("Oi Maria (Maria  da Silva), +5511987654321 maria@example.com de Recife com 120 pontos");
  });

  it("uses the fallback when the value is empty, and nothing when there is no fallback", () => {
    expect(renderMessage("Olá {{first_name|cliente}}!", nameless, { seed: 1 })).toBe("Olá cliente!");
    expect(renderMessage("Olá {{first_name}}!", nameless, { seed: 1 })).toBe("Olá !");
    expect(renderMessage("{{vazio|nada}}", maria, { seed: 1, knownKeys: ["vazio"] })).toBe("nada");
    expect(renderMessage("{{first_name|}}x", nameless, { seed: 1 })).toBe("x");
  });

  it("accepts Portuguese spellings and any case", () => {
    expect(renderMessage("{{Primeiro_Nome}} {{NOME}} {{telefone}}", maria, { seed: 1 })).toBe("Maria Maria  da Silva +5511987654321");
  });

  it("leaves unknown variables visible and reports them", () => {
    expect(renderMessage("Oi {{cidad}}", maria, { seed: 1, knownKeys: ["cidade"] })).toBe("Oi {{cidad}}");
    expect(renderMessage("Oi {{cidade}}", nameless, { seed: 1, knownKeys: ["cidade"] })).toBe("Oi ");
    expect(renderMessage("Oi {{sem_campo}}", maria, { seed: 1 })).toBe("Oi {{sem_campo}}");
    expect(renderMessage("Oi {{a b}}", maria, { seed: 1 })).toBe("Oi {{a b}}");
  });
});

describe("renderMessage spintax", () => {
  const text = "{Olá|Oi|E aí} {{first_name}}, {tudo bem|{como vai|beleza}}?";

  it("is deterministic for a seed, so a retry renders the same text", () => {
    const first = renderMessage(text, maria, { seed: "recipient-42" });
    for (let i = 0; i < 5; i++) expect(renderMessage(text, maria, { seed: "recipient-42" })).toBe(first);
    expect(first).toMatch(/^(Olá|Oi|E aí) Maria, (tudo bem|como vai|beleza)\?$/);
  });

  it("varies across seeds so a burst is not identical, and reaches every option", () => {
    const outputs = new Set(Array.from({ length: 60 }, (_, seed) => renderMessage(text, maria, { seed })));
    expect(outputs.size).toBeGreaterThanOrEqual(6);
    const greetings = new Set([...outputs].map((output) => output.split(" ")[0]));
    expect(greetings).toEqual(new Set(["Olá", "Oi", "E"]));
  });

  it("keeps escaped braces and pipes literal, and an unclosed brace as text", () => {
    expect(renderMessage("\\{não\\|é\\} spintax | nem isto }", maria, { seed: 3 })).toBe("{não|é} spintax | nem isto }");
    expect(renderMessage("preço {R$ 10", maria, { seed: 3 })).toBe("preço {R$ 10");
    expect(renderMessage("{a}", maria, { seed: 3 })).toBe("a");
    expect(renderMessage("{|x}", maria, { seed: 0 }).length).toBeLessThanOrEqual(1);
  });

  it("renders variables inside options", () => {
    expect(renderMessage("{Oi {{first_name|cliente}}|Oi {{first_name|cliente}}}", nameless, { seed: 9 })).toBe("Oi cliente");
  });
});

describe("findVariables and validateTemplateText", () => {
  it("lists variables once, in order, aliases resolved", () => {
    expect(findVariables("{{nome}} {Oi {{cidade}}|x} {{name}} {{email|-}}")).toEqual(["name", "cidade", "email"]);
  });

  it("reports unknown and malformed variables and an unclosed spintax", () => {
    expect(validateTemplateText("Oi {{first_name}} de {{cidade}}", ["cidade"])).toEqual([]);
    expect(validateTemplateText("Oi {{cidad}} {{a b}} {x|y", ["cidade"])).toEqual([
      { code: "unknownVariable", variable: "cidad" },
      { code: "invalidVariable", variable: "{{a b}}" },
      { code: "unclosedSpintax" },
    ]);
  });
});

describe("templateBodyParameters", () => {
  it("maps each template variable to a contact field with its fallback", () => {
    const mappings = [
      { source: "first_name", fallback: "cliente" },
      { source: "cidade", fallback: "sua cidade" },
      { source: "", fallback: "PROMO10" },
      { source: "email", fallback: "" },
    ];
    expect(templateBodyParameters(mappings, maria)).toEqual(["Maria", "Recife", "PROMO10", "maria@example.com"]);
    expect(templateBodyParameters(mappings, nameless)).toEqual(["cliente", "sua cidade", "PROMO10", "-"]);
  });
});
