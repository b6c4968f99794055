import { describe, expect, it } from "vitest";
import { classifyByKeywords } from "./classify.server";

const stages = [
  { id: "s1", name: "Novo", position: "a0", criteria: "", keywords: [] },
  { id: "s2", name: "Qualificado", position: "a1", criteria: "", keywords: ["orçamento", "preço"] },
  { id: "s3", name: "Proposta", position: "a2", criteria: "", keywords: ["proposta", "contrato"] },
];

describe("offline lead classification by stage keywords", () => {
  it("picks the stage with the most keywords heard; one keyword is fair evidence, two strong", () => {
    expect(classifyByKeywords(stages, "s1", "qual o preço?", "pt-BR")).toMatchObject({ stageId: "s2", confidence: 0.7 });
    expect(classifyByKeywords(stages, "s1", "manda a proposta e o contrato", "en")).toMatchObject({
      stageId: "s3",
      confidence: expect.closeTo(0.85, 5),
      reason: "The customer mentioned “proposta”, “contrato” (keywords of stage Proposta).",
    });
  });
  it("prefers the later stage on a tie and stays put when nothing matches", () => {
    expect(classifyByKeywords(stages, "s1", "orçamento da proposta", "pt-BR").stageId).toBe("s3");
    expect(classifyByKeywords(stages, "s2", "bom dia", "pt-BR")).toMatchObject({ stageId: "s2", confidence: 0 });
  });
});
