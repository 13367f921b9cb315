/**
 * Cross-province mutual aid through a quota (SPEC 2.11) in a real browser against the real
 * gateway: a worker insured in Hebei (石家庄) binds her father insured in Jiangsu (南京) with a
 * quota of ¥1,000.00 — without a quota the binding is refused as out of region — the father
 * agrees, a Nanjing hospital settles his bill from the quota, the worker sees the quota shrink
 * and her free balance, unbinds, and what was left returns to her free balance.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { ROUTES } from '../../src/services/routeTable';
import { launchBrowser, Phone } from './support/browser';
import { assertH5Built, startGateway, type Gateway } from './support/gateway';
import { backToHome, logIn, logOut, verify } from './support/steps';

const WORKER = { name: '韩雪', idNumber: makeIdNumber('130100', '1985-07-12', 242), phone: '13912350001', balanceFen: 600_000 };
const FATHER = { name: '韩志强', idNumber: makeIdNumber('320100', '1956-02-03', 131), phone: '13912350002' };
const NANJING = { code: 'H32010000001', name: '南京市第一医院', kind: 'hospital' } as const;
const BILL = { serialNo: 'E2E-QUOTA-0001', kind: 'outpatient', amountFen: 12_345 } as const;

let gateway: Gateway;
let browser: Browser;
let phone: Phone;
let hospitalKey = '';
const counter = { n: 0 };

beforeAll(async () => {
  assertH5Built();
  gateway = await startGateway();
  browser = await launchBrowser();
  phone = await Phone.open(browser, gateway.baseUrl, counter);
  const registered = await gateway.call(
    'upsertPersons',
    {
      persons: [
        { idNumber: WORKER.idNumber, name: WORKER.name, insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: WORKER.balanceFen, phone: WORKER.phone },
        { idNumber: FATHER.idNumber, name: FATHER.name, insuranceType: 'resident', status: 'active', poolingRegion: '320100', phone: FATHER.phone },
      ],
    },
    gateway.adminKey,
  );
  expect(registered).toEqual({ ok: true, data: { upserted: 2 } });
  const institution = await gateway.call<{ key: string }>('createInstitution', NANJING, gateway.adminKey);
  if (!institution.ok) throw new Error(`createInstitution: ${institution.error.code}`);
  hospitalKey = institution.data.key;
}, 120_000);

afterEach(() => {
  expect(phone?.problems ?? []).toEqual([]);
});

afterAll(async () => {
  await phone?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await gateway?.stop();
}, 30_000);

/** The add form: father, name, ID number, a quota typed in yuan or none, 下一步, the undertaking, 确认开通. */
async function bindFather(quotaYuan: string | null): Promise<void> {
  await phone.visit(ROUTES.relativeAdd, { ready: '.relationship-option--parent' });
  await phone.tap('.relationship-option--parent');
  await phone.type('.relative-name', FATHER.name);
  await phone.type('.relative-id', FATHER.idNumber);
  await phone.type('.relative-quota', quotaYuan ?? '');
  await phone.visit(ROUTES.relativeAdd, { text: '号码格式正确' });
  await phone.tap('.relative-next');
  await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-submit' });
  await phone.tap('.undertaking-accept');
  await phone.$('.undertaking-accept--checked').waitFor();
  await phone.tap('.confirm-submit');
}

describe.sequential('a quota for a parent in another province, in a real browser', () => {
  test('without a quota the father in Jiangsu is out of region, and the form offers a quota', async () => {
    await phone.open(ROUTES.login);
    await logIn(phone, WORKER.phone);
    await verify(phone, WORKER);
    await phone.visit(ROUTES.home, { ready: '.home-balance', text: '¥6,000.00' });
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.members-add' });
    await phone.tap('.members-add');
    await bindFather(null);
    // Refused: back on the form, the reason at the ID number, and the offer of a quota.
    await phone.visit(ROUTES.relativeAdd, { ready: '.relative-add__quota-offer' });
    expect(await phone.$('.relative-add__quota-offer').innerText()).toContain('设定一笔共济额度');
  });

  test('with a quota of ¥1,000.00 the binding is made; it waits for the father', async () => {
    await phone.type('.relative-quota', '1000');
    await phone.visit(ROUTES.relativeAdd, { text: '号码格式正确' });
    await phone.tap('.relative-next');
    await phone.visit(ROUTES.relativeConfirm, { ready: '.confirm-quota' });
    expect(await phone.$('.confirm-quota').innerText()).toBe('¥1,000.00');
    expect(await phone.$('.confirm-term--quota').innerText()).toContain('将从您的个人账户中冻结 ¥1,000.00');
    await phone.screenshot('quota-confirm');
    await phone.tap('.undertaking-accept');
    await phone.$('.undertaking-accept--checked').waitFor();
    await phone.tap('.confirm-submit');
    await phone.visit(ROUTES.relativeDetail, { ready: '.binding-card .status-tag--pending', text: FATHER.name });
    expect(await phone.$('.binding-card__quota').innerText()).toBe('共济额度 ¥1,000.00，剩余 ¥1,000.00');
    // Back from the new binding: the members list (the finished form behind it leaves by itself).
    await phone.page.goBack();
    await phone.visit(ROUTES.members, { text: FATHER.name });
  });

  test('the father logs in, verifies and agrees', async () => {
    await logOut(phone);
    await logIn(phone, FATHER.phone);
    await verify(phone, FATHER);
    await phone.visit(ROUTES.home, { ready: '.consent-request' });
    await phone.tap('.request-confirm');
    await phone.page.locator('.consent-request').waitFor({ state: 'detached' });
  });

  test('a Nanjing hospital settles his bill from the quota', async () => {
    const settled = await gateway.call<Record<string, unknown>>(
      'settle',
      { serialNo: BILL.serialNo, patientIdNumber: FATHER.idNumber, kind: BILL.kind, amountFen: BILL.amountFen },
      hospitalKey,
    );
    expect(settled).toMatchObject({ ok: true, data: { selfAcctPay: 0, acctMulaidPay: BILL.amountFen, cashPay: 0, mulaidFailure: null, mulaidSource: 'quota' } });
  });

  test('the worker sees the quota shrink and her free balance, unbinds, and the rest returns', async () => {
    await logOut(phone);
    await logIn(phone, WORKER.phone);
    // ¥6,000.00 − ¥123.45 paid; ¥876.55 of it still held for the father.
    await phone.visit(ROUTES.home, { ready: '.home-free-balance', text: '¥5,876.55' });
    expect(await phone.$('.home-free-balance').innerText()).toBe('其中可用 ¥5,000.00，另有 ¥876.55 已冻结为亲属的共济额度');
    await phone.tap('.home-entry--members');
    await phone.visit(ROUTES.members, { ready: '.binding-card' });
    await phone.tap('.binding-card', { hasText: FATHER.name });
    await phone.visit(ROUTES.relativeDetail, { ready: '.record-item' });
    expect(await phone.$('.binding-card__quota').innerText()).toBe('共济额度 ¥1,000.00，剩余 ¥876.55');
    expect(await phone.$('.record-item').innerText()).toContain('¥123.45');
    await phone.screenshot('quota-detail');

    await phone.tap('.detail-unbind');
    expect(await phone.$('.unbind-explain').innerText()).toContain('剩余的共济额度立即退回您的可用余额');
    await phone.tap('.dialog-confirm');
    await phone.visit(ROUTES.relativeDetail, { ready: '.binding-card .status-tag--unbound' });
    expect(await phone.$('.binding-card__quota').count()).toBe(0);

    await backToHome(phone);
    await phone.visit(ROUTES.home, { ready: '.home-balance', text: '¥5,876.55' });
    expect(await phone.$('.home-free-balance').count()).toBe(0);
  });
});
