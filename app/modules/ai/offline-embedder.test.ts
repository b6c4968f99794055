import { describe, expect, it } from "vitest";
import { cosine, embedOffline, OFFLINE_EMBEDDING_DIMENSIONS } from "./offline-embedder";

describe("offline embedder", () => {
  it("is deterministic, fixed-width and L2-normalized", () => {
    const a = embedOffline("Qual é o prazo de entrega para o interior?");
    expect(embedOffline("Qual é o prazo de entrega para o interior?")).toEqual(a);
    expect(a).toHaveLength(OFFLINE_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
    // A fixed value guards against an accidental change of the hashing (stored vectors would go stale).
    const firstNonZero = a.flatMap((value, index) => (value === 0 ? [] : [[index, value.toFixed(6)]])).slice(0, 3);
    expect(firstNonZero).toEqual([
      [3, "-0.094134"],
      [5, "0.094134"],
      [13, "-0.094134"],
    ]);
  });

  it("ignores accents and case", () => {
    expect(embedOffline("Preço da ENTREGA")).toEqual(embedOffline("preco da entrega"));
  });

  it("puts paraphrases and translations nearer than unrelated text", () => {
    const shipping = embedOffline("O frete é grátis em compras acima de R$ 199 e a entrega leva de 3 a 7 dias úteis.");
    const payment = embedOffline("Aceitamos Pix, cartão de crédito em até 10 vezes e boleto bancário.");
    const askShipping = embedOffline("quanto custa pra enviar pra minha casa? vocês entregam?");
    const askShippingEn = embedOffline("How much is delivery?");
    const askPayment = embedOffline("posso pagar parcelado no cartao?");
    expect(cosine(askShipping, shipping)).toBeGreaterThan(cosine(askShipping, payment));
    expect(cosine(askShippingEn, shipping)).toBeGreaterThan(cosine(askShippingEn, payment));
    expect(cosine(askPayment, payment)).toBeGreaterThan(cosine(askPayment, shipping));
  });

  it("gives an empty text a unit vector instead of zeros", () => {
    const empty = embedOffline("  ?! ");
    expect(Math.hypot(...empty)).toBeCloseTo(1, 10);
  });
});
