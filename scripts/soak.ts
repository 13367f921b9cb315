/**
 * `npm run soak`: the model test of tests/reliability/model.pg.test.ts at length — at least
 * 100,000 operations in concurrent batches against PostgreSQL, every batch checked against
 * the model, quota operations (SPEC 2.11) included — then prints the counts and writes them into docs/RELIABILITY.md.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a database of
 * its own is created and dropped), SOAK_SEED (default random, printed), SOAK_OPS (100000),
 * SOAK_MAX_SECONDS (1800: stops early, and says so, when the time is up), SOAK_BATCH_OPS (32),
 * SOAK_GROUPS (12), SOAK_POOL (16), SOAK_SWEEP_EVERY (250 batches), SOAK_WRITE_DOCS (1),
 * SOAK_KEEP_DB (0: keep the database when a check fails).
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { batchArbitrary, type AbstractOp } from '../tests/reliability/model/generator';
import type { RunStats } from '../tests/reliability/model/runner';
import { runScenario } from '../tests/reliability/model/scenario';
import { DEFAULT_WORLD } from '../tests/reliability/model/world';
import { PG_ADMIN_URL, postgresAvailable } from '../tests/support/postgres';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const SEED = envInt('SOAK_SEED', Math.floor(Math.random() * 2 ** 31));
const TARGET_OPS = envInt('SOAK_OPS', 100_000);
const MAX_SECONDS = envInt('SOAK_MAX_SECONDS', 1_800);
const BATCH_OPS = envInt('SOAK_BATCH_OPS', 32);
const GROUPS = envInt('SOAK_GROUPS', 12);
const POOL = envInt('SOAK_POOL', 16);
const SWEEP_EVERY = envInt('SOAK_SWEEP_EVERY', 250);
const DOCS = path.resolve(__dirname, '../docs/RELIABILITY.md');
const BEGIN = '<!-- soak-results:begin (written by scripts/soak.ts) -->';
const END = '<!-- soak-results:end -->';

const opsOf = (stats: RunStats) => Object.values(stats.ops).reduce((a, b) => a + b, 0);

/** Batches for ever, deterministic from the seed: chunks of 100 sampled with seed, seed+1, … */
function* batches(seed: number): Generator<AbstractOp[]> {
  for (let chunk = 0; ; chunk += 1) {
    yield* fc.sample(batchArbitrary(BATCH_OPS), { seed: (seed + chunk) | 0, numRuns: 100 });
  }
}

function table(rows: Array<[string, string | number]>): string {
  return ['| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

async function writeDocs(section: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(DOCS, 'utf8');
  } catch {
    text = `# Reliability\n\n## Soak results\n\n${BEGIN}\n${END}\n`;
  }
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const block = `${BEGIN}\n${section}\n${END}`;
  text = start >= 0 && end > start ? `${text.slice(0, start)}${block}${text.slice(end + END.length)}` : `${text.trimEnd()}\n\n## Soak results\n\n${block}\n`;
  await writeFile(DOCS, text);
}

async function main(): Promise<void> {
  if (!(await postgresAvailable())) {
    console.error(`soak: PostgreSQL is not reachable at ${PG_ADMIN_URL}; start it or set DATABASE_URL.`);
    process.exit(2);
  }
  const world = { ...DEFAULT_WORLD, groups: GROUPS };
  console.log(
    `soak: seed ${SEED} (reproduce with SOAK_SEED=${SEED}); target ${TARGET_OPS} operations, at most ${MAX_SECONDS} s; ` +
      `batches of ${BATCH_OPS / 2}–${BATCH_OPS} operations; ${GROUPS} families; pool ${POOL}`,
  );
  const started = performance.now();
  let lastPrint = started;
  let timedOut = false;
  const elapsed = () => (performance.now() - started) / 1000;
  let result: { stats: RunStats; database: string };
  try {
    result = await runScenario({
      worldSeed: SEED,
      world,
      batches: batches(SEED),
      sweepEvery: SWEEP_EVERY,
      poolSize: POOL,
      keepDatabase: process.env.SOAK_KEEP_DB === '1',
      stop: (stats) => {
        if (opsOf(stats) >= TARGET_OPS) return true;
        if (elapsed() > MAX_SECONDS) {
          timedOut = true;
          return true;
        }
        return false;
      },
      progress: (stats) => {
        if (performance.now() - lastPrint < 10_000) return;
        lastPrint = performance.now();
        const ops = opsOf(stats);
        console.log(`soak: ${ops} operations, ${stats.deliveries} deliveries, ${stats.batches} batches, ${stats.checks} checks, ${(ops / elapsed()).toFixed(0)} ops/s`);
      },
    });
  } catch (error) {
    console.error(`\nsoak FAILED after ${elapsed().toFixed(0)} s (seed ${SEED}; reproduce with SOAK_SEED=${SEED}):\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { stats } = result;
  const seconds = elapsed();
  const ops = opsOf(stats);
  const summary: Array<[string, string | number]> = [
    ['seed', `${SEED} (\`SOAK_SEED=${SEED} npm run soak\`)`],
    ['operations', `${ops}${timedOut ? ` (stopped by the ${MAX_SECONDS} s budget before ${TARGET_OPS})` : ''}`],
    ['deliveries (calls, duplicates included)', stats.deliveries],
    ['batches (fired with Promise.all)', stats.batches],
    ['skipped by the resolver', stats.skipped],
    ['checks against the model that held', stats.checks],
    ['full database sweeps that found nothing', stats.sweeps],
    ['elapsed', `${seconds.toFixed(1)} s`],
    ['operations/s (overall, checks included)', (ops / seconds).toFixed(0)],
    ['deliveries/s while firing', (stats.deliveries / stats.callSeconds).toFixed(0)],
  ];
  const byKind: Array<[string, string | number]> = Object.entries(stats.ops).map(([k, v]) => [k, v]);
  const outcomes: Array<[string, string | number]> = Object.entries(stats.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, v]);
  console.log(`\nsoak passed: ${ops} operations, ${stats.checks} checks held, ${seconds.toFixed(1)} s, ${(ops / seconds).toFixed(0)} ops/s`);
  console.log(`by kind: ${JSON.stringify(stats.ops)}`);
  console.log(`outcomes: ${JSON.stringify(stats.outcomes)}`);

  if (process.env.SOAK_WRITE_DOCS !== '0') {
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      `Last run: ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, Node ${process.version}, PostgreSQL at ${new URL(PG_ADMIN_URL).host}, ` +
        `${GROUPS} families, batches of ${BATCH_OPS / 2}–${BATCH_OPS} operations, pool of ${POOL}.`,
      '',
      table(summary),
      '',
      'Operations by kind:',
      '',
      table(byKind),
      '',
      'Outcomes seen:',
      '',
      table(outcomes),
    ].join('\n');
    await writeDocs(section);
    console.log(`results written to ${path.relative(process.cwd(), DOCS)}`);
  }
}

void main();
