import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/**
 * CPU ticks of the PostgreSQL processes that work for the benchmarks: the backends of the
 * `yb_bench_*` databases and the server's own processes (WAL writer, checkpointer, …). Backends
 * of other databases (other people's test runs on this shared machine) are left out.
 */
function benchPostgresTicks(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const backend = /\(\d+\)|\[local\]/.test(cmdline);
      if (backend && !/ yb_bench_[0-9a-f]+ /.test(cmdline)) continue;
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended
    }
  }
  return out;
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
