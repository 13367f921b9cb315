import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The real gateway (`server/main.ts`) as a child process, on a port of its own.
 *
 * It runs as `node --import tsx server/main.ts`: the same code `npm start` runs through the
 * tsx CLI, but in ONE process. The tsx CLI starts the script in a second node process, so a
 * SIGKILL sent to it would leave the server itself running.
 */
export const REPO = path.resolve(__dirname, '../../..');

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
  /** SIGKILL: no handler runs, nothing is flushed or closed. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the gateway's own graceful stop. */
  stop(): Promise<void>;
}

export function spawnGateway(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      APP_ENV: 'development',
      PORT: '0',
      SKIP_H5_BUILD: '1',
      // Neither app is needed here; on a fresh checkout several gateways (and kills at start-up)
      // would otherwise build the staff console into one folder at once.
      SKIP_STAFF_BUILD: '1',
      DEMO_DATA: '0',
      SMS_COOLDOWN_SECONDS: '0',
      SMS_PER_PHONE_PER_DAY: '1000',
      LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '1000000',
      WECHAT_LOGINS_PER_PHONE_PER_HOUR: '100000',
      SMS_PER_CLIENT_PER_HOUR: '1000000',
      SMS_GLOBAL_PER_HOUR: '100000000',
      VERIFY_ATTEMPTS_PER_HOUR: '100000',
      BIND_ATTEMPTS_PER_HOUR: '1000000',
      DIAGNOSE_PER_HOUR: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => text };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the gateway and waits for `listening on http://127.0.0.1:<port>` (or its death). */
export async function startGateway(env: Record<string, string>, timeoutMs = 150_000): Promise<GatewayProcess> {
  const { child, output } = spawnGateway(env);
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited during start (code ${code}, signal ${signal}):\n${output()}`));
    });
  });
  return {
    child,
    base,
    output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export type Outcome<T> = { kind: 'answer'; envelope: { ok: true; data: T } | { ok: false; error: { code: string; message: string } } } | { kind: 'lost'; reason: string };

/** One call of a cloud function over HTTP; `lost` when no complete answer came back. */
export async function call<T = any>(base: string, name: string, event: unknown, bearer?: string, timeoutMs = 15_000): Promise<Outcome<T>> {
  try {
    const response = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { kind: 'answer', envelope: JSON.parse(text) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'lost', reason: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/** Calls and expects success. */
export async function ok<T = any>(base: string, name: string, event: unknown, bearer?: string): Promise<T> {
  const outcome = await call<T>(base, name, event, bearer);
  if (outcome.kind === 'lost') throw new Error(`${name}: no answer (${outcome.reason})`);
  if (!outcome.envelope.ok) throw new Error(`${name} failed: ${outcome.envelope.error.code} ${outcome.envelope.error.message}`);
  return outcome.envelope.data;
}
