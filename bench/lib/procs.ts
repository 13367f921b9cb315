import { readdirSync, readFileSync } from 'node:fs';

/** Length of a clock tick in /proc/<pid>/stat (USER_HZ = 100 on Linux). */
export const TICK_MS = 10;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** User + system CPU ticks so far. */
  ticks: number;
  /**
   * A PostgreSQL process that works for the benchmarks: a backend of a `yb_bench_*` database,
   * or one of the server's own processes (WAL writer, checkpointer, …) that work for every
   * client. Backends of other databases (other people's test runs on this shared machine) are not.
   */
  benchPostgres: boolean;
}

/** Every process of the machine from /proc, with its CPU ticks; those that end meanwhile are skipped. */
export function processes(): ProcStat[] {
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      let benchPostgres = false;
      if (comm === 'postgres') {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const backend = /\(\d+\)|\[local\]/.test(cmdline);
        benchPostgres = !backend || / yb_bench_[0-9a-f]+ /.test(cmdline);
      }
      out.push({ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), benchPostgres });
    } catch {
      // the process ended
    }
  }
  return out;
}
