/**
 * The machine is shared: other people run test suites (and their own PostgreSQL databases) on it
 * while a benchmark runs. This measures the CPU that OTHER processes used during a measured
 * window — everything except this process and its children, the PostgreSQL backends of the
 * bench databases (`yb_bench_*`) and PostgreSQL's own background processes — and repeats a
 * measurement (a bounded number of times) when others took more than a threshold of the CPUs,
 * keeping the least disturbed attempt.
 */
import os from 'node:os';
import { log } from './options';
import { processes, TICK_MS } from './procs';
import { waitForQuiet } from './quiet';

interface Proc {
  ticks: number;
  ppid: number;
  mine: boolean;
}

function snapshot(): Map<number, Proc> {
  const out = new Map<number, Proc>(processes().map((p) => [p.pid, { ticks: p.ticks, ppid: p.ppid, mine: p.benchPostgres }]));
  // This process and its descendants (autocannon worker threads are inside it; the started
  // servers of the start-up benchmark are children).
  const descendants = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of out) {
      if (!descendants.has(pid) && descendants.has(p.ppid)) {
        descendants.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of descendants) {
    const p = out.get(pid);
    if (p) p.mine = true;
  }
  return out;
}

/** Average number of cores other processes used between two snapshots. */
function foreignCores(before: Map<number, Proc>, after: Map<number, Proc>, wallMs: number): number {
  let ticks = 0;
  for (const [pid, p] of after) {
    if (p.mine) continue;
    const previous = before.get(pid);
    ticks += p.ticks - (previous && !previous.mine ? previous.ticks : 0);
  }
  return (ticks * TICK_MS) / wallMs;
}

/** Runs `fn` and says how many cores other processes used meanwhile (on average). */
export async function withForeign<T>(fn: () => Promise<T>): Promise<{ result: T; foreignCores: number }> {
  const before = snapshot();
  const t0 = performance.now();
  const result = await fn();
  return { result, foreignCores: foreignCores(before, snapshot(), performance.now() - t0) };
}

/**
 * Runs `fn` (a measurement); when other processes used more than `threshold` cores on
 * average, waits for quiet and runs it again, at most `attempts` times; returns the attempt
 * with the least interference, and that interference (cores).
 */
export async function leastDisturbed<T>(label: string, fn: () => Promise<T>, options: { attempts?: number; threshold?: number } = {}): Promise<{ result: T; foreignCores: number; attempts: number }> {
  const attempts = options.attempts ?? 3;
  const threshold = options.threshold ?? 0.2 * os.cpus().length;
  let best: { result: T; foreignCores: number } | undefined;
  let made = 0;
  for (let i = 0; i < attempts; i += 1) {
    if (i > 0) await waitForQuiet(label, 90_000);
    const before = snapshot();
    const t0 = performance.now();
    const result = await fn();
    const foreign = foreignCores(before, snapshot(), performance.now() - t0);
    made += 1;
    if (!best || foreign < best.foreignCores) best = { result, foreignCores: foreign };
    if (foreign <= threshold) break;
    log(`${label}: other processes used ${foreign.toFixed(2)} cores during the measurement; ${i + 1 < attempts ? 'measuring again' : 'keeping the least disturbed attempt'}`);
  }
  return { ...best!, attempts: made };
}
