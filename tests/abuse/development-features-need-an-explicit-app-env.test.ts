import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app';
import { checkDatabaseChoice, loadConfig } from '../../server/config';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { DevFaceCheckProvider } from '../../server/platform/faceCheck';
import { createLogger } from '../../server/platform/log';
import { useTestDb } from '../support/adapters';
import { CapturingSms, Harness } from '../support/harness';

/**
 * SPEC 2.13 and 3.1: the server refuses to start without APP_ENV; devCode, the demo WeChat phone
 * login (and the other development features) only under an explicit APP_ENV=development;
 * production refuses PGlite unless ALLOW_PGLITE_IN_PRODUCTION=1 says so.
 */

const ROOT = path.resolve(__dirname, '../..');
const SECRETS = { ADMIN_KEY: 'a'.repeat(40), SESSION_SECRET: 'b'.repeat(40), ID_DIGEST_KEY: 'c'.repeat(40) };
const PRODUCTION = { APP_ENV: 'production', ...SECRETS };

/** `server/main.ts` as `npm start` runs it, with exactly this environment; its exit code and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SKIP_H5_BUILD: '1', SKIP_STAFF_BUILD: '1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

describe('APP_ENV', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is required: every production secret set but APP_ENV forgotten is refused, naming APP_ENV', () => {
    expect(() => loadConfig({ ...SECRETS, DATABASE_URL: 'postgres://db/x' })).toThrow(/APP_ENV is required/);
    expect(() => loadConfig({ ...SECRETS, APP_ENV: '' })).toThrow(/APP_ENV/);
    expect(() => loadConfig({ ...SECRETS, APP_ENV: 'prod' })).toThrow(/APP_ENV must be/);
  });

  it('npm start sets APP_ENV=development unless one is given', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/APP_ENV=\$\{APP_ENV:-development\}/);
  });

  it('server/main.ts refuses to start without it and says why', async () => {
    const { code, output } = await start({});
    expect(code).toBe(1);
    expect(output).toMatch(/refusing to start.*APP_ENV is required/);
    expect(output).not.toContain('listening on');
  }, 90_000);

  it('production on PGlite: refused by server/main.ts with the variable that allows it; allowed only when it is set', async () => {
    const { code, output } = await start(PRODUCTION);
    expect(code).toBe(1);
    expect(output).toMatch(/refusing to start.*DATABASE_URL.*ALLOW_PGLITE_IN_PRODUCTION=1/);
    expect(() => checkDatabaseChoice(loadConfig(PRODUCTION))).toThrow(/ALLOW_PGLITE_IN_PRODUCTION/);
    await expect(createApp(loadConfig(PRODUCTION), { log: createLogger({ write: () => undefined }) })).rejects.toThrow(/ALLOW_PGLITE_IN_PRODUCTION/);
    expect(() => checkDatabaseChoice(loadConfig({ ...PRODUCTION, ALLOW_PGLITE_IN_PRODUCTION: '1' }))).not.toThrow();
    expect(() => checkDatabaseChoice(loadConfig({ ...PRODUCTION, DATABASE_URL: 'postgres://db/x' }))).not.toThrow();
    expect(() => checkDatabaseChoice(loadConfig({ APP_ENV: 'development' }))).not.toThrow();
  }, 90_000);
});

describe('development features in production (PGlite)', () => {
  const getDb = useTestDb('pglite');

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('sendCode never answers devCode in production; in development it does', async () => {
    const production = await Harness.create(getDb(), PRODUCTION);
    const answer = await production.ok('sendCode', { phone: '13400000001' });
    expect(answer).not.toHaveProperty('devCode');
    expect(JSON.stringify(answer)).not.toMatch(/\d{6}/);
    const development = await Harness.create(getDb(), { APP_ENV: 'development' });
    expect(await development.ok('sendCode', { phone: '13400000002' })).toHaveProperty('devCode', development.sms.lastCode('13400000002'));
  });

  it('production without WECHAT_APPID/WECHAT_SECRET: the WeChat phone login answers an error, never the demo login', async () => {
    vi.stubEnv('WECHAT_APPID', '');
    vi.stubEnv('WECHAT_SECRET', '');
    const log = createLogger({ write: () => undefined });
    const app = await createApp(loadConfig(PRODUCTION), {
      db: getDb(),
      log,
      sms: new CapturingSms(),
      faceCheck: new DevFaceCheckProvider(),
      noticeChannels: [],
    });
    const main = (await loadCloudFunctions()).get('loginByWechatPhone')!;
    const answer = await main({ phoneCode: 'dev:13400000003' }, { source: 'gateway', app });
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(!answer.ok && answer.error.message).toMatch(/短信验证码登录/);
    const users = await app.db.query('SELECT 1 FROM users WHERE phone = $1', ['13400000003']);
    expect(users).toHaveLength(0);
    // In development the demo login works (and is the only place it does).
    const dev = await createApp(loadConfig({ APP_ENV: 'development' }), { db: getDb(), log, sms: new CapturingSms(), noticeChannels: [] });
    expect((await main({ phoneCode: 'dev:13400000003' }, { source: 'gateway', app: dev })).ok).toBe(true);
  });
});
