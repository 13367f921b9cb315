/** Latency figures in milliseconds, nearest-rank percentiles. */
export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(latenciesMs: readonly number[]): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Rounds for the JSON: 2 decimals below 100, 1 above, integers above 10,000. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value);
  if (abs >= 100) return Math.round(value * 10) / 10;
  return Math.round(value * 100) / 100;
}

export interface LoadResult {
  /** Completed operations per second over the measured window. */
  rate: number;
  latency: Summary;
  /** Every measured latency (ms). */
  latencies: number[];
  ops: number;
  errors: number;
  seconds: number;
  firstError?: string;
}

/**
 * Runs `op` from `workers` concurrent loops: a warm-up (not measured), then a measured window.
 * Every loop is bounded by time and by count.
 */
export async function closedLoop(options: {
  workers: number;
  warmupMs: number;
  durationMs: number;
  maxOps?: number;
  op: (worker: number, i: number) => Promise<unknown>;
}): Promise<LoadResult> {
  const maxOps = options.maxOps ?? 2_000_000;
  let issued = 0;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  let measuredOps = 0;
  const worker = async (w: number) => {
    for (let i = 0; issued < maxOps; i += 1) {
      const t0 = performance.now();
      if (t0 >= end) break;
      issued += 1;
      try {
        await options.op(w, i);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) {
          latencies.push(t1 - t0);
          measuredOps += 1;
        }
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  const seconds = options.durationMs / 1000;
  return { rate: measuredOps / seconds, latency: summarize(latencies), latencies, ops: measuredOps, errors, seconds, firstError };
}
