/**
 * WeChat's logic layer, headless: the compiled weapp JS in a `vm` context that has what
 * WeChat's JS engine has (App, Page, Component, getApp, getCurrentPages, wx, require, timers,
 * console) and nothing of a browser (no window, document, fetch or MessageChannel).
 *
 * - `require` follows WeChat's module rules: paths relative to the file, one instance per file,
 *   a missing file is "module … is not defined", and code may not reach into another
 *   subpackage (nor the main package into any subpackage).
 * - A page is an instance made from the options its file passed to Page(): the options' methods,
 *   a copy of `data`, `route`, and `setData` (applied at once, its callback after a turn, as the
 *   view would). Events reach the page through its `eh` handler with WeChat's event shape, at the
 *   node ids the page's own data gives.
 * - `wx` is a stub: navigation, feedback and storage succeed and are recorded, and
 *   wx.cloud.callFunction answers through the `cloud` function given.
 *
 * Every error is collected: thrown by a module or a lifecycle, printed with console.error (React
 * reports render errors so), raised in a timer, or a rejected promise nobody handled.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { packageOf, pageRoutes, readAppJson, subpackageRoots } from './weappBuild';

export type CloudAnswer = (name: string, data: unknown) => unknown;

export interface PageNode {
  sid?: string;
  uid?: string;
  cl?: string;
  v?: string;
  cn?: PageNode[];
  [prop: string]: unknown;
}

type Options = Record<string, unknown>;
type Lifecycle = (this: PageInstance, ...args: unknown[]) => unknown;

export interface PageInstance {
  route: string;
  data: { root?: { cn?: PageNode[] } } & Record<string, unknown>;
  [member: string]: unknown;
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'stack' in error)) {
    return String((error as { stack?: unknown }).stack ?? error);
  }
  return String(error);
}

/** WeChat's setData keys: "a.b[2].c". */
function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.match(/[^.[\]]+/g) ?? [key];
  let node: Record<string, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export class LogicLayer {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly cloudCalls: Array<{ name: string; data: unknown }> = [];
  readonly navigations: Array<{ api: string; url?: string }> = [];
  /** Routes whose file called Page(), and whether app.js called App(). */
  readonly registered = new Set<string>();
  appRegistered = false;

  private readonly roots: string[];
  private readonly context: vm.Context;
  private readonly modules = new Map<string, { exports: unknown }>();
  private readonly pageOptions = new Map<string, Options>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly storage = new Map<string, unknown>();
  private readonly stack: PageInstance[] = [];
  private appOptions: Options | undefined;
  private app: Options | undefined;
  private loading: string | undefined;
  private activity = 0;
  private readonly onRejection = (reason: unknown): void => {
    this.errors.push(`unhandled rejection: ${describe(reason)}`);
  };

  constructor(
    readonly dir: string,
    public cloud: CloudAnswer,
  ) {
    this.roots = subpackageRoots(readAppJson(dir));
    this.context = vm.createContext(this.globals());
    process.on('unhandledRejection', this.onRejection);
  }

  /** Loads app.js (and what it requires), then App's onLaunch and onShow. */
  async launch(): Promise<void> {
    this.guard('app.js', () => this.require('app.js'));
    if (!this.appOptions) {
      this.errors.push('app.js did not call App()');
      return;
    }
    this.appRegistered = true;
    this.app = Object.create(this.appOptions) as Options;
    const launch = { path: 'pages/home/index', query: {}, scene: 1001, referrerInfo: {} };
    this.lifecycle('app', this.app, 'onLaunch', launch);
    this.lifecycle('app', this.app, 'onShow', launch);
    await this.settle();
  }

  /** Every page of app.json, main package first. */
  routes(): string[] {
    return pageRoutes(readAppJson(this.dir));
  }

  /** Opens a page as WeChat does: its file, then onLoad, onShow, onReady. */
  async open(route: string, query: Record<string, string> = {}): Promise<PageInstance | undefined> {
    const file = `${route}.js`;
    this.loading = file;
    this.guard(file, () => this.require(file));
    this.loading = undefined;
    const options = this.pageOptions.get(file);
    if (!options) {
      this.errors.push(`${route}: its file did not call Page() (a chunk it waits for never came)`);
      return undefined;
    }
    const page = this.instantiate(route, options);
    this.stack.push(page);
    this.lifecycle(route, page, 'onLoad', query);
    this.lifecycle(route, page, 'onShow');
    this.lifecycle(route, page, 'onReady');
    await this.settle();
    return page;
  }

  /** The optional page events a person can cause without a control: pull down, scroll to the end. */
  async pullDownAndScroll(page: PageInstance): Promise<void> {
    for (const event of ['onPullDownRefresh', 'onReachBottom'] as const) {
      if (typeof page[event] === 'function') {
        this.lifecycle(page.route, page, event);
        await this.settle();
      }
    }
  }

  async close(page: PageInstance): Promise<void> {
    this.lifecycle(page.route, page, 'onHide');
    this.lifecycle(page.route, page, 'onUnload');
    const index = this.stack.indexOf(page);
    if (index >= 0) this.stack.splice(index, 1);
    await this.settle();
  }

  /** The node whose class list has `className`, in the page's rendered data. */
  find(page: PageInstance, className: string): PageNode | undefined {
    const visit = (nodes: PageNode[] | undefined): PageNode | undefined => {
      for (const node of nodes ?? []) {
        if (typeof node.cl === 'string' && node.cl.split(/\s+/).includes(className)) return node;
        const found = visit(node.cn);
        if (found) return found;
      }
      return undefined;
    };
    return visit(page.data.root?.cn);
  }

  /** Every text of the page's rendered data, in order. */
  texts(page: PageInstance): string[] {
    const out: string[] = [];
    const visit = (nodes: PageNode[] | undefined): void => {
      for (const node of nodes ?? []) {
        if (typeof node.v === 'string') out.push(node.v);
        visit(node.cn);
      }
    };
    visit(page.data.root?.cn);
    return out;
  }

  /** A tap on the node with that class, as the view layer sends it to the page's `eh`. */
  async tap(page: PageInstance, className: string): Promise<void> {
    await this.dispatch(page, className, 'tap', { x: 0, y: 0 });
  }

  /** Typing into the input with that class. */
  async input(page: PageInstance, className: string, value: string): Promise<void> {
    await this.dispatch(page, className, 'input', { value, cursor: value.length, keyCode: 0 });
  }

  /** Stops the timers the app left running and the rejection listener. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    process.off('unhandledRejection', this.onRejection);
  }

  private async dispatch(page: PageInstance, className: string, type: string, detail: Options): Promise<void> {
    const node = this.find(page, className);
    if (!node) throw new Error(`${page.route}: no node with class ${className} in the rendered data`);
    const id = node.uid ?? node.sid ?? '';
    const target = { id, dataset: { sid: node.sid }, offsetLeft: 0, offsetTop: 0 };
    const event = { type, timeStamp: Date.now(), target, currentTarget: target, detail, touches: [], changedTouches: [], mark: {} };
    this.lifecycle(page.route, page, 'eh', event);
    await this.settle();
  }

  private instantiate(route: string, options: Options): PageInstance {
    const page: PageInstance = { ...options, route, __route__: route, data: structuredClone((options.data ?? {}) as PageInstance['data']) };
    page.setData = (data: Record<string, unknown>, callback?: () => void): void => {
      this.activity++;
      for (const [key, value] of Object.entries(data)) setPath(page.data, key, value);
      if (typeof callback === 'function') this.later(() => callback.call(page), 0);
    };
    return page;
  }

  private lifecycle(owner: string, target: Options, name: string, ...args: unknown[]): void {
    const fn = target[name];
    if (typeof fn !== 'function') return;
    this.guard(`${owner} ${name}`, () => (fn as Lifecycle).apply(target as PageInstance, args));
  }

  private guard(where: string, run: () => unknown): void {
    try {
      run();
    } catch (error) {
      this.errors.push(`${where}: ${describe(error)}`);
    }
  }

  /** Lets timers, promises and setData callbacks run until nothing new happens for a few turns. */
  private async settle(): Promise<void> {
    let quiet = 0;
    for (let turn = 0; turn < 500 && quiet < 5; turn++) {
      const before = this.activity;
      await new Promise((resolve) => setTimeout(resolve, 0));
      quiet = this.activity === before ? quiet + 1 : 0;
    }
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.activity++;
      this.guard('timer', fn);
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  /** WeChat's require: relative to the requiring file, within the rules of packages. */
  private require(file: string, from?: string): unknown {
    const cached = this.modules.get(file);
    if (cached) return cached.exports;
    if (from !== undefined) {
      const source = packageOf(from, this.roots);
      const target = packageOf(file, this.roots);
      if (target !== '' && target !== source) {
        throw new Error(`${from} requires ${file}: ${source ? `subpackage ${source}` : 'the main package'} may not use code of subpackage ${target}`);
      }
    }
    const full = path.join(this.dir, file);
    if (file.startsWith('..') || !existsSync(full)) throw new Error(`module "${file}" is not defined${from ? ` (required by ${from})` : ''}`);
    const module = { exports: {} as unknown };
    this.modules.set(file, module);
    const run = vm.compileFunction(readFileSync(full, 'utf8'), ['require', 'module', 'exports'], {
      parsingContext: this.context,
      filename: full,
    });
    const requireHere = (request: string): unknown => {
      const base = request.startsWith('/') ? request.slice(1) : path.posix.join(path.posix.dirname(file), request);
      const target = path.posix.normalize(base);
      return this.require(target.endsWith('.js') ? target : `${target}.js`, file);
    };
    run.call(module.exports, requireHere, module, module.exports);
    return module.exports;
  }

  private globals(): Options {
    const record = (api: string, options: Options | undefined, result: Options = {}): void => {
      this.activity++;
      this.later(() => {
        (options?.success as ((res: Options) => void) | undefined)?.({ errMsg: `${api}:ok`, ...result });
        (options?.complete as ((res: Options) => void) | undefined)?.({ errMsg: `${api}:ok`, ...result });
      }, 0);
    };
    const navigation = (api: string) => (options: Options = {}) => {
      this.navigations.push({ api, url: typeof options.url === 'string' ? options.url : undefined });
      record(api, options);
    };
    const succeed = (api: string, result: Options = {}) => (options: Options = {}) => record(api, options, result);
    const systemInfo = {
      brand: 'devtools', model: 'iPhone 13', pixelRatio: 3, screenWidth: 390, screenHeight: 844, windowWidth: 390,
      windowHeight: 750, statusBarHeight: 47, language: 'zh_CN', version: '8.0.50', system: 'iOS 17.0', platform: 'ios',
      fontSizeSetting: 17, SDKVersion: '3.7.0', theme: 'light', safeArea: { top: 47, bottom: 810, left: 0, right: 390, width: 390, height: 763 },
    };
    const wx: Options = {
      cloud: {
        init: () => undefined,
        callFunction: (options: { name: string; data?: unknown }) => {
          this.activity++;
          this.cloudCalls.push({ name: options.name, data: options.data });
          return Promise.resolve().then(() => ({ result: this.cloud(options.name, options.data), errMsg: 'cloud.callFunction:ok' }));
        },
      },
      navigateTo: navigation('navigateTo'),
      redirectTo: navigation('redirectTo'),
      reLaunch: navigation('reLaunch'),
      switchTab: navigation('switchTab'),
      navigateBack: navigation('navigateBack'),
      showToast: succeed('showToast'),
      hideToast: succeed('hideToast'),
      showLoading: succeed('showLoading'),
      hideLoading: succeed('hideLoading'),
      showModal: succeed('showModal', { confirm: false, cancel: true }),
      showActionSheet: succeed('showActionSheet', { tapIndex: 0 }),
      setNavigationBarTitle: succeed('setNavigationBarTitle'),
      startPullDownRefresh: succeed('startPullDownRefresh'),
      stopPullDownRefresh: succeed('stopPullDownRefresh'),
      pageScrollTo: succeed('pageScrollTo'),
      setClipboardData: succeed('setClipboardData'),
      vibrateShort: succeed('vibrateShort'),
      login: succeed('login', { code: 'stub-login-code' }),
      getStorageSync: (key: string) => (this.storage.has(key) ? this.storage.get(key) : ''),
      setStorageSync: (key: string, value: unknown) => void this.storage.set(key, value),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      clearStorageSync: () => this.storage.clear(),
      getStorage: (options: Options) => record('getStorage', options, { data: this.storage.get(String(options.key)) ?? '' }),
      setStorage: (options: Options) => {
        this.storage.set(String(options.key), options.data);
        record('setStorage', options);
      },
      removeStorage: (options: Options) => {
        this.storage.delete(String(options.key));
        record('removeStorage', options);
      },
      getSystemInfoSync: () => ({ ...systemInfo }),
      getSystemInfo: succeed('getSystemInfo', systemInfo),
      getWindowInfo: () => ({ ...systemInfo }),
      getDeviceInfo: () => ({ ...systemInfo }),
      getAppBaseInfo: () => ({ ...systemInfo }),
      getAccountInfoSync: () => ({ miniProgram: { appId: 'wx0000000000000000', envVersion: 'release', version: '1.0.0' } }),
      getLaunchOptionsSync: () => ({ path: 'pages/home/index', query: {}, scene: 1001, referrerInfo: {} }),
      getEnterOptionsSync: () => ({ path: 'pages/home/index', query: {}, scene: 1001, referrerInfo: {} }),
      getMenuButtonBoundingClientRect: () => ({ width: 87, height: 32, top: 51, right: 381, bottom: 83, left: 294 }),
      canIUse: () => true,
      nextTick: (fn: () => void) => this.later(fn, 0),
    };
    const timers = {
      setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => this.later(() => fn(...args), ms ?? 0),
      clearTimeout: (timer: NodeJS.Timeout) => {
        this.timers.delete(timer);
        clearTimeout(timer);
      },
      setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const timer = setInterval(() => {
          this.activity++;
          this.guard('interval', () => fn(...args));
        }, ms ?? 0);
        this.timers.add(timer);
        return timer;
      },
      clearInterval: (timer: NodeJS.Timeout) => {
        this.timers.delete(timer);
        clearInterval(timer);
      },
    };
    return {
      wx,
      ...timers,
      console: {
        log: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        warn: (...args: unknown[]) => this.warnings.push(args.map(describe).join(' ')),
        error: (...args: unknown[]) => this.errors.push(`console.error: ${args.map(describe).join(' ')}`),
      },
      App: (options: Options) => {
        if (this.appOptions) this.errors.push('App() was called twice');
        this.appOptions = options;
      },
      Page: (options: Options) => {
        if (!this.loading) this.errors.push('Page() was called outside the loading of a page file');
        else this.pageOptions.set(this.loading, options);
        if (this.loading) this.registered.add(this.loading.replace(/\.js$/, ''));
      },
      Component: () => undefined,
      Behavior: (options: Options) => options,
      getApp: () => this.app,
      getCurrentPages: () => [...this.stack],
    };
  }
}
