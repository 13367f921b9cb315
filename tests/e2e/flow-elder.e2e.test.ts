/**
 * 长辈模式, accessibility and the ways out, in a real browser (Debian's Chromium) against the real
 * gateway with the demo data. Every page is opened in both modes and checked by axe-core (no
 * serious or critical violation), its tap targets measured (44 × 44 CSS px at least) and, in
 * 长辈模式, its text (18 px, line height 1.3) and main controls (60 × 60). Then the dead ends of
 * issue 9, each gone: a deep link opened while logged out comes back after login; after a
 * binding, back goes to the members list; a reload keeps the confirm page's draft and the
 * records' filters; unknown routes and another person's binding show a way home; and the
 * 亲情账户 code is a real QR code that decodes back to the code.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { ROUTES } from '../../src/services/routeTable';
import { launchBrowser, Phone, SCREENSHOT_DIR, type Measured } from './support/browser';
import { assertH5Built, startGateway, type Gateway } from './support/gateway';
import * as steps from './support/steps';

/** 张伟 of the demo cast: a verified worker with relatives and a 亲情账户 member (张建国). */
const ZHANG_WEI = '13800000001';
/** A child of 张伟's, registered for this run: binding a child under 16 is active at once. */
const NEW_CHILD = { name: '张小禾', idNumber: makeIdNumber('130100', '2018-06-01', 579), relationship: 'child' } as const;

const TAP_MIN = 44;
const ELDER_TEXT_MIN = 18;
const ELDER_CONTROL_MIN = 60;
const LINE_HEIGHT_MIN = 1.3;
/** Rounding of rem sizes in the browser. */
const SLACK = 0.05;

let gateway: Gateway;
let browser: Browser;
let phone: Phone;
const counter = { n: 0 };
/** The measured figures, per mode: written to docs/screenshots/elder-figures.json for the record. */
const figures: Record<string, Record<string, { minText: number; minTarget: string; minLineHeightRatio: number; minMainControl: string | null }>> = { normal: {}, elder: {} };

const logIn = (number: string) => steps.logIn(phone, number);

function smallest(items: Measured[], by: (m: Measured) => number): Measured | undefined {
  return [...items].sort((a, b) => by(a) - by(b))[0];
}

/** What the sweep of every page found; reported at its end, all at once. */
let found: string[] = [];

/** The checks of one page in one mode; throws with every offender (or, in a sweep, collects them). */
async function audit(name: string, mode: 'normal' | 'elder', collect = false): Promise<void> {
  const problems: string[] = [];
  try {
    await phone.checkAccessibility();
  } catch (error) {
    problems.push((error as Error).message);
  }
  const targets = await phone.tapTargets();
  for (const t of targets) {
    if (t.width + SLACK < TAP_MIN || t.height + SLACK < TAP_MIN) problems.push(`tap target ${t.what} is ${t.width.toFixed(1)}×${t.height.toFixed(1)}`);
  }
  const texts = await phone.texts();
  const mainControls = targets.filter((t) => /^button\.|\.taro-button-core\b/.test(t.what));
  if (mode === 'elder') {
    expect(await phone.page.locator('.taro_page .large-text').filter({ visible: true }).count()).toBeGreaterThan(0);
    for (const t of texts) {
      if (t.fontSize + SLACK < ELDER_TEXT_MIN) problems.push(`text ${t.what} is ${t.fontSize}px`);
      if (t.lineHeight + SLACK < LINE_HEIGHT_MIN * t.fontSize) problems.push(`text ${t.what} has line height ${t.lineHeight}px for ${t.fontSize}px`);
    }
    for (const c of mainControls) {
      if (c.width + SLACK < ELDER_CONTROL_MIN || c.height + SLACK < ELDER_CONTROL_MIN) problems.push(`main control ${c.what} is ${c.width.toFixed(1)}×${c.height.toFixed(1)}`);
    }
  }
  const minText = smallest(texts, (t) => t.fontSize);
  const minTarget = smallest(targets, (t) => Math.min(t.width, t.height));
  const minRatio = smallest(texts, (t) => t.lineHeight / t.fontSize);
  const minControl = smallest(mainControls, (t) => Math.min(t.width, t.height));
  figures[mode]![name] = {
    minText: minText?.fontSize ?? 0,
    minTarget: minTarget ? `${minTarget.width.toFixed(1)}×${minTarget.height.toFixed(1)}` : '',
    minLineHeightRatio: minRatio ? Number((minRatio.lineHeight / minRatio.fontSize).toFixed(2)) : 0,
    minMainControl: minControl ? `${minControl.width.toFixed(1)}×${minControl.height.toFixed(1)}` : null,
  };
  if (problems.length === 0) return;
  const report = `${name} (${mode}):\n${problems.join('\n')}`;
  if (collect) found.push(report);
  else throw new Error(report);
}

/** Opens `route` by its URL (a fresh load), waits for `ready`, checks it; H5 shows a title bar with 返回 except at home. */
async function openAndAudit(name: string, route: string, mode: 'normal' | 'elder', ready: string, query = ''): Promise<void> {
  await phone.open(`${route}${query}`);
  await phone.visit(route, { ready });
  await phone.$('.title-bar__title').waitFor();
  if (route !== ROUTES.home) await phone.$('.title-bar__back').waitFor();
  await audit(name, mode, true);
  if (mode === 'elder' && ['home', 'settings', 'family-account', 'covered', 'records'].includes(name)) await phone.screenshot(`elder-${name}`);
}

let bindingId = '';

beforeAll(async () => {
  assertH5Built();
  gateway = await startGateway();
  browser = await launchBrowser();
  phone = await Phone.open(browser, gateway.baseUrl, counter);
  const registered = await gateway.call(
    'upsertPersons',
    { persons: [{ idNumber: NEW_CHILD.idNumber, name: NEW_CHILD.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100' }] },
    gateway.adminKey,
  );
  expect(registered).toEqual({ ok: true, data: { upserted: 1 } });
}, 120_000);

afterEach(() => {
  expect(phone?.problems ?? []).toEqual([]);
});

afterAll(async () => {
  writeFileSync(path.join(SCREENSHOT_DIR, 'elder-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await phone?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await gateway?.stop();
}, 30_000);

describe.sequential('长辈模式, accessibility and no dead ends', () => {
  test('a deep link opened while logged out returns to its page after login, filters and all', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    await phone.open(`${ROUTES.records}?month=${month}`);
    await logIn(ZHANG_WEI);
    await phone.visit(ROUTES.records, { ready: `.filter-chips--month .filter-chip--selected` });
    expect(phone.page.url()).toContain(`month=${month}`);
    expect(await phone.$('.filter-chips--month .filter-chip--selected').innerText()).not.toBe('全部时间');
  });

  test('record filters live in the URL: a reload keeps them', async () => {
    await phone.open(ROUTES.records);
    await phone.visit(ROUTES.records, { ready: '.filter-chips--month .filter-chip' });
    const chip = phone.$('.filter-chips--month .filter-chip').nth(2);
    const label = await chip.innerText();
    await chip.click();
    await phone.page.waitForFunction(() => /month=\d{4}-\d{2}/.test(window.location.hash));
    await phone.page.reload();
    await phone.visit(ROUTES.records, { ready: '.filter-chips--month .filter-chip--selected' });
    expect(await phone.$('.filter-chips--month .filter-chip--selected').innerText()).toBe(label);
  });

  test('the add-relative draft survives a reload of the confirm page, and after binding back goes to the members list', async () => {
    await phone.open(ROUTES.home);
    await phone.visit(ROUTES.home, { ready: '.home-entry--members' });
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.members-add' });
    await phone.tap('.members-add');
    await phone.visit(ROUTES.relativeAdd, { ready: `.relationship-option--${NEW_CHILD.relationship}` });
    await phone.tap(`.relationship-option--${NEW_CHILD.relationship}`);
    await phone.type('.relative-name', NEW_CHILD.name);
    await phone.type('.relative-id', NEW_CHILD.idNumber);
    await phone.visit(ROUTES.relativeAdd, { text: '号码格式正确' });
    await phone.tap('.relative-next');
    await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-submit' });

    await phone.page.reload();
    await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-submit' });
    expect(await phone.$('.confirm-name').innerText()).toBe(NEW_CHILD.name);
    await audit('relative-confirm', 'normal');

    await phone.tap('.undertaking-accept');
    await phone.$('.undertaking-accept--checked').waitFor();
    await phone.tap('.confirm-submit');
    await phone.visit(ROUTES.relativeDetail, { ready: '.binding-card .status-tag--active', text: NEW_CHILD.name });
    bindingId = new URL(phone.page.url()).hash.split('bindingId=')[1]?.split('&')[0] ?? '';
    expect(bindingId).not.toBe('');

    await phone.page.goBack();
    await phone.visit(ROUTES.members, { text: NEW_CHILD.name });
  });

  test('an unknown route and another person’s binding show a page with the way home', async () => {
    await phone.open('/pages/no-such-page/index');
    await phone.visit(ROUTES.notFound, { ready: '.not-found-home' });
    await audit('not-found', 'normal');
    await phone.tap('.not-found-home');
    await phone.visit(ROUTES.home, { ready: '.home-entry--members' });

    await phone.open(`${ROUTES.relativeDetail}?bindingId=00000000-0000-4000-8000-000000000000`);
    await phone.visit(ROUTES.relativeDetail, { ready: '.not-found-home' });
    expect(await phone.text()).toContain('不属于您');
    await phone.tap('.not-found-home');
    await phone.visit(ROUTES.home, { ready: '.home-entry--members' });
  });

  test('the 亲情账户 code is a real QR code, in view, that decodes back to the code', async () => {
    await phone.open(ROUTES.familyAccount);
    await phone.visit(ROUTES.familyAccount, { ready: '.member-code' });
    await phone.tap('.member-code');
    const image = phone.$('.qr-code__image');
    await image.waitFor();
    await phone.page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('.qr-code__image')).some((img) => img.complete && img.naturalWidth > 0));
    // Scrolled into view: the whole code is on the screen.
    await phone.page.waitForFunction(() => {
      const img = Array.from(document.querySelectorAll<HTMLElement>('.qr-code__image')).find((el) => el.checkVisibility());
      const box = img?.getBoundingClientRect();
      return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
    });
    const pixels = await phone.page.evaluate(() => {
      const img = Array.from(document.querySelectorAll<HTMLImageElement>('.qr-code__image')).find((el) => el.checkVisibility())!;
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height);
      return { width: data.width, height: data.height, data: Array.from(data.data) };
    });
    const decoded = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
    const shown = (await phone.$('.family-code__text').innerText()).replace(/\s/g, '');
    expect(decoded?.data).toBe(shown);
    await audit('family-code', 'normal');
  });

  // What the sweep measured is written to docs/screenshots/elder-figures.json.
  for (const mode of ['normal', 'elder'] as const) {
    test(`every page in ${mode === 'elder' ? '长辈模式' : 'the normal mode'}: axe-core finds nothing serious, tap targets${mode === 'elder' ? ', text and main controls' : ''} are large enough`, async () => {
      found = [];
      await phone.open(ROUTES.home);
      await phone.visit(ROUTES.home, { ready: '.home-elder-switch' });
      const on = (await phone.$('.home-elder-switch').innerText()).includes('已开启');
      if (on !== (mode === 'elder')) await phone.tap('.home-elder-switch');
      if (mode === 'elder') {
        await phone.$('.home-elder-covered').waitFor();
        // Only the few things an elderly person does.
        expect(await phone.$('.home-entry').count()).toBe(0);
        expect(await phone.text()).toContain('12393');
      }
      await audit('home', mode, true);
      if (mode === 'elder') await phone.screenshot('elder-home');
      await openAndAudit('settings', ROUTES.settings, mode, '.settings-elder-switch');
      await openAndAudit('members', ROUTES.members, mode, '.binding-card');
      await openAndAudit('relative-add', ROUTES.relativeAdd, mode, '.relationship-option--child');
      await openAndAudit('relative-detail', ROUTES.relativeDetail, mode, '.binding-card', `?bindingId=${bindingId}`);
      await openAndAudit('records', ROUTES.records, mode, '.filter-chips--month .filter-chip');
      await openAndAudit('covered', ROUTES.covered, mode, '.page');
      await openAndAudit('diagnose', ROUTES.diagnose, mode, '.filter-chips--patient .filter-chip');
      await openAndAudit('family-account', ROUTES.familyAccount, mode, '.member-code');
      await openAndAudit('messages', ROUTES.messages, mode, '.page');
      await openAndAudit('not-found', ROUTES.notFound, mode, '.not-found-home');
      // Logged out: the login page.
      await phone.open(ROUTES.settings);
      await phone.visit(ROUTES.settings, { ready: '.settings-logout' });
      await phone.tap('.settings-logout');
      await phone.visit(ROUTES.login, { ready: '.login-phone' });
      await audit('login', mode, true);
      if (mode === 'elder') await phone.screenshot('elder-login');
      // Logged in again: back on the page that was open (settings), as after any ended session.
      await logIn(ZHANG_WEI);
      await phone.visit(ROUTES.settings, { ready: '.settings-logout' });
      expect(found).toEqual([]);
    });
  }
});
