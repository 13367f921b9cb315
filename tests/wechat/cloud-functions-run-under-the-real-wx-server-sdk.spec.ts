/**
 * The built cloud functions (dist/cloudfunctions, `npm run build:cloud`) as WeChat runs them:
 * deployed with only what their package.json lists, the real wx-server-sdk beside them, each
 * instance a plain `node` process, the caller in WX_* variables, on a throwaway PostgreSQL
 * database. Every bundle the build made is started at least once.
 */
import { builtinModules, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../server/db/migrate';
import { freshPostgres } from '../support/postgres';
import {
  builtBundles,
  bundleManifest,
  CLOUD_DIST,
  envelopes,
  installedVersion,
  deployBundles,
  runInstance,
  type Envelope,
  type Invocation,
} from './support/cloudRuntime';

const bundles = builtBundles();
const OPENID_A = 'oAbCd1234567890_worker-a';
const OPENID_B = 'oZyXw0987654321_someone-b';
const PHONE = '13912345670';

let deployed: ReturnType<typeof deployBundles>;
let database: Awaited<ReturnType<typeof freshPostgres>>;
let settings: Record<string, string>;

/** One cold instance of `name`, then each invocation in order on it. */
async function instance(name: string, invocations: readonly Invocation[], env = settings): Promise<Envelope[]> {
  return envelopes(name, await runInstance(name, deployed.dir(name), env, invocations));
}

function refusedWith(envelope: Envelope | undefined, code: string): void {
  expect(envelope).toMatchObject({ ok: false, error: { code } });
}

function pick<T>(name: string): T {
  if (!bundles.includes(name)) throw new Error(`the build has no ${name} bundle`);
  return name as T;
}

beforeAll(async () => {
  deployed = deployBundles(bundles);
  database = await freshPostgres(2);
  // A deploy step: the schema is in place before the first function starts.
  await migrate(database.db);
  await database.db.close();
  settings = { APP_ENV: 'development', DATABASE_URL: database.url, SMS_COOLDOWN_SECONDS: '0' };
});

afterAll(async () => {
  deployed?.remove();
  await database?.drop();
});

describe('a deployed bundle', () => {
  test('finds the build: at least the functions this test calls by name', () => {
    expect(bundles).toEqual(expect.arrayContaining(['sendCode', 'login', 'me', 'settle']));
  });

  test.each(bundles)('%s lists exactly wx-server-sdk, at the version installed here', (name) => {
    expect(bundleManifest(name).dependencies).toEqual({ 'wx-server-sdk': installedVersion('wx-server-sdk') });
  });

  test.each(bundles)('%s requires no package beyond Node and what it lists', (name) => {
    const code = readFileSync(path.join(CLOUD_DIST, name, 'index.js'), 'utf8');
    const required = new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!));
    const builtin = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const listed = Object.keys(bundleManifest(name).dependencies ?? {});
    // pg asks for pg-native only when `pg.native` is read, which the product never does.
    const packages = [...required].filter((id) => !builtin.has(id) && !listed.includes(id) && id !== 'pg-native');
    expect(packages).toEqual([]);
  });

  test('cannot reach the packages of this repository (so a missing dependency shows)', () => {
    const name = bundles[0]!;
    const requireThere = createRequire(path.join(deployed.dir(name), 'index.js'));
    expect(() => requireThere.resolve('pg')).toThrow();
    expect(requireThere.resolve('wx-server-sdk')).toContain('wx-server-sdk');
  });
});

describe('called from the mini-program', () => {
  let devCode = '';

  test('a public function answers a WeChat caller (sendCode)', async () => {
    const [sent] = await instance(pick('sendCode'), [{ openid: OPENID_A, event: { phone: PHONE } }]);
    expect(sent).toMatchObject({ ok: true, data: { cooldownSeconds: 0 } });
    devCode = String((sent as { data: { devCode?: string } }).data.devCode);
    expect(devCode).toMatch(/^\d{6}$/);
  });

  test('login links the OPENID of the caller; a user function then knows the caller from OPENID alone', async () => {
    const [loggedIn] = await instance(pick('login'), [{ openid: OPENID_A, event: { phone: PHONE, code: devCode } }]);
    expect(loggedIn).toMatchObject({ ok: true, data: { user: { verified: false } } });

    // One warm instance serves callers one after another, as WeChat reuses instances.
    const answers = await instance(pick('me'), [
      { openid: OPENID_A, event: {} },
      { openid: OPENID_B, event: {} },
      { event: {} },
      { openid: '', event: {} },
      { context: false, event: {} },
      // Identity never comes from the event, not even from WeChat's own userInfo field.
      { event: { userInfo: { appId: 'wx0123456789abcdef', openId: OPENID_A } } },
      { openid: OPENID_A, event: {} },
    ]);
    expect(answers[0]).toMatchObject({ ok: true, data: { phone: PHONE, verified: false } });
    for (const refused of answers.slice(1, 6)) refusedWith(refused, 'UNAUTHENTICATED');
    expect(answers[6]).toMatchObject({ ok: true, data: { phone: PHONE } });
  });

  test('another OPENID, cold, is refused by a user function', async () => {
    const [answer] = await instance(pick('me'), [{ openid: OPENID_B, event: {} }]);
    refusedWith(answer, 'UNAUTHENTICATED');
  });

  test('an institution function refuses every WeChat caller: an OPENID is not an institution key', async () => {
    const event = { serialNo: 'SMOKE-0001', patientIdNumber: '11010519491231002X', kind: 'outpatient', amountFen: 100 };
    const answers = await instance(pick('settle'), [{ openid: OPENID_A, event }, { event }, { context: false, event }]);
    for (const answer of answers) refusedWith(answer, 'UNAUTHENTICATED');
  });

  test('a bad event is INVALID_INPUT with its field, on a public and on a user function', async () => {
    const [badPhone] = await instance(pick('sendCode'), [{ openid: OPENID_A, event: { phone: '12345' } }]);
    expect(badPhone).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'phone' } });
    const [extra] = await instance(pick('me'), [{ openid: OPENID_A, event: { role: 'admin' } }]);
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'role' } });
  });
});

describe('every bundle the build made', () => {
  // Two instances at a time: the machine has two cores.
  test.concurrent.each(bundles)('%s starts cold and answers an envelope, refusing callers it cannot know', async (name) => {
    const result = await runInstance(name, deployed.dir(name), settings, [{ event: {} }, { openid: OPENID_A, event: {} }]);
    const [nobody, worker] = envelopes(name, result);
    expect(['public', 'user', 'institution', 'admin']).toContain(result.auth);
    for (const answer of [nobody, worker]) {
      expect(answer).toHaveProperty('ok');
      if (answer && !answer.ok) expect(answer.error.code, result.output).not.toBe('INTERNAL');
    }
    if (result.auth !== 'public') refusedWith(nobody, 'UNAUTHENTICATED');
    if (result.auth === 'institution' || result.auth === 'admin') refusedWith(worker, 'UNAUTHENTICATED');
  });
});

describe('a bundle without its database', () => {
  test('refuses at cold start with UNAVAILABLE naming DATABASE_URL, not a crash', async () => {
    const name = pick<string>('sendCode');
    const { DATABASE_URL: _none, ...withoutDatabase } = settings;
    const answers = await instance(name, [{ openid: OPENID_A, event: { phone: PHONE } }, { openid: OPENID_A, event: { phone: PHONE } }], withoutDatabase);
    for (const answer of answers) {
      refusedWith(answer, 'UNAVAILABLE');
      expect((answer as { error: { message: string } }).error.message).toContain('DATABASE_URL');
    }
  });
});
