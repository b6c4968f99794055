import { describe, expect, it } from "vitest";
import { chunkText } from "./chunker";

const sentence = (n: number) => `Frase número ${n} fala sobre o assunto ${n} com alguns detalhes a mais.`;

describe("chunkText", () => {
  it("keeps short paragraphs together in one chunk", () => {
    expect(chunkText("Primeiro parágrafo.\n\nSegundo parágrafo.")).toEqual([
      { position: 0, heading: null, content: "Primeiro parágrafo.\n\nSegundo parágrafo." },
    ]);
  });

  it("cuts long text near the target size at sentence ends, repeating the last sentence as overlap", () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i + 1)).join(" ");
    const chunks = chunkText(text, { targetChars: 300, maxChars: 400, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(400);
    for (let i = 1; i < chunks.length; i++) {
      const previousLast = chunks[i - 1].content.match(/Frase número \d+[^.]*\./g)!.at(-1)!;
      expect(chunks[i].content.startsWith(previousLast)).toBe(true);
    }
    // Every sentence is somewhere.
    const all = chunks.map((chunk) => chunk.content).join(" ");
    for (let i = 1; i <= 40; i++) expect(all).toContain(sentence(i));
    expect(chunks.map((chunk) => chunk.position)).toEqual(chunks.map((_, i) => i));
  });

  it("tracks the markdown heading above each chunk and does not carry overlap across sections", () => {
    const chunks = chunkText("# Entrega\n\nEntregamos em 5 dias.\n\n## Pagamento\nAceitamos Pix e cartão.");
    expect(chunks).toEqual([
      { position: 0, heading: "Entrega", content: "Entregamos em 5 dias." },
      { position: 1, heading: "Pagamento", content: "Aceitamos Pix e cartão." },
    ]);
  });

  it("splits a sentence longer than the limit at words, and returns nothing for blank text", () => {
    const long = Array.from({ length: 200 }, (_, i) => `palavra${i}`).join(" ");
    const chunks = chunkText(long, { targetChars: 300, maxChars: 400, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(400);
    expect(chunkText("  \n\n ")).toEqual([]);
  });
});
