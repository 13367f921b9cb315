import { readFileSync } from 'node:fs';
import { log } from './options';

/** Busy share of all CPUs over `windowMs`, from /proc/stat (NaN where unavailable). */
export async function cpuBusy(windowMs = 1000): Promise<number> {
  const sample = () => {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
      const v = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.reduce((a, b) => a + b, 0);
      return { idle, total };
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const b = sample();
  if (!a || !b || b.total === a.total) return Number.NaN;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * The machine is shared (other people run tests on it): before a measurement, wait until the
 * CPUs are mostly idle while this process does nothing, at most `maxWaitMs`. Returns the busy
 * share seen last (recorded next to the figures).
 */
export async function waitForQuiet(label: string, maxWaitMs = 60_000, threshold = 0.15): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let busy = await cpuBusy();
  let warned = false;
  while (busy > threshold && Date.now() < deadline) {
    if (!warned) log(`${label}: the machine is busy (${Math.round(busy * 100)}% CPU from other processes); waiting up to ${Math.round(maxWaitMs / 1000)} s`);
    warned = true;
    busy = await cpuBusy(2000);
  }
  if (busy > threshold) log(`${label}: still ${Math.round(busy * 100)}% busy; measuring anyway (figures may be low)`);
  return busy;
}
