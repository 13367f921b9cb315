/**
 * `npm run bench` runs every benchmark; `npm run bench -- settle hot` runs a subset (names
 * below), `--quick` shortens every measured window (a smoke run; its figures are not kept
 * unless `--write` is given too). Figures are printed as a table and merged into
 * bench/results/latest.json (keys not measured in this run keep their previous value); the
 * machine goes to bench/results/machine.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { log, QUICK } from './lib/options';
import { dropAllCreated, serverSettings, serverVersion } from './lib/pg';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const LATEST = path.join(RESULTS, 'latest.json');

const GROUPS = ['settle', 'hot', 'pglite', 'http', 'records', 'clearing', 'startup', 'sizes', 'h5', 'experiments'] as const;
type Group = (typeof GROUPS)[number];

const GROUP_HELP: Record<Group, string> = {
  settle: 'settlement use case on PostgreSQL (16 callers) and the raw UPDATE limit, round trips',
  hot: 'one hot sharer: 8 relatives settling at once, largest-balance check',
  pglite: 'settlement use case on embedded PGlite (in memory)',
  http: 'gateway over HTTP with autocannon: bindRelative checks and listRecords pages (50 connections)',
  records: 'listRecords with 1 million settlements, deep cursor pages, EXPLAIN of the page query',
  clearing: 'clearingStatement of a month with 1 million settlements, EXPLAIN of its query; what migration 0006 costs a settlement',
  startup: 'start-up of npm start (fresh and restart), cold require of a bundled cloud function',
  sizes: 'weapp main/total, H5 first load (gzip), bundled cloud functions',
  h5: 'H5 in Chromium on a slow link (500 kbit/s, 400 ms RTT): cold login page usable, tap to page (needs dist/h5)',
  experiments: 'faster settlement variants in bench/experiments, measured like settle (not in the default run)',
};

const OBSOLETE = [/_at_rate_/, /^settle_pg_background_cpu$/, /^exp_merged/, /^exp_(usecase|cte|single)_prepared_/, /^exp_usecase(_pglite)?_unprepared_/];

/** Targets from the issue, for the table. */
const TARGETS: Record<string, { op: '>=' | '<=' | '=='; value: number }> = {
  settle_pg_to_raw_ratio: { op: '>=', value: 0.4 },
  settle_pg_with_notices_ratio: { op: '>=', value: 0.9 },
  settle_pg_p99_ms: { op: '<=', value: 15 },
  settle_pg_hot_largest_rule_violations: { op: '==', value: 0 },
  settle_pglite_tps: { op: '>=', value: 1500 },
  bind_http_p99_ms: { op: '<=', value: 10 },
  records_http_p99_ms: { op: '<=', value: 10 },
  records_1m_deep_p99_ms: { op: '<=', value: 10 },
  settle_pg_ledger_mismatches: { op: '==', value: 0 },
  clearing_1m_statement_p50_ms: { op: '<=', value: 5000 },
  clearing_1m_close_ms: { op: '<=', value: 5000 },
  clearing_1m_plan_uses_index: { op: '==', value: 1 },
  clearing_settle_0006_ratio: { op: '>=', value: 0.95 },
  h5_slow3g_login_usable_ms: { op: '<=', value: 3000 },
  h5_slow3g_tap_to_page_ms: { op: '<=', value: 1000 },
};

function parseArgs(argv: string[]): { groups: Group[]; write: boolean } {
  const names = argv.filter((a) => !a.startsWith('--'));
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: npm run bench -- [${GROUPS.join('|')}|all]… [--quick] [--write]\n`);
    for (const g of GROUPS) console.log(`  ${g.padEnd(12)} ${GROUP_HELP[g]}`);
    process.exit(0);
  }
  for (const n of names) {
    if (n !== 'all' && !(GROUPS as readonly string[]).includes(n)) throw new Error(`unknown benchmark "${n}"; one of ${GROUPS.join(', ')}, all`);
  }
  const groups =
    names.length === 0 ? GROUPS.filter((g) => g !== 'experiments') : names.includes('all') ? [...GROUPS] : (names as Group[]);
  return { groups, write: !QUICK || argv.includes('--write') };
}

async function machine(): Promise<Record<string, string | number>> {
  let pglite = 'unknown';
  try {
    pglite = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
  } catch {
    // keep unknown
  }
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  cpu = cpu.replace(/\s+/g, ' ').trim();
  return {
    date: new Date().toISOString(),
    nproc: os.cpus().length,
    cpu,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres: await serverVersion().catch(() => 'unreachable'),
    pglite,
    os: `${os.type()} ${os.release()}`,
    git: (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })(),
  };
}

function fmt(value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(value);
}

function verdict(key: string, value: number | undefined): string {
  const target = TARGETS[key];
  if (!target || value === undefined) return '';
  const ok = target.op === '>=' ? value >= target.value : target.op === '<=' ? value <= target.value : value === target.value;
  return `${ok ? 'ok  ' : 'MISS'} (target ${target.op} ${target.value})`;
}

async function main(): Promise<void> {
  const { groups, write } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const figures: Record<string, number> = {};
  const notes: string[] = [];
  const failed: Group[] = [];
  await mkdir(RESULTS, { recursive: true });
  const pgGroups: Group[] = ['settle', 'hot', 'http', 'records', 'clearing', 'experiments'];
  if (groups.some((g) => pgGroups.includes(g))) {
    log(`PostgreSQL ${await serverVersion()} ${JSON.stringify(await serverSettings())}`);
  }

  for (const group of groups) {
    const t0 = Date.now();
    log(`── ${group}: ${GROUP_HELP[group]}`);
    try {
      switch (group) {
        case 'settle': {
          const { openSettleEnv, benchSettlePg } = await import('./settle-pg');
          const env = await openSettleEnv();
          try {
            const settle = await benchSettlePg(env);
            Object.assign(figures, settle.figures);
            if (write) await writeFile(path.join(RESULTS, 'settle-statements.txt'), `${settle.statementLog.join('\n')}\n`);
          } finally {
            await env.close();
          }
          break;
        }
        case 'hot': {
          const { benchHotSharer } = await import('./hot-sharer');
          Object.assign(figures, await benchHotSharer());
          break;
        }
        case 'pglite': {
          const { benchSettlePglite } = await import('./settle-pglite');
          Object.assign(figures, await benchSettlePglite());
          break;
        }
        case 'http': {
          const { benchHttp } = await import('./http');
          Object.assign(figures, await benchHttp());
          break;
        }
        case 'records': {
          const { benchRecordsDeep } = await import('./records-deep');
          const result = await benchRecordsDeep({ writePlan: write });
          Object.assign(figures, result.figures);
          break;
        }
        case 'clearing': {
          const { benchClearing } = await import('./clearing');
          Object.assign(figures, (await benchClearing({ write })).figures);
          break;
        }
        case 'startup': {
          const { benchStartup } = await import('./startup');
          Object.assign(figures, await benchStartup());
          break;
        }
        case 'sizes': {
          const { benchSizes } = await import('./sizes');
          const result = await benchSizes();
          Object.assign(figures, result.figures);
          notes.push(...result.notes);
          break;
        }
        case 'h5': {
          const { benchH5Network } = await import('./h5-network');
          Object.assign(figures, await benchH5Network({ write }));
          break;
        }
        case 'experiments': {
          const { benchExperiments } = await import('./experiments/run');
          const result = await benchExperiments({ write });
          Object.assign(figures, result.figures);
          break;
        }
      }
    } catch (error) {
      // One benchmark failing must not lose the others' figures.
      await dropAllCreated();
      failed.push(group);
      log(`── ${group} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      continue;
    }
    log(`── ${group} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  const keys = Object.keys(figures).sort();
  const width = Math.max(...keys.map((k) => k.length), 10);
  console.log(`\n${'figure'.padEnd(width)}  ${'value'.padStart(10)}  check`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(10)}  ${'-'.repeat(28)}`);
  for (const key of keys) console.log(`${key.padEnd(width)}  ${fmt(figures[key]).padStart(10)}  ${verdict(key, figures[key])}`);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`\n${groups.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s${QUICK ? ' (--quick)' : ''}`);

  if (failed.length > 0) {
    console.log(`FAILED: ${failed.join(', ')} (their previous figures, if any, stay in latest.json)`);
    process.exitCode = 1;
  }
  if (!write) {
    console.log('--quick: bench/results/latest.json left as it was (add --write to keep these figures)');
    return;
  }
  const previous: Record<string, unknown> = existsSync(LATEST) ? JSON.parse(readFileSync(LATEST, 'utf8')) : {};
  // Keys earlier versions of the benchmark wrote and this one no longer does.
  for (const key of Object.keys(previous)) if (OBSOLETE.some((pattern) => pattern.test(key))) delete previous[key];
  const merged: Record<string, unknown> = { ...previous, ...figures };
  const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  await writeFile(LATEST, `${JSON.stringify(sorted, null, 2)}\n`);
  const machinePath = path.join(RESULTS, 'machine.json');
  const previousMachine: Record<string, unknown> = existsSync(machinePath) ? JSON.parse(readFileSync(machinePath, 'utf8')) : {};
  const runs = { ...((previousMachine.runs as Record<string, string>) ?? {}) };
  const now = new Date().toISOString();
  for (const g of groups) if (!failed.includes(g)) runs[g] = now;
  await writeFile(machinePath, `${JSON.stringify({ ...(await machine()), runs }, null, 2)}\n`);
  console.log(`written: ${path.relative(ROOT, LATEST)}, ${path.relative(ROOT, machinePath)}`);
}

process.once('SIGINT', () => {
  log('interrupted: dropping the bench databases…');
  void dropAllCreated().finally(() => process.exit(130));
});

main().then(
  () => process.exit(process.exitCode ?? 0),
  async (error: unknown) => {
    console.error(error);
    await dropAllCreated();
    process.exit(1);
  },
);
