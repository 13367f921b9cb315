import { Harness } from '../../support/harness';
import { freshPostgres } from '../../support/postgres';
import { installCommitLog } from './commitLog';
import type { AbstractOp } from './generator';
import { ModelRunner, type RunStats } from './runner';
import { buildWorld, type WorldConfig } from './world';

export interface ScenarioOptions {
  worldSeed: number;
  world: WorldConfig;
  /** The batches to run, produced lazily (the soak generates them as it goes). */
  batches: Iterable<AbstractOp[]>;
  /** A full database sweep every this many batches (and always at the end). */
  sweepEvery: number;
  /** Connections in the pool: how many transactions really run at once. */
  poolSize?: number;
  /** Stops early (time budget) when it returns true; checked between batches. */
  stop?: (stats: RunStats) => boolean;
  /** Called after every batch (progress output). */
  progress?: (stats: RunStats) => void;
  /** Keep the database after the run (for a post-mortem); it is dropped otherwise. */
  keepDatabase?: boolean;
}

/**
 * One model run on a database of its own: a fresh PostgreSQL database, the commit log, a
 * world built through the cloud functions, then the batches, each checked against the model,
 * and a final sweep. Throws ModelViolation at the first batch that disagrees.
 */
export async function runScenario(options: ScenarioOptions): Promise<{ stats: RunStats; database: string }> {
  const handle = await freshPostgres(options.poolSize ?? 16);
  const database = new URL(handle.url).pathname.slice(1);
  let failed = true;
  try {
    const h = await Harness.create(handle.db);
    await installCommitLog(handle.db);
    const world = await buildWorld(h, options.world, options.worldSeed);
    const runner = new ModelRunner(h, world, { tag: `W${options.worldSeed.toString(36)}`, sweepEvery: options.sweepEvery, seed: options.worldSeed });
    await runner.start();
    let index = 0;
    for (const batch of options.batches) {
      await runner.runBatch(batch, index);
      index += 1;
      options.progress?.(runner.stats);
      if (options.stop?.(runner.stats)) break;
    }
    await runner.finish();
    failed = false;
    return { stats: runner.stats, database };
  } finally {
    if (failed && options.keepDatabase) {
      await handle.db.close().catch(() => undefined);
      console.error(`[model] database ${database} kept for inspection`);
    } else {
      await handle.drop();
    }
  }
}
