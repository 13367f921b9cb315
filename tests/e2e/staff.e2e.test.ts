/**
 * The staff console (SPEC 2.10, issue 9) in a real browser (Debian's Chromium through
 * playwright-core) against the real gateway on a fresh PGlite database with the demo data, at a
 * desk screen's 1280×800. A handler logs in with password and TOTP, looks up an elderly worker
 * who has no phone, links his identity, binds his daughter for him on the paper undertaking's
 * reference, confirms that pending binding for the daughter, and unbinds it; a supervisor then
 * finds every step in the audit trail. Each console screen is checked by axe-core (no serious or
 * critical violation), shows no full ID number, and is photographed into
 * docs/screenshots/staff-*.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { maskIdNumber } from '../../src/rules/mask';
import { launchBrowser, SCREENSHOT_DIR } from './support/browser';
import { ROOT, startGateway, type Gateway } from './support/gateway';

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const FULL_ID_NUMBER = /(?<![\d*])\d{17}[\dXx](?![\d*])/;
const WAIT_MS = 15_000;

/** An elderly retired worker with an account but no phone, and his daughter (an adult: she must agree). */
const ELDER = { name: '赵德明', idNumber: makeIdNumber('130100', '1948-05-06', 157), balanceFen: 256_000 };
const DAUGHTER = { name: '赵小梅', idNumber: makeIdNumber('130100', '1976-09-12', 268) };
/** The account the family uses for him: created by the link. */
const LINK_PHONE = '13912348801';
const REFS = {
  link: 'SFZ-2026-LINK-01',
  undertaking: 'CNS-2026-0001',
  confirm: 'SFZ-2026-CONF-02',
  unbind: 'SFZ-2026-UNB-03',
};
const REASONS = { elder: '本人持身份证到厅，办理家庭共济', daughter: '赵小梅本人到厅确认父亲的共济申请' };

interface StaffAccount {
  staffId: string;
  username: string;
  password: string;
  totpSecret: string;
}

let gateway: Gateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
let handler: StaffAccount;
let supervisor: StaffAccount;

function totpOf(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

async function createStaff(username: string, name: string, role: 'handler' | 'supervisor'): Promise<StaffAccount> {
  const answer = await gateway.call<{ staffId: string; password: string; totpSecret: string }>('createStaff', { username, name, role }, gateway.adminKey);
  if (!answer.ok) throw new Error(`createStaff: ${answer.error.code} ${answer.error.message}`);
  return { staffId: answer.data.staffId, username, password: answer.data.password, totpSecret: answer.data.totpSecret };
}

/** axe-core in the page: no violation of impact serious or critical. */
async function checkAxe(where: string): Promise<void> {
  // Evaluated through the DevTools protocol, not as a <script>: the console's CSP (no inline script) stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context?: unknown, options?: unknown): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${where}: axe-core violations`).toEqual([]);
}

/** What every console screen must satisfy: no full ID number in the text, no errors, Chinese. */
async function checkScreen(where: string, shot?: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText);
  const id = FULL_ID_NUMBER.exec(text);
  expect(id?.[0], `${where}: an unmasked ID number is shown`).toBeUndefined();
  expect(text, `${where}: English error words`).not.toMatch(/\b(error|undefined|NaN|null|exception)\b|\[object \w+\]|Invalid Date/);
  expect(problems, `${where}: console errors`).toEqual([]);
  await checkAxe(where);
  if (shot) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `staff-${shot}.png`), animations: 'disabled', caret: 'hide' });
}

async function login(account: StaffAccount): Promise<void> {
  await page.getByLabel('用户名').fill(account.username);
  await page.getByLabel('密码').fill(account.password);
  await page.getByLabel('动态验证码').fill(totpOf(account.totpSecret));
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}

async function lookup(idNumber: string, reason: string, name: string): Promise<void> {
  await page.getByLabel('身份证号', { exact: true }).fill(idNumber);
  await page.getByLabel(/查询事由/).fill(reason);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.locator('#person-title').filter({ hasText: name }).waitFor();
}

/** Opens the confirmation, checks it says what will happen, and confirms; waits for the refreshed page. */
async function confirmDialog(expectWords: RegExp, shot?: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await expect.poll(() => page.evaluate(() => document.querySelector('[role="dialog"]')?.contains(document.activeElement) ?? false)).toBe(true);
  expect(await dialog.innerText()).toMatch(expectWords);
  if (shot) await checkScreen(`dialog ${shot}`, shot);
  await dialog.getByRole('button', { name: /^确认/ }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: '已办理完成' }).waitFor();
  await page.locator('.person').waitFor();
}

function bindingRow(name: string) {
  return page.locator('tr[data-binding]', { hasText: name });
}

/** The daughter's one binding (to a pending relative the sharer's name is masked, as in the app). */
function onlyBinding() {
  return page.locator('tr[data-binding]');
}

beforeAll(async () => {
  gateway = await startGateway();
  const registered = await gateway.call(
    'upsertPersons',
    {
      persons: [
        { idNumber: ELDER.idNumber, name: ELDER.name, insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: ELDER.balanceFen },
        { idNumber: DAUGHTER.idNumber, name: DAUGHTER.name, insuranceType: 'resident', status: 'active', poolingRegion: '130100' },
      ],
    },
    gateway.adminKey,
  );
  expect(registered).toEqual({ ok: true, data: { upserted: 2 } });
  handler = await createStaff('e2e.handler', '刘经办', 'handler');
  supervisor = await createStaff('e2e.supervisor', '陈主管', 'supervisor');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The gateway mirrors an envelope's error in the HTTP status; the console reads and shows it.
    if (/status of 4\d\d\b/.test(message.text())) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await gateway?.stop();
});

describe('the staff console', () => {
  test('a handler links an elderly person without a phone, binds his daughter, confirms and unbinds for them', async () => {
    await page.goto(`${gateway.baseUrl}/staff`);
    await page.getByRole('heading', { name: '经办人员登录' }).waitFor();
    await checkScreen('login', '01-login');

    // A wrong code is refused with the envelope's message, in Chinese.
    await page.getByLabel('用户名').fill(handler.username);
    await page.getByLabel('密码').fill(handler.password);
    await page.getByLabel('动态验证码').fill('000000');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/[\u4e00-\u9fa5]/);

    await login(handler);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toContain('staffConsole.token');
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await checkScreen('lookup', '02-lookup');

    // The reason is required before anything is looked up.
    await page.getByLabel('身份证号', { exact: true }).fill(ELDER.idNumber);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '查询事由' }).waitFor();

    await lookup(ELDER.idNumber, REASONS.elder, ELDER.name);
    const head = await page.locator('.person__head').innerText();
    expect(head).toContain(maskIdNumber(ELDER.idNumber));
    expect(head).toContain('未关联小程序账户');
    expect(head).toContain('¥2,560.00');
    await checkScreen('elder', '03-person');

    // 1. Link his identity: the dialog says what will happen; Esc closes it and nothing is done.
    await page.getByLabel('凭证编号').fill(REFS.link);
    await page.getByLabel('小程序账户手机号').fill(LINK_PHONE);
    await page.getByRole('button', { name: '关联身份', exact: true }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.locator('.person__head').innerText()).toContain('未关联小程序账户');
    await page.getByRole('button', { name: '关联身份', exact: true }).click();
    await confirmDialog(new RegExp(`${ELDER.name}.*${LINK_PHONE}`), '04-confirm-link');
    await expect.poll(() => page.locator('.person__head').innerText()).toMatch(/已关联（手机号 139\*{4}8801/);

    // 2. Bind his daughter for him, on the paper undertaking's reference: pending until she agrees.
    await page.getByLabel('亲属姓名').fill(DAUGHTER.name);
    await page.getByLabel('亲属身份证号').fill(DAUGHTER.idNumber);
    await page.getByLabel('亲属是参保人的').selectOption('child');
    await page.getByLabel('纸质承诺书编号').fill(REFS.undertaking);
    await page.getByRole('button', { name: '添加共济亲属' }).click();
    await confirmDialog(new RegExp(`${DAUGHTER.name}.*子女[\\s\\S]*${REFS.undertaking}`), '05-confirm-bind');
    await expect.poll(() => bindingRow(DAUGHTER.name).first().innerText()).toContain('待确认');
    expect(await page.locator('.acts').innerText()).toContain(REFS.undertaking);
    // The photograph shows the binding and the acts recorded for him.
    await page.locator('#sharer-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await checkScreen('elder after acts', '06-person-acted');

    // 3. The daughter comes with her ID card and agrees, for herself, at the desk.
    await lookup(DAUGHTER.idNumber, REASONS.daughter, DAUGHTER.name);
    await page.getByLabel('凭证编号').fill(REFS.confirm);
    expect(await onlyBinding().count()).toBe(1);
    expect(await onlyBinding().innerText()).toContain('待确认');
    await onlyBinding().getByRole('button', { name: '代为同意' }).click();
    await confirmDialog(/同意.*立即生效/);
    await expect.poll(() => onlyBinding().innerText()).toMatch(/生效/);

    // 4. Unbind.
    await page.getByLabel('凭证编号').fill(REFS.unbind);
    await onlyBinding().getByRole('button', { name: '解除共济' }).click();
    await confirmDialog(/解除.*停止共济支付/);
    await expect.poll(() => onlyBinding().innerText()).toContain('已解绑');
    expect(await page.locator('.acts').innerText()).toContain(REFS.unbind);
    await page.locator('#relative-title').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await checkScreen('daughter', '07-relative');

    // A handler has no audit trail.
    expect(await page.getByRole('button', { name: '审计记录' }).count()).toBe(0);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '经办人员登录' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('staffConsole.token'))).toBeNull();
  });

  test('a supervisor sees every step in the audit trail, filtered by person and by staff member', async () => {
    // A fresh desk session (the previous test logs out at its end).
    await context.clearCookies();
    await page.goto(`${gateway.baseUrl}/staff/`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await login(supervisor);
    await page.getByRole('button', { name: '审计记录' }).click();
    const table = page.locator('.audit table');
    await table.filter({ hasText: REFS.unbind }).waitFor();
    const all = await table.innerText();
    for (const text of [REFS.link, REFS.undertaking, REFS.confirm, REFS.unbind, REASONS.elder, REASONS.daughter]) expect(all).toContain(text);
    expect(all).toContain('刘经办');
    await checkScreen('audit', '08-audit');

    // By person: the elder's lookup, link and binding, not the daughter's own acts.
    await page.getByLabel('参保人身份证号').fill(ELDER.idNumber);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect.poll(() => table.innerText()).not.toContain(REFS.confirm);
    const elder = await table.innerText();
    for (const text of [REFS.link, REFS.undertaking, REASONS.elder]) expect(elder).toContain(text);
    expect(elder).toContain(maskIdNumber(ELDER.idNumber).slice(0, 4));

    // By staff member: the supervisor has done nothing yet.
    await page.getByRole('button', { name: '清除筛选' }).click();
    await page.getByLabel('工作人员编号').fill(supervisor.staffId);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.getByText('没有符合条件的记录。').waitFor();
    await page.getByLabel('工作人员编号').fill(handler.staffId);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await table.filter({ hasText: REFS.unbind }).waitFor();
  });

  test('the 演示 mode walks through the demo cast', async () => {
    await page.getByRole('button', { name: '演示' }).click();
    await page.getByText(/演示 · 第 1 步/).waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { name: '风险事件：李娜' }).waitFor();
    await page.getByRole('button', { name: '查询李娜' }).click();
    await page.locator('#person-title').filter({ hasText: '李娜' }).waitFor();
    await page.locator('.risks').filter({ hasText: '不是我的亲属' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await checkScreen('demo', '09-demo');
  });
});
