import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from './gateway';

export const SCREENSHOT_DIR = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Debian's Chromium in a container (FIELD-NOTES "Playwright with Debian's Chromium"). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 15_000;
const AXE_SOURCE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/** An axe-core violation as the report shows it. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** A measured element: what it is, its size and its text metrics (CSS px). */
export interface Measured {
  what: string;
  width: number;
  height: number;
  fontSize: number;
  lineHeight: number;
}

/** Words that must never reach a person's screen (SPEC: all user-facing text is Chinese). */
const ENGLISH_ERROR = /\b(error|undefined|nan|null|exception|failed)\b|\[object \w+\]|invalid date/i;
/** `¥1,234.56`, `-¥12.30`; a refund shows as `已退 ¥28.00`. */
const AMOUNT = /^(已退 )?-?¥\d{1,3}(,\d{3})*\.\d{2}$/;
/** A yuan sign anywhere in the text must start such an amount. */
const YUAN_SIGN = /[¥￥]/g;
const AMOUNT_AT = /^[¥￥]\d{1,3}(,\d{3})*\.\d{2}(?!\d)/;
/** A full GB 11643 number: 17 digits and a check character. */
const FULL_ID_NUMBER = /(?<![\d*])\d{17}[\dXx](?![\d*])/;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Removes the previous run's numbered screenshots (`NN-name.png`): each run writes the whole set. */
export function resetScreenshots(): void {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const file of readdirSync(SCREENSHOT_DIR)) {
    if (/^\d{2}-[a-z0-9-]+\.png$/.test(file)) rmSync(path.join(SCREENSHOT_DIR, file));
  }
}

interface VisitOptions {
  /** A locator (inside the current page) that shows the page has what the step needs. */
  ready?: string;
  /** Text the current page must show. */
  text?: string | RegExp;
  /** Save `NN-<shot>.png`; without it the page is checked but not photographed (a page passed through again). */
  shot?: string;
}

/**
 * One person's phone: a browser context at 375×812 and the H5 app's hash routes. Every `visit`
 * waits for the page to settle, checks what any page must satisfy (Chinese only, amounts as
 * `¥x,xxx.xx`, ID numbers masked, no errors in the console) and saves a numbered screenshot.
 */
export class Phone {
  readonly page: Page;
  readonly problems: string[] = [];
  readonly shots: string[] = [];
  private constructor(
    private readonly context: BrowserContext,
    page: Page,
    private readonly baseUrl: string,
    private readonly counter: { n: number },
  ) {
    this.page = page;
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url ?? '';
      if (/favicon/i.test(where) || /favicon/i.test(message.text())) return;
      // The gateway mirrors an envelope's error in the HTTP status (a 403 for PROOF_REQUIRED, a 422
      // for a refused binding): Chromium logs each such answer, which the app reads and shows.
      if (/\/api\/\w+$/.test(where) && /status of 4\d\d\b/.test(message.text())) return;
      this.problems.push(`console error on ${page.url()}: ${message.text()} (${where})`);
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  }

  static async open(browser: Browser, baseUrl: string, counter: { n: number }): Promise<Phone> {
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    return new Phone(context, page, baseUrl, counter);
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** Opens a hash route directly (the first page of a session). */
  async open(route: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/#${route}`);
  }

  /** The one element matching `selector` on the page in front (Taro keeps the pages behind it in the DOM, hidden). */
  $(selector: string): Locator {
    return this.page.locator(selector).filter({ visible: true });
  }

  /** Clicks a control once it is enabled (a Taro Button is a `<div class="taro-button-core">`: no disabled state Playwright knows). */
  async tap(selector: string, options: { hasText?: string | RegExp } = {}): Promise<void> {
    const target = options.hasText ? this.$(selector).filter({ hasText: options.hasText }) : this.$(selector);
    await target.first().waitFor();
    await this.page.waitForFunction(
      (el) => el !== null && !el.hasAttribute('disabled') && !el.classList.contains('weui-btn_disabled') && !el.classList.contains('taro-btn-disabled'),
      await target.first().elementHandle(),
    );
    await target.first().click();
  }

  /** The `<input>` of a Taro Input: the element itself on H5 (`<input class="taro-input-core my-field">`). */
  input(selector: string): Locator {
    return this.$(selector).locator('xpath=descendant-or-self::input');
  }

  async type(selector: string, value: string): Promise<void> {
    await this.input(selector).fill(value);
  }

  async inputValue(selector: string): Promise<string> {
    return this.input(selector).inputValue();
  }

  /** The visible text of the page in front. */
  async text(): Promise<string> {
    return this.page.evaluate(() => document.body.innerText);
  }

  /** Waits until `route` is the only page shown and its slide-in is over. */
  async settle(route: string): Promise<void> {
    await this.page.waitForFunction(
      (path) => {
        const pages = Array.from(document.querySelectorAll<HTMLElement>('.taro_page'));
        const shown = pages.filter((el) => getComputedStyle(el).display !== 'none');
        if (shown.length !== 1) return false;
        const [top] = shown;
        return (
          top !== undefined &&
          top.classList.contains('taro_page_show') &&
          top.classList.contains('taro_page_stationed') &&
          (top.id === path || top.id.startsWith(`${path}?`)) &&
          pages.every((el) => el === top || el.classList.contains('taro_page_shade'))
        );
      },
      route,
      { timeout: WAIT_MS },
    );
  }

  /** The page `route` is in front and loaded: checked, and photographed when `shot` is given. */
  async visit(route: string, options: VisitOptions = {}): Promise<void> {
    await this.settle(route);
    if (options.ready) await this.$(options.ready).first().waitFor();
    if (options.text) await this.$('.taro_page').filter({ hasText: options.text }).waitFor();
    // Nothing still loading: lists, pages of records, the account card.
    await this.page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.list-state--loading, .list-footer--loading, .home-account__loading, .records-total__placeholder')).every(
        (el) => !el.checkVisibility(),
      ),
    );
    await this.checkPage();
    if (options.shot) {
      const file = `${String(++this.counter.n).padStart(2, '0')}-${options.shot}.png`;
      // Toasts fade out on their own; the documentation shows the page, not the toast.
      await this.page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>('.taro__toast')).every((el) => !el.checkVisibility()));
      await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, file), animations: 'disabled', caret: 'hide' });
      this.shots.push(file);
    }
  }

  /**
   * axe-core in the page in front (the pages behind it are hidden, and so skipped): the
   * violations of impact `serious` or `critical`.
   */
  async axe(): Promise<AxeFinding[]> {
    const loaded = await this.page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
    // Evaluated through the DevTools protocol, not as a <script>: the app's CSP (no inline script) stays on.
    if (!loaded) await this.page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
    });
  }

  /** Throws when axe-core finds a serious or critical violation on the page in front. */
  async checkAccessibility(): Promise<void> {
    const findings = await this.axe();
    if (findings.length > 0) {
      const where = this.page.url().replace(/^.*#/, '');
      throw new Error(`${where}: axe-core found ${findings.length} serious or critical violation(s):\n${findings.map((f) => `${f.impact} ${f.id}: ${f.help} at ${f.targets.join(', ')}`).join('\n')}`);
    }
  }

  /**
   * The tap targets of the page in front (buttons, links, switches, inputs, anything with a
   * click role): their rendered size.
   */
  async tapTargets(): Promise<Measured[]> {
    return this.page.evaluate(() => {
      const front = Array.from(document.querySelectorAll<HTMLElement>('.taro_page')).find((el) => el.checkVisibility()) ?? document.body;
      const selector = '.taro-button-core, button, a[href], [role="button"], [role="switch"], [role="link"], [role="checkbox"], .text-button, .demo-phone, .weui-input';
      return Array.from(front.querySelectorAll<HTMLElement>(selector))
        .filter((el) => el.checkVisibility() && !el.closest('[aria-hidden="true"]'))
        .filter((el) => !el.parentElement?.closest(selector))
        .map((el) => {
          const box = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          return {
            what: `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} "${el.innerText.trim().slice(0, 20)}"`,
            width: box.width,
            height: box.height,
            fontSize: parseFloat(style.fontSize),
            lineHeight: style.lineHeight === 'normal' ? parseFloat(style.fontSize) * 1.2 : parseFloat(style.lineHeight),
          };
        });
    });
  }

  /** Every visible piece of text on the page in front: its element and computed font size and line height. */
  async texts(): Promise<Measured[]> {
    return this.page.evaluate(() => {
      const front = Array.from(document.querySelectorAll<HTMLElement>('.taro_page')).find((el) => el.checkVisibility()) ?? document.body;
      const found: Measured[] = [];
      const walker = document.createTreeWalker(front, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || !node.textContent?.trim() || !el.checkVisibility() || el.closest('[aria-hidden="true"]')) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        const style = getComputedStyle(el);
        found.push({
          what: `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} "${node.textContent.trim().slice(0, 20)}"`,
          width: box.width,
          height: box.height,
          fontSize: parseFloat(style.fontSize),
          lineHeight: style.lineHeight === 'normal' ? parseFloat(style.fontSize) * 1.2 : parseFloat(style.lineHeight),
        });
      }
      return found;
    });
  }

  /** Saves `docs/screenshots/<name>.png` (not numbered: kept across runs). */
  async screenshot(name: string): Promise<void> {
    await this.page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>('.taro__toast')).every((el) => !el.checkVisibility()));
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
  }

  /** What every page must satisfy. Throws with the page and the offending text. */
  async checkPage(): Promise<void> {
    const where = this.page.url().replace(/^.*#/, '');
    const { text, guide, amounts } = await this.page.evaluate(() => {
      const guideEl = Array.from(document.querySelectorAll<HTMLElement>('.demo-guide')).find((el) => el.checkVisibility());
      return {
        text: document.body.innerText,
        guide: guideEl?.innerText ?? '',
        amounts: Array.from(document.querySelectorAll<HTMLElement>('.amount')).filter((el) => el.checkVisibility()).map((el) => el.innerText.trim()),
      };
    });
    if (this.problems.length > 0) throw new Error(`${where}: the app reported errors:\n${this.problems.join('\n')}`);
    const english = ENGLISH_ERROR.exec(text);
    if (english) throw new Error(`${where}: English error text "${english[0]}" on the page:\n${text}`);
    // The development login page lists the fictitious demo people (full ID numbers, by design):
    // the other checks look at everything else.
    const own = guide ? text.replace(guide, '') : text;
    const id = FULL_ID_NUMBER.exec(own);
    if (id) throw new Error(`${where}: an unmasked ID number "${id[0]}" is shown:\n${own}`);
    for (const amount of amounts) {
      if (!AMOUNT.test(amount)) throw new Error(`${where}: the amount "${amount}" is not shown as ¥x,xxx.xx`);
    }
    for (const match of own.matchAll(YUAN_SIGN)) {
      const rest = own.slice(match.index);
      if (!AMOUNT_AT.test(rest)) throw new Error(`${where}: an amount "${rest.slice(0, 16)}" is not shown as ¥x,xxx.xx`);
    }
  }
}
