import { describe, expect, it } from "vitest";
import { detectOptKeyword, normalizeOptKeyword } from "./opt-out-keywords.server";

describe("opt-out keywords", () => {
  it("recognizes each opt-out word alone, in any case, with accents or surrounding punctuation", () => {
    for (const word of ["STOP", "SAIR", "PARAR", "CANCELAR", "DESCADASTRAR"]) {
      expect(detectOptKeyword(word)).toBe("out");
      expect(detectOptKeyword(word.toLowerCase())).toBe("out");
    }
    expect(detectOptKeyword("Sair.")).toBe("out");
    expect(detectOptKeyword(" stop! ")).toBe("out");
    expect(detectOptKeyword("\n  Parar!!!\n")).toBe("out");
    expect(detectOptKeyword("*CANCELAR*")).toBe("out");
    expect(detectOptKeyword("Descadastrar 🙏")).toBe("out");
    expect(detectOptKeyword("SAÍR")).toBe("out");
    expect(detectOptKeyword("DÉSCADASTRAR")).toBe("out");
    expect(normalizeOptKeyword(" Sáir... ")).toBe("SAIR");
  });

  it("recognizes the opt-back-in words", () => {
    expect(detectOptKeyword("VOLTAR")).toBe("in");
    expect(detectOptKeyword("voltar!")).toBe("in");
    expect(detectOptKeyword("Start")).toBe("in");
    expect(detectOptKeyword("unstop")).toBe("in");
  });

  it("ignores the words inside sentences, longer words and empty messages", () => {
    expect(detectOptKeyword("não quero parar de receber")).toBeNull();
    expect(detectOptKeyword("Quero sair da lista?")).toBeNull();
    expect(detectOptKeyword("stopped")).toBeNull();
    expect(detectOptKeyword("stop stop")).toBeNull();
    expect(detectOptKeyword("sairam")).toBeNull();
    expect(detectOptKeyword("voltar amanhã")).toBeNull();
    expect(detectOptKeyword("")).toBeNull();
    expect(detectOptKeyword("  ... ")).toBeNull();
    expect(detectOptKeyword("Olá!")).toBeNull();
  });
});
