/**
 * Steps that several browser tests take the same way: log in with the development gateway's
 * code, verify with the registry phone, walk back to the home page, log out.
 */
import { expect } from 'vitest';
import { ROUTES } from '../../../src/services/routeTable';
import type { Phone } from './browser';

/** The login page in front: a phone number, the code (filled in by the development gateway), 登录. */
export async function logIn(phone: Phone, number: string, options: { ready?: string; shot?: string } = {}): Promise<void> {
  await phone.visit(ROUTES.login, { ready: options.ready ?? '.login-phone', ...(options.shot ? { shot: options.shot } : {}) });
  await phone.type('.login-phone', number);
  await phone.tap('.login-send');
  await phone.page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLInputElement>('input.login-code')).some((input) => input.checkVisibility() && /^\d{6}$/.test(input.value)),
  );
  await phone.tap('.login-submit');
}

/** The verify page in front: name and ID number, as a person types them. */
export async function fillIdentity(phone: Phone, person: { name: string; idNumber: string }, shot?: string): Promise<void> {
  await phone.visit(ROUTES.verify, { ready: '.verify-name' });
  await phone.type('.verify-name', person.name);
  await phone.type('.verify-id', person.idNumber);
  await phone.visit(ROUTES.verify, { text: '号码格式正确', ...(shot ? { shot } : {}) });
}

/** The verify page in front: name and ID number, 提交认证 (the registry phone proves it), 进入首页. */
export async function verify(phone: Phone, person: { name: string; idNumber: string }, shot?: string): Promise<void> {
  await fillIdentity(phone, person, shot);
  await phone.tap('.verify-submit');
  await phone.visit(ROUTES.verify, { ready: '.verify-done' });
  expect(await phone.$('.verify-proof-used').innerText()).toContain('预留手机号验证');
  await phone.tap('.verify-done');
}

/** Back through the page stack to the home page. */
export async function backToHome(phone: Phone): Promise<void> {
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

export async function logOut(phone: Phone): Promise<void> {
  await backToHome(phone);
  await phone.tap('.home-logout');
}
