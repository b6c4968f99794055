import { describe, expect, it } from "vitest";
import { renderTemplate, templateVariables } from "./templates.server";

describe("template variables", () => {
  it("finds positional and named placeholders in order of first appearance", () => {
    expect(templateVariables("Olá {{1}}, seu pedido {{2}} chegou. Obrigado, {{1}}!")).toEqual(["1", "2"]);
    expect(templateVariables("Oi {{ nome }}, código {{codigo_1}}")).toEqual(["nome", "codigo_1"]);
    expect(templateVariables("Sem variáveis")).toEqual([]);
  });

  it("renders the body the customer will read", () => {
    expect(renderTemplate("Olá {{1}}, seu pedido {{2}} chegou. Obrigado, {{1}}!", ["Rita", "#9"])).toBe("Olá Rita, seu pedido #9 chegou. Obrigado, Rita!");
    expect(renderTemplate("Olá {{1}} e {{2}}", ["Rita"])).toBe("Olá Rita e {{2}}");
  });
});
