/**
 * A tour of a weapp build in the headless logic layer, run in its own process (started by
 * runTour below, through tsx) so that each build gets a fresh engine and nothing the app does
 * can reach the test runner:
 * 1. launch: App() registered, onLaunch and onShow;
 * 2. signed out: every page of app.json opened (onLoad, onShow, onReady), pulled down, scrolled
 *    to the end, and closed, while every cloud function answers UNAUTHENTICATED;
 * 3. the login page: a phone number typed, 获取验证码 tapped (the stub answers sendCode with a
 *    development code), 登录 tapped (login answers a session);
 * 4. signed in: every page again, while every cloud function fails with 系统繁忙.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { LogicLayer } from './logicLayer';

export const TOUR_PHONE = '13912345670';
export const TOUR_DEV_CODE = '246810';

export interface TourReport {
  appRegistered: boolean;
  routes: string[];
  /** Routes whose file called Page(). */
  registered: string[];
  errors: string[];
  warnings: string[];
  cloudCalls: Array<{ name: string; data: unknown }>;
  navigations: Array<{ api: string; url?: string }>;
  login: {
    /** The calls the taps on the login page made, in order. */
    calls: Array<{ name: string; data: unknown }>;
    /** The page's texts after 获取验证码 was answered. */
    textsAfterSend: string[];
    /** Where the page went after 登录 was answered. */
    navigationsAfterLogin: Array<{ api: string; url?: string }>;
  };
}

type Answer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

function answers(phase: 'signed out' | 'login' | 'signed in') {
  return (name: string): Answer => {
    if (name === 'sendCode') return { ok: true, data: { cooldownSeconds: 60, devCode: TOUR_DEV_CODE } };
    if (name === 'login') {
      const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
      return { ok: true, data: { token: 'token-from-the-stub', expiresAt, user: { userId: '00000000-0000-4000-8000-000000000001', verified: true } } };
    }
    if (phase === 'signed in') return { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } };
    return { ok: false, error: { code: 'UNAUTHENTICATED', message: '登录已失效，请重新登录' } };
  };
}

async function visitAll(layer: LogicLayer): Promise<void> {
  for (const route of layer.routes()) {
    const page = await layer.open(route);
    if (!page) continue;
    await layer.pullDownAndScroll(page);
    await layer.close(page);
  }
}

export async function tour(dir: string): Promise<TourReport> {
  const layer = new LogicLayer(dir, answers('signed out'));
  try {
    await layer.launch();
    await visitAll(layer);

    layer.cloud = answers('login');
    const login: TourReport['login'] = { calls: [], textsAfterSend: [], navigationsAfterLogin: [] };
    const page = await layer.open('pages/login/index');
    if (page) {
      const before = layer.cloudCalls.length;
      await layer.input(page, 'login-phone', TOUR_PHONE);
      await layer.tap(page, 'login-send');
      login.textsAfterSend = layer.texts(page);
      const navigated = layer.navigations.length;
      await layer.tap(page, 'login-submit');
      login.calls = layer.cloudCalls.slice(before);
      login.navigationsAfterLogin = layer.navigations.slice(navigated);
      await layer.close(page);
    }

    layer.cloud = answers('signed in');
    await visitAll(layer);

    return {
      appRegistered: layer.appRegistered,
      routes: layer.routes(),
      registered: [...layer.registered],
      errors: layer.errors,
      warnings: layer.warnings,
      cloudCalls: layer.cloudCalls,
      navigations: layer.navigations,
      login,
    };
  } finally {
    layer.dispose();
  }
}

/** Runs the tour of `dir` in a child process and returns its report. */
export function runTour(dir: string): Promise<TourReport> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, [], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, WECHAT_TOUR_CHILD: '1' },
      silent: true,
    });
    let output = '';
    let report: TourReport | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Stops a tour that never ends (not a timing check).
    const guard = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('message', (message) => (report = message as TourReport));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (report) resolve(report);
      else reject(new Error(`the tour ended (${signal ?? code}) without a report:\n${output}`));
    });
    child.send({ dir });
  });
}

if (process.env.WECHAT_TOUR_CHILD === '1' && process.send) {
  process.once('message', ({ dir }: { dir: string }) => {
    tour(dir).then(
      (report) => process.send!(report, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
