/**
 * The whole product in a real browser (Debian's Chromium through playwright-core) against the
 * real gateway on a fresh PGlite database with the demo data: a new worker logs in, verifies,
 * adds a spouse and a child, a hospital settles a bill for the child through the institution
 * API, the worker and the child both see the payment, the worker unbinds the child, and the
 * diagnosis page explains the four failures of the demo cast. Every page visited is checked
 * (Chinese only, amounts as ¥x,xxx.xx, ID numbers masked, a clean console) and photographed
 * into docs/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { DIAGNOSIS_TEXT, type DiagnosisCode } from '../../src/rules/diagnosis';
import { maskIdNumber } from '../../src/rules/mask';
import { ROUTES } from '../../src/services/routeTable';
import { launchBrowser, Phone, resetScreenshots } from './support/browser';
import { assertH5Built, ROOT, startGateway, type Gateway } from './support/gateway';

/** New people, registered through the operator API: not in the demo cast, nobody verified yet. */
const WORKER = {
  name: '林峰',
  idNumber: makeIdNumber('130100', '1986-04-20', 135),
  phone: '13912340001',
  balanceFen: 523_456,
};
const SPOUSE = { name: '何静', idNumber: makeIdNumber('130100', '1988-09-15', 246), relationship: 'spouse', label: '配偶' } as const;
const CHILD = {
  name: '林小雨',
  idNumber: makeIdNumber('130100', '2016-03-22', 358),
  relationship: 'child',
  label: '子女',
  phone: '13912340002',
} as const;
const BILL = { serialNo: 'E2E-BILL-0001', kind: 'outpatient', amountFen: 128_650 } as const;

/** The four failures of the demo cast (server/demo/cast.ts), as the diagnosis page explains them. */
const FAILURES: Array<{ phone: string; who: string; patient: string | RegExp; code: DiagnosisCode; shot: string }> = [
  { phone: '13800000007', who: '刘洋, whose father 刘德 is suspended', patient: '刘德（父母）', code: 'NOT_INSURED', shot: 'diagnose-not-insured' },
  { phone: '13800000001', who: '张伟, whose father 张建国 is only in the 亲情账户', patient: '张建国（亲情账户）', code: 'FAMILY_ACCOUNT_ONLY', shot: 'diagnose-family-account-only' },
  { phone: '13800000003', who: '王芳, whose balance is zero', patient: '赵秀英（父母）', code: 'BALANCE_ZERO', shot: 'diagnose-balance-zero' },
  { phone: '13800000011', who: '吴刚, whose brother is insured in 唐山', patient: /^我自己（.+的共济）$/, code: 'OUT_OF_REGION', shot: 'diagnose-out-of-region' },
];

let gateway: Gateway;
let browser: Browser;
let phone: Phone;
const counter = { n: 0 };

/** The login page in front: a phone number, the code (filled in by the development gateway), 登录. */
async function logIn(number: string, shot?: string): Promise<void> {
  await phone.visit(ROUTES.login, { ready: '.demo-guide', ...(shot ? { shot } : {}) });
  await phone.type('.login-phone', number);
  await phone.tap('.login-send');
  await phone.page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLInputElement>('.login-code input')).some((input) => input.checkVisibility() && /^\d{6}$/.test(input.value)),
  );
  await phone.tap('.login-submit');
}

/** The verify page in front: name and ID number, 提交认证, then the home page. */
async function verify(person: { name: string; idNumber: string }, shot?: string): Promise<void> {
  await phone.visit(ROUTES.verify, { ready: '.verify-name' });
  await phone.type('.verify-name', person.name);
  await phone.type('.verify-id', person.idNumber);
  await phone.visit(ROUTES.verify, { text: '号码格式正确', ...(shot ? { shot } : {}) });
  await phone.tap('.verify-submit');
}

/** Back through the page stack to the home page. */
async function backToHome(): Promise<void> {
  const routeOf = (url: URL | string) => new URL(url).hash.replace(/^#/, '').split('?')[0] ?? '';
  for (let step = 0; step < 8; step++) {
    const route = routeOf(phone.page.url());
    if (route === ROUTES.home) break;
    await phone.page.goBack();
    await phone.page.waitForURL((url) => routeOf(url) !== route);
    await phone.settle(routeOf(phone.page.url()));
  }
  await phone.visit(ROUTES.home, { ready: '.home-logout' });
}

async function logOut(): Promise<void> {
  await backToHome();
  await phone.tap('.home-logout');
}

/** The add form in front: relationship, name, ID number, 下一步, the confirm page, 确认开通, the new binding. */
async function addRelative(relative: { name: string; idNumber: string; relationship: string; label: string }, tag: string): Promise<void> {
  await phone.visit(ROUTES.relativeAdd, { ready: `.relationship-option--${relative.relationship}` });
  expect(await phone.inputValue('.relative-name')).toBe('');
  expect(await phone.inputValue('.relative-id')).toBe('');
  await phone.tap(`.relationship-option--${relative.relationship}`);
  await phone.type('.relative-name', relative.name);
  await phone.type('.relative-id', relative.idNumber);
  await phone.visit(ROUTES.relativeAdd, { ready: `.relationship-option--${relative.relationship}.relationship-option--selected`, text: '号码格式正确', shot: `relative-add-${tag}` });
  await phone.tap('.relative-next');

  await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-submit', shot: `relative-confirm-${tag}` });
  expect(await phone.$('.confirm-relationship').innerText()).toBe(relative.label);
  expect(await phone.$('.confirm-name').innerText()).toBe(relative.name);
  expect(await phone.$('.confirm-id').innerText()).toBe(maskIdNumber(relative.idNumber));
  await phone.tap('.confirm-submit');

  await phone.visit(ROUTES.relativeDetail, { ready: '.detail-unbind', text: relative.name, shot: `relative-detail-${tag}` });
  const card = phone.$('.binding-card');
  expect(await card.locator('.binding-card__name').innerText()).toBe(relative.name);
  expect(await card.locator('.status-tag--active').innerText()).toBe('生效');
  await phone.$('.list-state--empty').filter({ hasText: `您的账户还没有为${relative.name}支付过` }).waitFor();
}

beforeAll(async () => {
  assertH5Built();
  resetScreenshots();
  gateway = await startGateway();
  browser = await launchBrowser();
  phone = await Phone.open(browser, gateway.baseUrl, counter);
  const registered = await gateway.call(
    'upsertPersons',
    {
      persons: [
        { idNumber: WORKER.idNumber, name: WORKER.name, insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: WORKER.balanceFen },
        { idNumber: SPOUSE.idNumber, name: SPOUSE.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
        { idNumber: CHILD.idNumber, name: CHILD.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
      ],
    },
    gateway.adminKey,
  );
  expect(registered).toEqual({ ok: true, data: { upserted: 3 } });
}, 120_000);

afterEach(() => {
  expect(phone?.problems ?? []).toEqual([]);
});

afterAll(async () => {
  await phone?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await gateway?.stop();
}, 30_000);

describe.sequential('家庭共济 in a real browser', () => {
  test('a new worker logs in with an SMS code and verifies their identity', async () => {
    await phone.open(ROUTES.login);
    await logIn(WORKER.phone, 'login');
    await verify(WORKER, 'verify');

    await phone.visit(ROUTES.home, { ready: '.home-balance', shot: 'home' });
    expect(await phone.$('.home-balance').innerText()).toBe('¥5,234.56');
    expect(await phone.$('.home-region').innerText()).toContain('石家庄市（130100）');
    expect(await phone.$('.home-status').innerText()).toContain('参保正常');
    expect(await phone.text()).toContain(WORKER.name);
  });

  test('the worker adds a spouse and a child through the form and the confirm page, and both are 生效', async () => {
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.list-state--empty', shot: 'members-empty' });
    await phone.tap('.members-add');
    await addRelative(SPOUSE, 'spouse');

    // Back from the new binding: the add form again, empty, for the next relative.
    await phone.page.goBack();
    await addRelative(CHILD, 'child');

    await phone.page.goBack();
    await phone.settle(ROUTES.relativeAdd);
    await phone.page.goBack();
    await phone.visit(ROUTES.members, { text: CHILD.name, shot: 'members' });
    const cards = phone.$('.binding-card');
    expect(await cards.count()).toBe(2);
    for (const relative of [SPOUSE, CHILD]) {
      const card = cards.filter({ hasText: relative.name });
      expect(await card.locator('.status-tag--active').innerText()).toBe('生效');
      expect(await card.locator('.binding-card__relation').innerText()).toBe(relative.label);
      expect(await card.locator('.binding-card__id').innerText()).toContain(maskIdNumber(relative.idNumber));
    }
    expect(await phone.$('.members-summary__counts').innerText()).toContain('生效 2 人 · 待确认 0 人 · 已解绑 0 人');
  });

  test('a hospital settles a bill for the child, and the worker sees the payment in the records and on the child’s page', async () => {
    const settled = await gateway.call<Record<string, unknown>>(
      'settle',
      { serialNo: BILL.serialNo, patientIdNumber: CHILD.idNumber, kind: BILL.kind, amountFen: BILL.amountFen },
      gateway.hospitalKey,
    );
    expect(settled).toMatchObject({
      ok: true,
      data: { selfAcctPay: 0, acctMulaidPay: BILL.amountFen, acctPay: BILL.amountFen, cashPay: 0, mulaidFailure: null },
    });

    await phone.tap('.members-records');
    await phone.visit(ROUTES.records, { ready: '.record-item' });
    // Filter by relative: nothing for the spouse, the bill for the child.
    await phone.tap('.filter-chips--relative .filter-chip', { hasText: `${SPOUSE.name}（${SPOUSE.label}）` });
    await phone.visit(ROUTES.records, { ready: '.list-state--empty' });
    expect(await phone.$('.records-total__amount').innerText()).toBe('¥0.00');
    await phone.tap('.filter-chips--relative .filter-chip', { hasText: `${CHILD.name}（${CHILD.label}）` });
    await phone.visit(ROUTES.records, { ready: '.record-item', shot: 'records' });
    const item = phone.$('.record-item');
    expect(await item.count()).toBe(1);
    const text = await item.innerText();
    for (const part of ['河北医科大学第二医院', '¥1,286.50', '门诊', `为子女 ${CHILD.name} 支付`]) expect(text).toContain(part);
    expect(await phone.$('.records-total__amount').innerText()).toBe('¥1,286.50');

    await phone.page.goBack();
    await phone.visit(ROUTES.members, { ready: '.binding-card', text: '¥1,286.50' });
    await phone.tap('.binding-card', { hasText: CHILD.name });
    await phone.visit(ROUTES.relativeDetail, { ready: '.record-item', shot: 'relative-detail-paid' });
    expect(await phone.$('.record-item').innerText()).toContain('¥1,286.50');
    expect(await phone.$('.record-section__total').innerText()).toContain('¥1,286.50');

    await backToHome();
    await phone.visit(ROUTES.home, { ready: '.home-balance', text: '¥3,948.06', shot: 'home-after-payment' });
  });

  test('the child logs in on their own number, verifies, and sees the payment made for them', async () => {
    await logOut();
    await logIn(CHILD.phone);
    await verify(CHILD);
    await phone.visit(ROUTES.home, { text: CHILD.name, shot: 'child-home' });
    expect(await phone.text()).toContain('居民医保没有个人账户');
    expect(await phone.$('.home-balance').count()).toBe(0);

    await phone.tap('.home-entry--covered');
    await phone.visit(ROUTES.covered, { ready: '.record-item', shot: 'covered' });
    const card = phone.$('.binding-card');
    expect(await card.count()).toBe(1);
    expect(await card.innerText()).toContain('您是其子女');
    expect(await card.locator('.status-tag--active').innerText()).toBe('生效');
    const record = await phone.$('.record-item').innerText();
    for (const part of ['河北医科大学第二医院', '¥1,286.50', '（您是其子女）的账户支付']) expect(record).toContain(part);
    // The sharer's name is masked for the relative (SPEC 2.3).
    expect(record).not.toContain(WORKER.name);
    expect(await phone.$('.record-section__total').innerText()).toContain('¥1,286.50');
  });

  test('the worker logs back in and unbinds the child: 已解绑, and the payment stays in the history', async () => {
    await logOut();
    await logIn(WORKER.phone);
    await phone.visit(ROUTES.home, { ready: '.home-balance', text: '¥3,948.06' });
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.binding-card' });
    await phone.tap('.binding-card', { hasText: CHILD.name });
    await phone.visit(ROUTES.relativeDetail, { ready: '.detail-unbind' });

    await phone.tap('.detail-unbind');
    await phone.visit(ROUTES.relativeDetail, { ready: '.unbind-explain', shot: 'unbind-dialog' });
    const explain = await phone.$('.unbind-explain').innerText();
    expect(explain).toContain('解除后立即生效');
    expect(explain).toContain('已经发生的支付记录会保留');
    await phone.tap('.dialog-confirm');

    await phone.visit(ROUTES.relativeDetail, { ready: '.status-tag--unbound', shot: 'relative-detail-unbound' });
    expect(await phone.$('.status-tag--unbound').innerText()).toBe('已解绑');
    expect(await phone.$('.detail-unbind').count()).toBe(0);
    expect(await phone.$('.confirm-dialog').count()).toBe(0);
    expect(await phone.$('.record-item').innerText()).toContain('¥1,286.50');

    await phone.page.goBack();
    await phone.visit(ROUTES.members, { ready: '.binding-card .status-tag--unbound', shot: 'members-after-unbind' });
    expect(await phone.$('.binding-card').filter({ hasText: CHILD.name }).locator('.status-tag--unbound').innerText()).toBe('已解绑');
    expect(await phone.$('.binding-card').filter({ hasText: SPOUSE.name }).locator('.status-tag--active').innerText()).toBe('生效');
    expect(await phone.$('.members-summary__counts').innerText()).toContain('生效 1 人 · 待确认 0 人 · 已解绑 1 人');

    await phone.tap('.members-records');
    await phone.visit(ROUTES.records, { ready: '.record-item', text: `${CHILD.name}（${CHILD.label}，已解绑）`, shot: 'records-after-unbind' });
    expect(await phone.$('.record-item').innerText()).toContain(`为子女 ${CHILD.name} 支付`);
    expect(await phone.$('.records-total__amount').innerText()).toBe('¥1,286.50');
  });

  test.each(FAILURES)('the diagnosis page explains $code to $who', async ({ phone: number, patient, code, shot }) => {
    await logOut();
    await logIn(number);
    await phone.visit(ROUTES.home, { ready: '.home-entry--diagnose' });
    await phone.tap('.home-entry--diagnose');
    await phone.visit(ROUTES.diagnose, { ready: '.filter-chips--patient .filter-chip' });

    const chip = phone.$('.filter-chips--patient .filter-chip').filter({ hasText: patient });
    await chip.waitFor();
    await chip.click();
    await phone.$('.filter-chips--patient .filter-chip--selected').filter({ hasText: patient }).waitFor();
    await phone.tap('.diagnose-run');
    await phone.visit(ROUTES.diagnose, { ready: `.finding.finding--${code}`, shot });

    const findings = phone.$('.finding');
    expect(await findings.first().getAttribute('class')).toContain(`finding--${code}`);
    const finding = phone.$(`.finding.finding--${code}`);
    expect(await finding.locator('.finding__message').innerText()).toBe(DIAGNOSIS_TEXT[code].message);
    expect(await finding.locator('.finding__action').innerText()).toBe(`怎么办：${DIAGNOSIS_TEXT[code].action}`);
    expect(await phone.$('.finding--ok').count()).toBe(0);

    if (code === 'FAMILY_ACCOUNT_ONLY') {
      // SPEC 2.5: the app offers to set up mutual aid for someone only in the 亲情账户 …
      await phone.tap('.finding-setup', { hasText: '为张建国开通家庭共济' });
      await phone.visit(ROUTES.relativeAdd, {
        ready: '.relationship-option--parent.relationship-option--selected',
        text: '为亲情账户成员 张建国',
        shot: 'relative-add-from-family-account',
      });
      expect(await phone.inputValue('.relative-name')).toBe('张建国');
      expect(await phone.inputValue('.relative-id')).toBe('');
      // … and explains the difference between the two.
      await backToHome();
      await phone.tap('.home-entry--family-account');
      await phone.visit(ROUTES.familyAccount, { ready: '.fa-member', shot: 'family-account' });
      expect(await phone.$('.fa-member').filter({ hasText: '张建国' }).innerText()).toContain('未开通家庭共济');
    }
  });

  test('every screenshot the README shows is one this run wrote', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/docs\/screenshots\/([\w-]+\.png)/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    expect(phone.shots).toEqual(expect.arrayContaining(shown));
  });
});
