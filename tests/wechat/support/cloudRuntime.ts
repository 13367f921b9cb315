/**
 * The WeChat cloud runtime, reproduced for the built bundles (`npm run build:cloud`):
 * - "上传并部署：云端安装依赖": each dist/cloudfunctions/<name>/ is copied into a folder outside
 *   the repository, and exactly the packages its package.json lists are installed beside it
 *   (linked from this repository's node_modules, at the listed version). Nothing else is
 *   reachable from there: a package the bundle needs but does not list fails to load, as in
 *   the cloud.
 * - An invocation: a plain `node` child per instance (invoke-bundle.cjs), the caller in the
 *   environment variables wx-server-sdk reads (WX_CONTEXT_KEYS, WX_OPENID, …, TCB_ENV,
 *   TCB_SOURCE), the event with WeChat's `userInfo`, an SCF-style context.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const CLOUD_DIST = path.join(ROOT, 'dist/cloudfunctions');
const INVOKER = path.join(import.meta.dirname, 'invoke-bundle.cjs');

/** The cloud environment and the mini-program the invocations pretend to come from. */
export const ENV_ID = 'yibao-smoke-1a2b3c';
export const APPID = 'wx0123456789abcdef';

export type Auth = 'public' | 'user' | 'institution' | 'admin';
export type Envelope = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string; message: string; field?: string } };
export type Answer = { envelope: Envelope } | { threw: string };
export interface InstanceResult {
  auth?: Auth;
  answers?: Answer[];
  loadError?: string;
  /** What the instance printed (its logs), for the failure messages. */
  output: string;
}

export interface Invocation {
  /** The caller's OPENID as WeChat sets it; undefined: no WX_OPENID at all (a timer, the console). */
  openid?: string;
  /** false: not even WX_CONTEXT_KEYS (nothing of WeChat's context). */
  context?: boolean;
  event: Record<string, unknown>;
}

/** The bundles the build made, by folder: whatever cloud functions exist, never a fixed list. */
export function builtBundles(): string[] {
  if (!existsSync(CLOUD_DIST)) throw new Error(`${CLOUD_DIST} is missing: run \`npm run build:cloud\` first`);
  return readdirSync(CLOUD_DIST, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(CLOUD_DIST, entry.name, 'index.js')))
    .map((entry) => entry.name)
    .sort();
}

export function bundleManifest(name: string): { dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(CLOUD_DIST, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
}

/** The installed version of a package of this repository (what the cloud would install). */
export function installedVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Copies every bundle out of the repository and installs its listed dependencies beside it. */
export function deployBundles(names: readonly string[]): { dir: (name: string) => string; remove: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'yibao-cloud-'));
  for (const name of names) {
    const target = path.join(base, name);
    mkdirSync(path.join(target, 'node_modules'), { recursive: true });
    cpSync(path.join(CLOUD_DIST, name, 'index.js'), path.join(target, 'index.js'));
    cpSync(path.join(CLOUD_DIST, name, 'package.json'), path.join(target, 'package.json'));
    for (const [pkg, wanted] of Object.entries(bundleManifest(name).dependencies ?? {})) {
      const have = installedVersion(pkg);
      if (have !== wanted) throw new Error(`${name} lists ${pkg}@${wanted}, this repository has ${have}: pin the same version`);
      const link = path.join(target, 'node_modules', pkg);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules', pkg), link, 'dir');
    }
  }
  return { dir: (name) => path.join(base, name), remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** The variables every instance of the environment has (SCF's and the cloud's own). */
function instanceEnv(name: string, dir: string, settings: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    TZ: 'Asia/Shanghai',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: ENV_ID,
    SCF_FUNCTIONNAME: name,
    TCB_ENV: ENV_ID,
    ...settings,
  };
}

/** What WeChat puts into the environment for one invocation from the mini-program. */
function callerEnv({ openid, context = true }: Invocation): Record<string, string> {
  if (!context) return {};
  const env: Record<string, string> = {
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6,WX_API_TOKEN',
    WX_APPID: APPID,
    WX_CLIENTIP: '10.12.34.56',
    WX_CLIENTIPV6: '::ffff:10.12.34.56',
    // Blacklisted by wx-server-sdk: never part of getWXContext().
    WX_API_TOKEN: 'token-the-sdk-keeps-to-itself',
    TCB_SOURCE: 'wx_client',
  };
  if (openid !== undefined) env.WX_OPENID = openid;
  return env;
}

/** The second argument SCF passes to `main`. */
function scfContext(name: string): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: false,
    memory_limit_in_mb: 256,
    time_limit_in_ms: 20_000,
    request_id: randomUUID(),
    function_name: name,
    function_version: '$LATEST',
    namespace: ENV_ID,
    tencentcloud_region: 'ap-shanghai',
    environment: JSON.stringify({ SCF_NAMESPACE: ENV_ID, TCB_ENV: ENV_ID }),
  };
}

/** The event as the function receives it: the client's data plus WeChat's userInfo. */
function wechatEvent({ openid, event }: Invocation): Record<string, unknown> {
  if ('userInfo' in event) return event;
  return { ...event, userInfo: { appId: APPID, ...(openid ? { openId: openid } : {}) } };
}

/**
 * Starts one instance of a deployed bundle (a cold start), runs the invocations in order on
 * it (warm), and stops it. A guard stops an instance that never answers (not a timing check).
 */
export function runInstance(
  name: string,
  dir: string,
  settings: Record<string, string>,
  invocations: readonly Invocation[],
): Promise<InstanceResult> {
  return new Promise((resolve, reject) => {
    const child = fork(INVOKER, [], { cwd: dir, env: instanceEnv(name, dir, settings), execArgv: [], silent: true });
    let output = '';
    let result: Omit<InstanceResult, 'output'> | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('message', (message) => (result = message as Omit<InstanceResult, 'output'>));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (result) resolve({ ...result, output });
      else reject(new Error(`instance of ${name} ended (${signal ?? code}) without an answer:\n${output}`));
    });
    child.send({
      file: path.join(dir, 'index.js'),
      invocations: invocations.map((invocation) => ({
        env: callerEnv(invocation),
        event: wechatEvent(invocation),
        context: scfContext(name),
      })),
    });
  });
}

/** The envelopes of an instance; a load error or a thrown `main` fails with the instance's output. */
export function envelopes(name: string, result: InstanceResult): Envelope[] {
  if (result.loadError) throw new Error(`${name} did not load: ${result.loadError}\n${result.output}`);
  return (result.answers ?? []).map((answer, index) => {
    if ('threw' in answer) throw new Error(`${name}: main threw on invocation ${index + 1}: ${answer.threw}\n${result.output}`);
    return answer.envelope;
  });
}
