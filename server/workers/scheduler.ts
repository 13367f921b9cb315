/**
 * The one scheduler of the server: every periodic job (expiring bindings, the notice worker's
 * rounds, pruning old rate-limit windows, pruning its own run records) runs under it.
 *
 * - **When** a job is due is computed by `croner` from a cron pattern (seconds field first,
 *   Asia/Shanghai): the job's *slot* at a moment is its latest due time at or before it.
 * - **Who** runs a slot is decided by the database: the run claims it with
 *   `INSERT INTO job_runs (job, slot, …) ON CONFLICT DO NOTHING`. Only the gateway whose insert
 *   made the row runs the job, so two gateways on one PostgreSQL never run a slot twice, and the
 *   same code works on PGlite (one process, one connection) without LISTEN/NOTIFY or a pool.
 * - The row records the run: started, finished, outcome (`ok` / `failed`), items and the
 *   error. A failed slot is not tried again; the next slot is a new run. A gateway that dies
 *   in a run leaves its row `running`; the next slot runs as usual.
 * - Missed slots (the gateway was down) are not caught up one by one: the jobs are sweeps, and
 *   the current slot does all the work that is due.
 * - `stop()` ends the timer and waits for the run under way (SIGTERM in server/main.ts).
 *
 * The clock is the app's, so tests move a ManualClock and call `tick()`; the real timer only
 * wakes the scheduler when the next slot of some job is due (or after `maxSleepMs`).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { App } from '../app';
import { pruneRateLimits } from '../store/rateLimits';
import { pruneLoginCodes } from '../usecases/auth';
import { expireAllDue } from '../usecases/payabilityWatch';
import { describeError, noticeJob } from './notices';

export type SchedulerApp = Pick<App, 'db' | 'clock' | 'log'>;

export interface JobContext {
  /** The due time this run was claimed for. */
  slot: Date;
  /** The clock's time when the run started. */
  now: Date;
}

export interface JobSpec {
  /** Unique name, the key of its runs. */
  name: string;
  /** A croner pattern; six fields with seconds first (`0 *\/10 * * * *`: every ten minutes). */
  pattern: string;
  /** Does the work of one slot; returns how many items it handled. */
  run: (ctx: JobContext) => Promise<number>;
}

export interface RunRecord {
  job: string;
  slot: Date;
  outcome: 'ok' | 'failed';
  items: number;
}

export interface SchedulerOptions {
  /** Who claims the runs, in `job_runs.owner` (default: host, pid and a random part). */
  owner?: string;
  /** The longest sleep between two looks at the clock (default 60 s). */
  maxSleepMs?: number;
}

/** The timezone of every pattern: the product's days are those of Asia/Shanghai (SPEC 3.2). */
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

interface Scheduled {
  spec: JobSpec;
  cron: Cron;
}

/** The latest due time of `cron` at or before `now` (croner works in whole seconds). */
export function currentSlot(cron: Cron, now: Date): Date | null {
  const [candidate] = cron.previousRuns(1, new Date(now.getTime() + 1000));
  if (candidate && candidate.getTime() <= now.getTime()) return candidate;
  const [earlier] = cron.previousRuns(1, now);
  return earlier ?? null;
}

export class Scheduler {
  readonly owner: string;
  private readonly jobs: Scheduled[];
  private readonly maxSleepMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly app: SchedulerApp,
    specs: readonly JobSpec[],
    options: SchedulerOptions = {},
  ) {
    const names = new Set<string>();
    this.jobs = specs.map((spec) => {
      if (names.has(spec.name)) throw new Error(`two jobs named ${spec.name}`);
      names.add(spec.name);
      // paused, without a function: croner only computes times here; the timer is ours.
      return { spec, cron: new Cron(spec.pattern, { paused: true, timezone: SCHEDULE_TIMEZONE }) };
    });
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
  }

  /**
   * Looks at the clock once: every job whose current slot nobody has claimed yet is claimed
   * and run (one after the other). Returns the runs this scheduler made.
   */
  async tick(): Promise<RunRecord[]> {
    const done: RunRecord[] = [];
    for (const job of this.jobs) {
      if (this.stopped) break;
      const slot = currentSlot(job.cron, this.app.clock.now());
      if (!slot) continue;
      const record = await this.runSlot(job.spec, slot);
      if (record) done.push(record);
    }
    return done;
  }

  /** Claims (job, slot) and runs it when the claim is ours; null when another run has it. */
  private async runSlot(spec: JobSpec, slot: Date): Promise<RunRecord | null> {
    const startedAt = this.app.clock.now();
    const claimed = await this.app.db.query(
      `INSERT INTO job_runs (job, slot, owner, started_at, outcome) VALUES ($1, $2, $3, $4, 'running')
       ON CONFLICT (job, slot) DO NOTHING RETURNING job`,
      [spec.name, slot, this.owner, startedAt],
    );
    if (claimed.length === 0) return null;
    let items = 0;
    let error: string | null = null;
    try {
      items = await spec.run({ slot, now: startedAt });
    } catch (caught) {
      error = describeError(caught);
      this.app.log.error({ job: spec.name, slot: slot.toISOString(), error }, 'scheduled job failed');
    }
    const outcome = error === null ? 'ok' : 'failed';
    await this.app.db.query(
      `UPDATE job_runs SET finished_at = $4, outcome = $5, items = $6, error = $7
       WHERE job = $1 AND slot = $2 AND owner = $3`,
      [spec.name, slot, this.owner, this.app.clock.now(), outcome, Math.max(0, Math.trunc(items)), error],
    );
    return { job: spec.name, slot, outcome, items };
  }

  /** How long until some job's next slot, by the app's clock (at least 0, at most maxSleepMs). */
  private sleepMs(): number {
    const now = this.app.clock.now();
    let next = this.maxSleepMs;
    for (const job of this.jobs) {
      const due = job.cron.nextRun(now);
      if (due) next = Math.min(next, due.getTime() - now.getTime());
    }
    return Math.max(0, next);
  }

  /** Ticks now, then whenever a slot is due, until `stop()`. A failing tick is logged; nothing throws out of the timer. */
  start(): void {
    const loop = (delayMs: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .catch((error: unknown) => this.app.log.error({ error: describeError(error) }, 'scheduler tick failed'))
          .finally(() => {
            this.running = undefined;
            loop(this.sleepMs());
          });
      }, delayMs);
      this.timer.unref();
    };
    loop(0);
  }

  /** Stops the timer and waits for the run under way; idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    for (const job of this.jobs) job.cron.stop();
  }
}

/**
 * Deletes old run records: idle runs (ok, nothing done) after `idleHours`, every other finished
 * run after `keepDays`, and runs left `running` by a gateway that died after `keepDays` too.
 */
export async function pruneJobRuns(q: SchedulerApp['db'], now: Date, options: { idleHours?: number; keepDays?: number } = {}): Promise<number> {
  const idleBefore = new Date(now.getTime() - (options.idleHours ?? 1) * 3600_000);
  const keepBefore = new Date(now.getTime() - (options.keepDays ?? 7) * 86400_000);
  const deleted = await q.query(
    `DELETE FROM job_runs
     WHERE (outcome = 'ok' AND items = 0 AND started_at < $1) OR started_at < $2
     RETURNING job`,
    [idleBefore, keepBefore],
  );
  return deleted.length;
}

/** A six-field croner pattern for "every `ms` milliseconds", rounded to whole seconds (at least 1). */
export function everyPattern(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `0 */${minutes} * * * *`;
  return '0 0 * * * *';
}

/**
 * The server's jobs (server/main.ts):
 * - `expire-bindings` every ten minutes: live bindings whose end date has come become
 *   `expired`, and both sides are told (SPEC 2.1, 2.8). Settlement and every view already go
 *   by the date itself; this records it and sends the notice.
 * - `notices` every NOTICE_INTERVAL_MS (rounded to seconds): the notice worker's rounds (2.8).
 * - `prune-rate-limits` hourly: rate-limit windows that ended two days ago; login codes a day
 *   past their expiry.
 * - `prune-job-runs` hourly: old run records of this scheduler.
 */
export function serverJobs(app: App): JobSpec[] {
  return [
    { name: 'expire-bindings', pattern: '0 */10 * * * *', run: ({ now }) => expireAllDue(app.db, now) },
    { name: 'notices', pattern: everyPattern(app.config.notices.intervalMs), run: () => noticeJob(app) },
    {
      name: 'prune-rate-limits',
      pattern: '0 7 * * * *',
      run: async () => {
        await pruneRateLimits(app);
        await pruneLoginCodes(app);
        return 0;
      },
    },
    { name: 'prune-job-runs', pattern: '0 17 * * * *', run: ({ now }) => pruneJobRuns(app.db, now) },
  ];
}

/** Starts the server's scheduler; the returned function stops it (idempotent). */
export function startScheduler(app: App, options: SchedulerOptions = {}): () => Promise<void> {
  const scheduler = new Scheduler(app, serverJobs(app), options);
  scheduler.start();
  return () => scheduler.stop();
}
