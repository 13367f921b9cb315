/**
 * 5. Start-up.
 *  - fresh: `npx tsx server/main.ts` on a new PGlite data directory (initdb, migrations, keys),
 *    from spawn to the first successful `POST /api/sendCode`;
 *  - restart: stop it (SIGTERM, wait for the exit) and start again on the same directory;
 *  - for scale: `npx tsx -e 0` (what npx and tsx cost before our code runs);
 *  - cold require of one bundled cloud function in a fresh node process, against `node -e ""`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { log } from './lib/options';
import { waitForQuiet } from './lib/quiet';
import { round } from './lib/stats';
import { rebuildCloudIfStale } from './sizes';

const ROOT = path.resolve(__dirname, '..');

/** This process's environment without the bench's own variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BENCH_')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function sendCodeOk(port: number, phone: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/sendCode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { ok?: boolean };
    return body.ok === true;
  } catch {
    return false;
  }
}

/** Spawns the server and returns when it answers sendCode (ms from spawn), or throws after 90 s. */
async function startServer(dataDir: string, port: number, phone: string): Promise<{ child: ChildProcess; ms: number; selfReported?: number }> {
  const t0 = performance.now();
  const child = spawn('npx', ['tsx', 'server/main.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv(), SKIP_H5_BUILD: '1', DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: '0', APP_ENV: 'development', DATABASE_URL: '' },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !exited) {
    if (await sendCodeOk(port, phone)) {
      const ms = performance.now() - t0;
      const self = /started in (\d+) ms/.exec(output);
      return { child, ms, selfReported: self ? Number(self[1]) : undefined };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  stopServer(child);
  throw new Error(`server did not answer sendCode (exited: ${exited}); output:\n${output.slice(-2000)}`);
}

/** SIGTERM to the process group we spawned (npx and its node child), then wait for the exit. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
}

function timeNode(args: string[], runs: number, cwd = ROOT): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr?.toString().slice(0, 500)}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchStartup(): Promise<Record<string, number>> {
  const bundle = path.join(ROOT, 'dist/cloudfunctions/settle/index.js');
  if (!existsSync(bundle)) {
    log('dist/cloudfunctions missing: npm run build:cloud…');
    const build = spawnSync('npm', ['run', 'build:cloud'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
    if (build.status !== 0) throw new Error('npm run build:cloud failed');
  }
  await rebuildCloudIfStale([]);
  await waitForQuiet('startup');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yb-bench-start-'));
  const dataDir = path.join(tmp, 'pglite');
  try {
    log('start-up: npx tsx server/main.ts on a fresh PGlite directory…');
    const fresh = await startServer(dataDir, await freePort(), '13800000001');
    await stopServer(fresh.child);
    log(`start-up: fresh ${Math.round(fresh.ms)} ms; restarting on the same directory…`);
    const restart = await startServer(dataDir, await freePort(), '13800000002');
    await stopServer(restart.child);
    log(`start-up: restart ${Math.round(restart.ms)} ms; npx tsx overhead and cold require…`);
    const tsxNoop = (() => {
      const t0 = performance.now();
      spawnSync('npx', ['tsx', '-e', '0'], { cwd: ROOT, env: cleanEnv(), stdio: 'ignore', timeout: 60_000 });
      return performance.now() - t0;
    })();
    const empty = timeNode(['-e', ''], 7);
    const cold = timeNode(['-e', "require('./dist/cloudfunctions/settle/index.js')"], 7);
    return {
      start_fresh_ms: Math.round(fresh.ms),
      start_fresh_self_reported_ms: fresh.selfReported ?? Number.NaN,
      restart_ms: Math.round(restart.ms),
      restart_self_reported_ms: restart.selfReported ?? Number.NaN,
      npx_tsx_noop_ms: Math.round(tsxNoop),
      node_empty_ms: round(empty),
      cold_require_settle_ms: round(cold),
      cold_require_settle_extra_ms: round(cold - empty),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
