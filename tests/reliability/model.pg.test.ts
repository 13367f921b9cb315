import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pgAvailable } from '../support/adapters';
import { PG_ADMIN_URL } from '../support/postgres';
import { scenarioArbitrary } from './model/generator';
import { emptyStats, mergeStats } from './model/runner';
import { runScenario } from './model/scenario';
import { DEFAULT_WORLD } from './model/world';

/**
 * SPEC 2.2 under concurrency, as a randomized model test: seeded sequences of batches of
 * settlements, refunds, duplicate deliveries, unbinding, rebinding, policy changes, registry
 * status changes, quota changes (SPEC 2.11: held, raised, lowered, refused, paid from, refunded
 * into, released by unbinding) and top-ups, each batch fired at once (Promise.all) through the real cloud
 * functions on PostgreSQL, then compared with the in-memory model (tests/reliability/model/).
 *
 * Reproduce a run: MODEL_SEED=<seed> (and MODEL_PATH=<path> for the failing run of several).
 * Size: MODEL_RUNS (default 2), MODEL_BATCHES (24), MODEL_BATCH_OPS (24 abstract operations
 * at most; duplicates make more deliveries). The long version is `npm run soak`.
 */
const SEED = process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.MODEL_RUNS ?? 2);
const BATCHES = Number(process.env.MODEL_BATCHES ?? 24);
const BATCH_OPS = Number(process.env.MODEL_BATCH_OPS ?? 24);
const PATH = process.env.MODEL_PATH;

if (!pgAvailable) {
  console.warn(`[model] PostgreSQL is not reachable at ${PG_ADMIN_URL}: the model test is SKIPPED (it needs real concurrency).`);
}

describe('the mutual-aid ledger against its model, under concurrent batches on postgres', () => {
  it.skipIf(!pgAvailable)(
    'random concurrent settlements, refunds, duplicates, unbinding, rebinding, policy changes, quotas and top-ups keep every answer, balance and ledger entry as the model says',
    async () => {
      console.log(`[model] seed ${SEED}: ${RUNS} runs × ${BATCHES} batches of up to ${BATCH_OPS} operations (reproduce with MODEL_SEED=${SEED})`);
      const total = emptyStats();
      const started = performance.now();
      const details = await fc.check(
        fc.asyncProperty(fc.record({ worldSeed: fc.nat(), batches: scenarioArbitrary(BATCHES, BATCH_OPS) }), async ({ worldSeed, batches }) => {
          const { stats } = await runScenario({ worldSeed, world: DEFAULT_WORLD, batches, sweepEvery: 8 });
          mergeStats(total, stats);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: process.env.MODEL_SHRINK !== '1', ...(PATH ? { path: PATH } : {}) },
      );
      const seconds = (performance.now() - started) / 1000;
      const ops = Object.values(total.ops).reduce((a, b) => a + b, 0);
      console.log(
        `[model] ${ops} operations (${total.deliveries} deliveries) in ${total.batches} batches, ${seconds.toFixed(1)} s, ` +
          `${(total.deliveries / total.callSeconds).toFixed(0)} deliveries/s while firing; ${total.checks} checks held, ${total.sweeps} sweeps\n` +
          `[model] by kind ${JSON.stringify(total.ops)}; skipped ${total.skipped}\n[model] outcomes ${JSON.stringify(total.outcomes)}`,
      );
      if (details.failed) {
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(
          `the system disagreed with the model (seed ${details.seed}, path ${details.counterexamplePath}).\n` +
            `Reproduce: MODEL_SEED=${details.seed} MODEL_PATH=${details.counterexamplePath} npx vitest run tests/reliability/model.pg.test.ts\n${cause}`,
        );
      }
      // The run really exercised what it claims to.
      for (const kind of ['settle', 'refund', 'settleAgain', 'topUp', 'unbind', 'rebind', 'policy', 'setQuota'] as const) expect({ kind, n: total.ops[kind] > 0 }).toEqual({ kind, n: true });
      for (const outcome of ['settle: paid by mutual aid', 'settle: insufficient balance', 'settle: concurrent duplicates agreed', 'refund: above what is left, refused', 'settle: paid from a quota']) {
        expect({ outcome, seen: (total.outcomes[outcome] ?? 0) > 0 }).toEqual({ outcome, seen: true });
      }
    },
    240_000,
  );
});
