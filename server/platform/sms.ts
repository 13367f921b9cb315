import { createHmac } from 'node:crypto';
import { maskPhone } from '../../src/rules/mask';
import type { Logger } from './log';

/** Sends the login code. WeChat's and the carriers' SMS gateways cannot exist here: adapters. */
export interface SmsSender {
  sendLoginCode(phone: string, code: string, ttlMinutes: number): Promise<void>;
}

/** Development: the code goes to the log (and `sendCode` returns it as devCode). */
export class LogSmsSender implements SmsSender {
  constructor(private readonly log: Logger) {}
  async sendLoginCode(phone: string, code: string, ttlMinutes: number): Promise<void> {
    this.log.info({ phone: maskPhone(phone), code, ttlMinutes }, 'development SMS: login code');
  }
}

/**
 * Production: an HTTP SMS gateway (a carrier or a cloud SMS service behind the operator's
 * relay). POSTs `{phone, template, params}` as JSON, signed with HMAC-SHA256 over the body in
 * `X-Signature`, and treats anything but a 2xx within the timeout as a failure.
 */
export class HttpSmsSender implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs = 5000,
  ) {}

  async sendLoginCode(phone: string, code: string, ttlMinutes: number): Promise<void> {
    const body = JSON.stringify({ phone, template: 'LOGIN_CODE', params: { code, minutes: ttlMinutes } });
    const signature = createHmac('sha256', this.secret).update(body).digest('hex');
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signature },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
  }
}

/**
 * A fake provider for tests and drills: records what it sends, and fails (as a provider that
 * errors or times out) while `failing` is set or for the next `failNext(n)` sends.
 */
export class FailingSmsSender implements SmsSender {
  readonly sent: Array<{ phone: string; code: string }> = [];
  failing = false;
  private failures = 0;
  attempts = 0;

  failNext(n: number): void {
    this.failures = n;
  }

  async sendLoginCode(phone: string, code: string): Promise<void> {
    this.attempts += 1;
    if (this.failing || this.failures > 0) {
      this.failures = Math.max(0, this.failures - 1);
      throw new Error('SMS gateway answered 503');
    }
    this.sent.push({ phone, code });
  }

  lastCode(phone: string): string | undefined {
    return [...this.sent].reverse().find((s) => s.phone === phone)?.code;
  }
}
