import { performance } from "node:perf_hooks";

export type Stats = { p50: number; p95: number; max: number };

/** Times `run` `runs` times after 10 warm-up calls; percentiles in milliseconds. */
export async function measure(runs: number, run: (index: number) => Promise<unknown>): Promise<Stats> {
  for (let warm = 0; warm < 10; warm++) await run(warm);
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    const start = performance.now();
    await run(index);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), max: samples.at(-1)! };
}
