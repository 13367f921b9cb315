/**
 * Comparing variants on a shared machine: instead of one long window per variant (where a
 * burst of someone else's test suite lands on one variant only), every variant runs a short
 * slice in turn, for several rounds. Each slice records how much CPU other processes took;
 * slices disturbed beyond a threshold are left out (at least the least disturbed half is kept).
 * A variant's rate is the median of its kept slices; its percentiles come from the latencies of
 * its kept slices pooled.
 */
import os from 'node:os';
import { withForeign } from './interference';
import { log } from './options';
import { summarize, type LoadResult, type Summary } from './stats';

export interface Arm {
  name: string;
  /** One slice of load: measure for `durationMs` (after its own short warm-up). */
  slice: (durationMs: number, index: number) => Promise<LoadResult>;
}

export interface ArmResult {
  rate: number;
  latency: Summary;
  errors: number;
  slices: number;
  kept: number;
  /** Largest interference (cores used by other processes) among the kept slices. */
  foreignCores: number;
  firstError?: string;
}

export async function interleave(arms: readonly Arm[], options: { rounds: number; sliceMs: number; threshold?: number }): Promise<Map<string, ArmResult>> {
  const threshold = options.threshold ?? 0.15 * os.cpus().length;
  const slices = new Map<string, Array<{ load: LoadResult; foreign: number }>>(arms.map((a) => [a.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    // Alternate the order each round, so that no variant always follows the same one.
    const order = round % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of order) {
      const { result, foreignCores } = await withForeign(() => arm.slice(options.sliceMs, round));
      slices.get(arm.name)!.push({ load: result, foreign: foreignCores });
    }
    log(`round ${round + 1}/${options.rounds}: ${arms.map((a) => { const s = slices.get(a.name)!.at(-1)!; return `${a.name} ${Math.round(s.load.rate)}/s (others ${s.foreign.toFixed(2)} cores)`; }).join(', ')}`);
  }
  const out = new Map<string, ArmResult>();
  for (const arm of arms) {
    const all = slices.get(arm.name)!;
    const sorted = [...all].sort((a, b) => a.foreign - b.foreign);
    const quiet = sorted.filter((s) => s.foreign <= threshold);
    const kept = quiet.length >= Math.ceil(all.length / 2) ? quiet : sorted.slice(0, Math.ceil(all.length / 2));
    const rates = kept.map((s) => s.load.rate).sort((a, b) => a - b);
    const median = rates.length % 2 ? rates[(rates.length - 1) / 2]! : (rates[rates.length / 2 - 1]! + rates[rates.length / 2]!) / 2;
    out.set(arm.name, {
      rate: median,
      latency: summarize(kept.flatMap((s) => s.load.latencies)),
      errors: all.reduce((n, s) => n + s.load.errors, 0),
      slices: all.length,
      kept: kept.length,
      foreignCores: Math.max(...kept.map((s) => s.foreign)),
      firstError: all.find((s) => s.load.firstError)?.load.firstError,
    });
  }
  return out;
}
