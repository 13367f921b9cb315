/**
 * The compiled weapp JS run as WeChat's logic layer runs it, headless (support/logicLayer.ts,
 * one process per build): App() and every page of app.json registered, their lifecycles run
 * signed out and signed in, and not one error; the login page's taps reach sendCode and login
 * through the compiled page. Each failure it must catch meets a broken copy of the build.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runTour, TOUR_DEV_CODE, TOUR_PHONE, type TourReport } from './support/tour';
import { assertWeappBuilt, copyBuild, pageRoutes, readAppJson, subpackageRoots, WEAPP_DIST } from './support/weappBuild';

assertWeappBuilt();

describe('the weapp build in a headless logic layer', () => {
  let report: TourReport;
  beforeAll(async () => {
    report = await runTour(WEAPP_DIST);
  });

  test('registers App() and every page of app.json', () => {
    expect(report.appRegistered).toBe(true);
    expect(report.routes).toEqual(pageRoutes(readAppJson()));
    expect([...report.registered].sort()).toEqual([...report.routes].sort());
  });

  test('runs every lifecycle, signed out and signed in, without one error', () => {
    expect(report.errors).toEqual([]);
  });

  test('the login page: typing a phone and tapping 获取验证码 calls sendCode, and the code it answers is shown', () => {
    expect(report.login.calls[0]).toEqual({ name: 'sendCode', data: { phone: TOUR_PHONE } });
    expect(report.login.textsAfterSend).toContain(`开发环境验证码：${TOUR_DEV_CODE}（已自动填入）`);
  });

  test('the login page: tapping 登录 calls login with that code, and the session opens the home page', () => {
    expect(report.login.calls[1]).toEqual({ name: 'login', data: { phone: TOUR_PHONE, code: TOUR_DEV_CODE } });
    expect(report.login.navigationsAfterLogin).toContainEqual({ api: 'reLaunch', url: expect.stringMatching(/^\/pages\/home\/index/) });
  });
});

/** A copy of the build broken by `change`, toured; the copy is removed afterwards. */
async function tourBroken(change: (dir: string) => void): Promise<TourReport> {
  const copy = copyBuild();
  try {
    change(copy.dir);
    return await runTour(copy.dir);
  } finally {
    copy.remove();
  }
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  const before = readFileSync(full, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`could not break ${file}: the build's shape changed, update this control`);
  writeFileSync(full, after);
}

/** The first page, in app.json's order, whose file requires a chunk; and that chunk. */
function pageWithChunk(dir: string): { route: string; chunk: string } {
  for (const route of pageRoutes(readAppJson(dir))) {
    const match = /require\("([^"]+)"\)/.exec(readFileSync(path.join(dir, `${route}.js`), 'utf8'));
    if (match) return { route, chunk: path.posix.normalize(path.posix.join(path.posix.dirname(route), match[1]!)) };
  }
  throw new Error('no page requires a chunk: update this control');
}

describe('negative controls: broken copies the logic layer must catch', () => {
  test.concurrent('a page whose JS throws while it loads', async () => {
    const route = pageRoutes(readAppJson())[0]!;
    const report = await tourBroken((dir) => edit(dir, `${route}.js`, (text) => `${text}\nthrow new Error('broken at load');\n`));
    expect(report.errors).toContainEqual(expect.stringContaining('broken at load'));
  });

  test.concurrent('a page whose chunk is missing', async () => {
    let missing = '';
    const report = await tourBroken((dir) => {
      missing = pageWithChunk(dir).chunk;
      rmSync(path.join(dir, missing));
    });
    expect(report.errors).toContainEqual(expect.stringContaining(`module "${missing}" is not defined`));
  });

  test.concurrent('a page whose chunks never all arrive, so it never calls Page()', async () => {
    const route = pageRoutes(readAppJson()).at(-1)!;
    const report = await tourBroken((dir) => edit(dir, `${route}.js`, (text) => text.replace(/\.O\(0,\[\d+/, '.O(0,[987654321')));
    expect(report.registered).not.toContain(route);
    expect(report.errors).toContainEqual(expect.stringContaining(`${route}: its file did not call Page()`));
  });

  test.concurrent('a subpackage page that requires code of another subpackage', async () => {
    const app = readAppJson();
    const [own, other] = subpackageRoots(app);
    if (!own || !other) throw new Error('this control needs two subpackages');
    const report = await tourBroken((dir) => {
      const page = pageRoutes(app).find((route) => route.startsWith(`${own}/`))!;
      const foreign = readdirSync(path.join(dir, other), { recursive: true, encoding: 'utf8' }).find((file) => file.endsWith('.js'))!;
      const request = path.posix.relative(path.posix.dirname(page), `${other}/${foreign}`);
      edit(dir, `${page}.js`, (text) => `require(${JSON.stringify(request)});\n${text}`);
    });
    expect(report.errors).toContainEqual(expect.stringContaining(`may not use code of subpackage ${other}`));
  });

  test.concurrent('a page whose onShow throws', async () => {
    const route = pageRoutes(readAppJson())[0]!;
    const hook = `var Page = (function (register) { return function (options) { options.onShow = function () { throw new Error('broken onShow'); }; return register(options); }; })(globalThis.Page);\n`;
    const report = await tourBroken((dir) => edit(dir, `${route}.js`, (text) => `${hook}${text}`));
    expect(report.errors).toContainEqual(expect.stringContaining(`${route} onShow: Error: broken onShow`));
  });

  test.concurrent('a login page whose button calls another function than sendCode', async () => {
    const report = await tourBroken((dir) => edit(dir, 'pages/login/index.js', (text) => text.replaceAll('"sendCode"', '"sendKode"')));
    expect(report.login.calls.map((call) => call.name)).not.toContain('sendCode');
    expect(report.login.calls[0]).toEqual({ name: 'sendKode', data: { phone: TOUR_PHONE } });
  });
});
