import { processes, TICK_MS } from './procs';

/** CPU ticks of the PostgreSQL processes that work for the benchmarks (procs.ts). */
function benchPostgresTicks(): Map<number, number> {
  return new Map(processes().filter((p) => p.benchPostgres).map((p) => [p.pid, p.ticks]));
}

/** CPU used by this process and by the bench's PostgreSQL processes while `fn` runs. */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; nodeMs: number; postgresMs: number; wallMs: number }> {
  const node0 = process.cpuUsage();
  const pg0 = benchPostgresTicks();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const node = process.cpuUsage(node0);
  let ticks = 0;
  for (const [pid, after] of benchPostgresTicks()) ticks += after - (pg0.get(pid) ?? 0);
  return { result, nodeMs: (node.user + node.system) / 1000, postgresMs: ticks * TICK_MS, wallMs };
}
