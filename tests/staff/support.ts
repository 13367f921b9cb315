import { Secret, TOTP } from 'otpauth';
import type { Harness } from '../support/harness';

export type Role = 'agent' | 'handler' | 'supervisor';

export interface TestStaff {
  staffId: string;
  username: string;
  password: string;
  totpSecret: string;
  role: Role;
  token: string;
}

/** The TOTP code an authenticator app shows for `secret` at the harness clock's time. */
export function totpNow(h: Harness, secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: h.clock.now().getTime() + offsetSteps * 30_000 });
}

let seq = 0;

/** Creates a staff member through createStaff (the operator) and logs them in with password and TOTP. */
export async function createStaff(h: Harness, role: Role, name = `员工${role}`): Promise<TestStaff> {
  seq += 1;
  const username = `${role}${seq}`;
  const created = await h.fn('createStaff', { username, name, role }, h.adminKey);
  const { token } = await h.fn('staffLogin', { username, password: created.password, totp: totpNow(h, created.totpSecret) });
  return { ...created, username, role, token };
}

/** A fresh staff login of a known member (the next TOTP step: each code is good once). */
export async function relogin(h: Harness, staff: TestStaff): Promise<string> {
  h.clock.advance(30);
  const { token } = await h.fn('staffLogin', { username: staff.username, password: staff.password, totp: totpNow(h, staff.totpSecret) });
  return token;
}
