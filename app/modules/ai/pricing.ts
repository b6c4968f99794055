/**
 * List prices in USD per million tokens, for the cost estimate in ai_runs. Unknown models (a
 * local Ollama or vLLM) cost nothing. Dated snapshots ("gpt-4o-mini-2024-07-18") match their
 * family by the longest prefix.
 */
const PRICES_PER_MILLION: Record<string, { input: number; output: number }> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5": { input: 1.25, output: 10 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
};

const FAMILIES = Object.keys(PRICES_PER_MILLION).sort((a, b) => b.length - a.length);

export function priceOf(model: string): { input: number; output: number } | undefined {
  const family = FAMILIES.find((name) => model === name || model.startsWith(`${name}-`));
  return family ? PRICES_PER_MILLION[family] : undefined;
}

/** Micro-dollars (USD × 10⁶): per-million prices times token counts are whole numbers, or nearly. */
export function estimateCostMicros(model: string, promptTokens: number, completionTokens: number): number {
  const price = priceOf(model);
  if (!price) return 0;
  return Math.round(promptTokens * price.input + completionTokens * price.output);
}
