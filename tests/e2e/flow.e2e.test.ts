/**
 * The whole product in a real browser (Debian's Chromium through playwright-core) against the
 * real gateway on a fresh PGlite database with the demo data: a new worker logs in with the
 * registry phone and verifies, accepts the undertaking and adds an adult spouse (pending until
 * she agrees) and a child (active at once), a hospital settles a bill for the child through the
 * institution API, the worker and the child both see the payment, the worker unbinds the child,
 * and the diagnosis page explains the four failures of the demo cast. Then the spouse logs in,
 * sees the request on her home page and agrees, a hospital settles her bill, and both see it in
 * their message centres; a person whose login phone is not the registry phone proves it is them
 * with the (simulated) face check. Every page visited is checked (Chinese only, amounts as
 * ¥x,xxx.xx, ID numbers masked, a clean console) and photographed into docs/screenshots/; the
 * screens added by the trust work come last, so that the earlier ones keep their numbers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { DIAGNOSIS_TEXT, type DiagnosisCode } from '../../src/rules/diagnosis';
import { maskIdNumber, maskName } from '../../src/rules/mask';
import { CONSENT_DISCLOSURE, PENDING_NOTE, UNDERTAKING } from '../../src/rules/undertaking';
import { ROUTES } from '../../src/services/routeTable';
import { launchBrowser, Phone, resetScreenshots } from './support/browser';
import { assertH5Built, ROOT, startGateway, type Gateway } from './support/gateway';
import * as steps from './support/steps';

/**
 * New people, registered through the operator API with their registry phones: not in the demo
 * cast, nobody verified yet. Each logs in with the registry phone, which is their proof (SPEC 2.7).
 */
const WORKER = {
  name: '林峰',
  idNumber: makeIdNumber('130100', '1986-04-20', 135),
  phone: '13912340001',
  balanceFen: 523_456,
};
/** An adult: under the default policy (consent from 16) she must agree before the binding pays. */
const SPOUSE = {
  name: '何静',
  idNumber: makeIdNumber('130100', '1988-09-15', 246),
  relationship: 'spouse',
  label: '配偶',
  phone: '13912340003',
} as const;
const CHILD = {
  name: '林小雨',
  idNumber: makeIdNumber('130100', '2016-03-22', 358),
  relationship: 'child',
  label: '子女',
  phone: '13912340002',
} as const;
const BILL = { serialNo: 'E2E-BILL-0001', kind: 'outpatient', amountFen: 128_650 } as const;
const SPOUSE_BILL = { serialNo: 'E2E-BILL-0002', kind: 'outpatient', amountFen: 23_400 } as const;
/** Registered with a registry phone she does not log in with: only a face check proves it is her. */
const NEWCOMER = {
  name: '苏梅',
  idNumber: makeIdNumber('130100', '1975-11-02', 468),
  registryPhone: '13912340005',
  loginPhone: '13912340006',
} as const;

/**
 * The four failures of the demo cast (server/demo/cast.ts), as the diagnosis page explains them;
 * `message` where the server says more than the base text (吴刚's brother: the relationship left the scope).
 */
const FAILURES: Array<{ phone: string; who: string; patient: string | RegExp; code: DiagnosisCode; shot: string; message?: RegExp }> = [
  { phone: '13800000007', who: '刘洋, whose father 刘德 is suspended', patient: '刘德（父母）', code: 'NOT_INSURED', shot: 'diagnose-not-insured' },
  { phone: '13800000001', who: '张伟, whose father 张建国 is only in the 亲情账户', patient: '张建国（亲情账户）', code: 'FAMILY_ACCOUNT_ONLY', shot: 'diagnose-family-account-only' },
  { phone: '13800000003', who: '王芳, whose balance is zero', patient: '赵秀英（父母）', code: 'BALANCE_ZERO', shot: 'diagnose-balance-zero' },
  { phone: '13800000011', who: '吴刚, whose brother is insured in 唐山', patient: /^我自己（.+的共济）$/, code: 'OUT_OF_REGION', shot: 'diagnose-out-of-region', message: /现行政策/ },
];

let gateway: Gateway;
let browser: Browser;
let phone: Phone;
const counter = { n: 0 };

const logIn = (number: string, shot?: string) => steps.logIn(phone, number, { ready: '.demo-guide', ...(shot ? { shot } : {}) });
const fillIdentity = (person: { name: string; idNumber: string }, shot?: string) => steps.fillIdentity(phone, person, shot);
const verify = (person: { name: string; idNumber: string }, shot?: string) => steps.verify(phone, person, shot);
const backToHome = () => steps.backToHome(phone);
const logOut = () => steps.logOut(phone);

/**
 * The add form in front: relationship, name, ID number, 下一步, the confirm page, the undertaking
 * ticked, 确认开通, the new binding: `pending` for an adult (the relative must agree), else `active`.
 */
async function addRelative(
  relative: { name: string; idNumber: string; relationship: string; label: string },
  tag: string,
  expected: 'active' | 'pending',
): Promise<void> {
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
  // Nothing is sent before the undertaking is accepted.
  expect(await phone.$('.confirm-submit').getAttribute('disabled')).not.toBeNull();
  await phone.tap('.undertaking-accept');
  await phone.$('.undertaking-accept--checked').waitFor();
  await phone.tap('.confirm-submit');

  await phone.visit(ROUTES.relativeDetail, { ready: `.binding-card .status-tag--${expected}`, text: relative.name, shot: `relative-detail-${tag}` });
  const card = phone.$('.binding-card');
  expect(await card.locator('.binding-card__name').innerText()).toBe(relative.name);
  if (expected === 'active') {
    expect(await card.locator('.status-tag--active').innerText()).toBe('生效');
    await phone.$('.list-state--empty').filter({ hasText: `您的账户还没有为${relative.name}支付过` }).waitFor();
  } else {
    expect(await card.locator('.status-tag--pending').innerText()).toBe('待确认');
    expect(await card.locator('.binding-card__note--pending').innerText()).toBe(PENDING_NOTE);
    expect(await phone.$('.record-section').count()).toBe(0);
  }
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
        { idNumber: WORKER.idNumber, name: WORKER.name, insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: WORKER.balanceFen, phone: WORKER.phone },
        { idNumber: SPOUSE.idNumber, name: SPOUSE.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100', phone: SPOUSE.phone },
        { idNumber: CHILD.idNumber, name: CHILD.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100', phone: CHILD.phone },
        { idNumber: NEWCOMER.idNumber, name: NEWCOMER.name, insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: 10_000, phone: NEWCOMER.registryPhone },
      ],
    },
    gateway.adminKey,
  );
  expect(registered).toEqual({ ok: true, data: { upserted: 4 } });
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
    expect(await phone.$('.home-region').innerText()).toContain('河北省石家庄市');
    expect(await phone.$('.home-status').innerText()).toContain('参保正常');
    expect(await phone.text()).toContain(WORKER.name);
  });

  test('the worker adds an adult spouse (待确认 until she agrees) and a child (生效 at once)', async () => {
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.list-state--empty', shot: 'members-empty' });
    await phone.tap('.members-add');
    await addRelative(SPOUSE, 'spouse', 'pending');

    // Back from the new binding: the members list (the form behind it is done), never the emptied form.
    await phone.page.goBack();
    await phone.visit(ROUTES.members, { text: SPOUSE.name });
    await phone.tap('.members-add');
    await addRelative(CHILD, 'child', 'active');

    await phone.page.goBack();
    await phone.visit(ROUTES.members, { text: CHILD.name, shot: 'members' });
    const cards = phone.$('.binding-card');
    expect(await cards.count()).toBe(2);
    for (const [relative, status, label] of [
      [SPOUSE, 'pending', '待确认'],
      [CHILD, 'active', '生效'],
    ] as const) {
      const card = cards.filter({ hasText: relative.name });
      expect(await card.locator(`.status-tag--${status}`).innerText()).toBe(label);
      expect(await card.locator('.binding-card__relation').innerText()).toBe(relative.label);
      expect(await card.locator('.binding-card__id').innerText()).toContain(maskIdNumber(relative.idNumber));
    }
    expect(await phone.$('.members-summary__counts').innerText()).toBe('生效 1 人 · 待确认 1 人');
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
    // Filter by relative: the spouse's request never paid and is no filter; the bill for the child.
    expect(await phone.$('.filter-chips--relative .filter-chip').filter({ hasText: SPOUSE.name }).count()).toBe(0);
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
    expect(await phone.$('.binding-card').filter({ hasText: SPOUSE.name }).locator('.status-tag--pending').innerText()).toBe('待确认');
    expect(await phone.$('.members-summary__counts').innerText()).toBe('生效 0 人 · 待确认 1 人 · 已解绑 1 人');

    await phone.tap('.members-records');
    await phone.visit(ROUTES.records, { ready: '.record-item', text: `${CHILD.name}（${CHILD.label}，已解绑）`, shot: 'records-after-unbind' });
    expect(await phone.$('.record-item').innerText()).toContain(`为子女 ${CHILD.name} 支付`);
    expect(await phone.$('.records-total__amount').innerText()).toBe('¥1,286.50');
  });

  test.each(FAILURES)('the diagnosis page explains $code to $who', async ({ phone: number, patient, code, shot, message }) => {
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
    const said = await finding.locator('.finding__message').innerText();
    if (message) expect(said).toMatch(message);
    else expect(said).toBe(DIAGNOSIS_TEXT[code].message);
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

  // The screens of the trust work (SPEC 2.7–2.9) come after every earlier screenshot, which keep their numbers.

  test('the spouse logs in, sees who asks and what they would see, and agrees', async () => {
    await logOut();
    await logIn(SPOUSE.phone);
    await verify(SPOUSE);
    await phone.visit(ROUTES.home, { ready: '.consent-request', shot: 'request' });
    expect(await phone.$('.home-requests__title').innerText()).toBe('有 1 条申请等您确认');
    const request = phone.$('.consent-request');
    expect(await request.locator('.request-who').innerText()).toContain(maskName(WORKER.name));
    expect(await request.innerText()).not.toContain(WORKER.name);
    expect(await request.locator('.request-relation').innerText()).toBe(`您是其${SPOUSE.label}`);
    expect(await request.locator('.request-disclosure').innerText()).toBe(CONSENT_DISCLOSURE);
    for (const answer of ['同意', '拒绝', '不是我的亲属']) expect(await request.innerText()).toContain(answer);

    await phone.tap('.request-confirm');
    await phone.page.locator('.consent-request').waitFor({ state: 'detached' });
    await phone.tap('.home-entry--covered');
    await phone.visit(ROUTES.covered, { ready: '.binding-card .status-tag--active' });
    expect(await phone.$('.binding-card').innerText()).toContain(`您是其${SPOUSE.label}`);
    expect(await phone.$('.binding-card .status-tag--active').innerText()).toBe('生效');
  });

  test('a hospital settles the spouse’s bill, and she reads it in her message centre', async () => {
    const settled = await gateway.call<Record<string, unknown>>(
      'settle',
      { serialNo: SPOUSE_BILL.serialNo, patientIdNumber: SPOUSE.idNumber, kind: SPOUSE_BILL.kind, amountFen: SPOUSE_BILL.amountFen },
      gateway.hospitalKey,
    );
    expect(settled).toMatchObject({ ok: true, data: { selfAcctPay: 0, acctMulaidPay: SPOUSE_BILL.amountFen, cashPay: 0, mulaidFailure: null } });

    await backToHome();
    await phone.visit(ROUTES.home, { ready: '.home-messages--unread' });
    expect(await phone.$('.home-messages__badge').innerText()).toMatch(/^\d+ 条未读$/);
    await phone.tap('.home-messages');
    await phone.visit(ROUTES.messages, { ready: '.message', text: '家庭共济为您支付了费用', shot: 'messages-relative' });
    const paid = phone.$('.message').filter({ hasText: '家庭共济为您支付了费用' });
    expect(await paid.locator('.message__new').innerText()).toBe('未读');
    const body = await paid.locator('.message__body').innerText();
    for (const part of ['¥234.00', '河北医科大学第二医院', '门诊', maskName(WORKER.name)]) expect(body).toContain(part);
    expect(body).not.toContain(WORKER.name);
    expect(await phone.$('.message__title').first().innerText()).toBe('家庭共济为您支付了费用');
  });

  test('the worker reads that the spouse agreed and what was paid for her, and the binding is 生效', async () => {
    await logOut();
    await logIn(WORKER.phone);
    await phone.visit(ROUTES.home, { ready: '.home-messages--unread' });
    await phone.tap('.home-messages');
    await phone.visit(ROUTES.messages, { ready: '.message', text: '共济账户支付提醒', shot: 'messages-sharer' });
    const titles = await phone.$('.message__title').allInnerTexts();
    expect(titles[0]).toBe('共济账户支付提醒');
    expect(titles).toContain('亲属已同意家庭共济');
    const paid = await phone.$('.message').filter({ hasText: '共济账户支付提醒' }).filter({ hasText: SPOUSE.name }).locator('.message__body').innerText();
    for (const part of [SPOUSE.name, '¥234.00', '河北医科大学第二医院']) expect(paid).toContain(part);

    // 全部已读 clears the marks; the home page then has nothing unread.
    if ((await phone.$('.messages-read-all').count()) > 0) {
      await phone.tap('.messages-read-all');
      await phone.page.locator('.message--unread').first().waitFor({ state: 'detached' });
    }
    await backToHome();
    await phone.visit(ROUTES.home, { ready: '.home-messages', text: '没有未读消息' });

    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.binding-card' });
    expect(await phone.$('.binding-card').filter({ hasText: SPOUSE.name }).locator('.status-tag--active').innerText()).toBe('生效');
    expect(await phone.$('.members-summary__counts').innerText()).toBe('生效 1 人 · 已解绑 1 人');
  });

  test('adding a relative again needs the undertaking ticked before anything is sent', async () => {
    await phone.tap('.members-add');
    await phone.visit(ROUTES.relativeAdd, { ready: `.relationship-option--${CHILD.relationship}` });
    await phone.tap(`.relationship-option--${CHILD.relationship}`);
    await phone.type('.relative-name', CHILD.name);
    await phone.type('.relative-id', CHILD.idNumber);
    await phone.visit(ROUTES.relativeAdd, { text: '号码格式正确' });
    await phone.tap('.relative-next');
    await phone.visit(ROUTES.relativeConfirm, { ready: '.undertaking' });
    await phone.$('.undertaking-accept').scrollIntoViewIfNeeded();
    expect(await phone.$('.undertaking__title').innerText()).toBe(UNDERTAKING.title);
    expect(await phone.$('.undertaking__paragraph').allInnerTexts()).toEqual([...UNDERTAKING.paragraphs]);
    expect(await phone.$('.confirm-submit').getAttribute('disabled')).not.toBeNull();
    await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-need-accept', shot: 'undertaking' });
    await phone.tap('.undertaking-accept');
    await phone.$('.undertaking-accept--checked').waitFor();
    expect(await phone.$('.confirm-submit').getAttribute('disabled')).toBeNull();
  });

  test('a person whose login phone is not the registry phone proves it is them with the face check', async () => {
    await logOut();
    await logIn(NEWCOMER.loginPhone);
    await fillIdentity(NEWCOMER);
    await phone.tap('.verify-submit');
    await phone.visit(ROUTES.verify, { ready: '.verify-proof--PROOF_REQUIRED .verify-face', shot: 'verify-proof-required' });
    expect(await phone.$('.verify-proof__title').innerText()).toBe('需要证明是您本人');

    await phone.tap('.verify-face');
    await phone.visit(ROUTES.verify, { ready: '.facecheck-simulated', shot: 'face-check-dialog' });
    expect(await phone.$('.confirm-dialog__title').innerText()).toBe('模拟人脸核验（开发环境，不是真实核验）');
    await phone.tap('.dialog-confirm');
    await phone.visit(ROUTES.verify, { ready: '.verify-done', shot: 'verify-face-check' });
    expect(await phone.$('.verify-proof-used').innerText()).toContain('人脸核验');
    await phone.tap('.verify-done');
    await phone.visit(ROUTES.home, { ready: '.home-balance', text: NEWCOMER.name });
  });

  test('every screenshot the README shows is one this run wrote', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    // The numbered screens are this run's; staff-*.png and elder-*.png come from their own runs.
    const shown = [...readme.matchAll(/docs\/screenshots\/(\d{2}-[\w-]+\.png)/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    expect(phone.shots).toEqual(expect.arrayContaining(shown));
  });
});
