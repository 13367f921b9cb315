/** Durations of the measured windows; `--quick` (or BENCH_QUICK=1) shortens them for a smoke run. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

export function ms(full: number): number {
  return QUICK ? Math.max(500, Math.round(full / 5)) : full;
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
