import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const H5_INDEX = path.join(ROOT, 'dist/h5/index.html');
const START_TIMEOUT_MS = 90_000;

/** The real gateway (`server/main.ts`) as a child process, on a fresh PGlite directory with the demo data. */
export interface Gateway {
  baseUrl: string;
  adminKey: string;
  /** The demo hospital's key (河北医科大学第二医院), parsed from the start-up text. */
  hospitalKey: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** POST /api/<name> with a bearer key; returns the envelope. */
  call<T = unknown>(name: string, event: unknown, bearer?: string): Promise<Envelope<T>>;
  stop(): Promise<void>;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

export function assertH5Built(): void {
  if (!existsSync(H5_INDEX)) {
    throw new Error(`dist/h5/index.html is missing: the browser tests need the H5 app. Run \`npm run build:h5\` first (npm test builds it before npm run test:e2e).`);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startGateway(): Promise<Gateway> {
  assertH5Built();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yibao-e2e-'));
  const adminKey = `e2e-admin-${randomBytes(16).toString('hex')}`;
  // `node --import tsx` rather than `npx tsx`: one process, so stopping it stops the gateway.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_ENV: 'development',
      PORT: '0', // the system picks a free port; the gateway prints it
      DATA_DIR: path.join(dataDir, 'pglite'),
      DATABASE_URL: '',
      DEMO_DATA: '1',
      SKIP_H5_BUILD: '1',
      SMS_COOLDOWN_SECONDS: '0',
      // Every browser of the tests is 127.0.0.1: one client for the limits per client.
      SMS_PER_CLIENT_PER_HOUR: '100000',
      LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '100000',
      ADMIN_KEY: adminKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a gateway behind, even when the test runner dies.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));

  const stop = async () => {
    await stopProcess(child);
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the gateway did not print "listening on" within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const onData = () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the gateway exited before listening (code ${code}, signal ${signal})`));
      });
    });
    const hospitalKey = /\b(H13010000001\.[A-Za-z0-9_-]+)/.exec(out)?.[1];
    if (!hospitalKey) throw new Error('the start-up text names no key for the demo hospital H13010000001');

    const call = async <T>(name: string, event: unknown, bearer?: string): Promise<Envelope<T>> => {
      const response = await fetch(`${baseUrl}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(event),
      });
      return (await response.json()) as Envelope<T>;
    };
    return { baseUrl, adminKey, hospitalKey, output: () => out, call, stop };
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- gateway output ---\n${out}`);
  }
}
