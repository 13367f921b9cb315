import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { Db } from '../../server/db/port';
import { ManualClock } from '../../server/platform/clock';
import { createLogger } from '../../server/platform/log';
import type { ChannelName, NoticeChannel, NoticeDelivery } from '../../server/platform/noticeChannels';
import { DevWechatPhoneResolver } from '../../server/platform/wechatPhone';
import type { NoticeKind, NoticeRef } from '../../src/rules/notices';
import { CapturingSms } from '../support/harness';

/**
 * A channel that records what it sent. `behaviour` runs before the record and may wait or
 * throw (a failing provider); only a send that returns is recorded.
 */
export class CapturingChannel implements NoticeChannel {
  readonly sent: NoticeDelivery[] = [];
  constructor(
    readonly channel: ChannelName,
    private readonly behaviour?: (d: NoticeDelivery) => Promise<void> | void,
  ) {}
  async send(d: NoticeDelivery): Promise<void> {
    await this.behaviour?.(d);
    this.sent.push(d);
  }
}

/** An app on `db` whose notices go to `channels`, in development, with its own clock and a log kept in `lines`. */
export async function noticeApp(
  db: Db,
  channels: NoticeChannel[],
  options: { clock?: ManualClock; env?: Record<string, string> } = {},
): Promise<App & { clock: ManualClock; lines: string[] }> {
  const clock = options.clock ?? new ManualClock();
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line) });
  const app = await createApp(loadConfig({ APP_ENV: 'development', ...options.env }), {
    db,
    clock,
    log,
    sms: new CapturingSms(),
    wechatPhone: new DevWechatPhoneResolver(),
    noticeChannels: channels,
  });
  return Object.assign(app, { clock, lines });
}

/**
 * Registry persons, users and messages written straight into the tables, so that these tests
 * need nothing of the use cases that write messages.
 */
export class World {
  /** One numbering for every world of a test file (they share its database). */
  private static seq = 0;
  constructor(
    readonly db: Db,
    readonly clock: ManualClock,
  ) {}

  private next(): number {
    World.seq += 1;
    return World.seq;
  }

  phone(): string {
    return `137${String(this.next()).padStart(8, '0')}`;
  }

  async person(options: { registryPhone?: string } = {}): Promise<string> {
    const n = this.next();
    const personId = randomUUID();
    await this.db.query(
      `INSERT INTO persons (person_id, id_digest, id_masked, name, birth_date, sex, insurance_type, status, pooling_region, created_at, updated_at, phone)
       VALUES ($1, $2, '1301**********0011', $3, '1980-01-01', 'male', 'employee', 'active', '130100', $4, $4, $5)`,
      [personId, `digest-${personId}`, `测试${n}`, this.clock.now(), options.registryPhone ?? null],
    );
    return personId;
  }

  /** A user with its own phone, linked to `personId` when given, and logged in through WeChat as `openid`. */
  async user(options: { personId?: string; openid?: string } = {}): Promise<{ userId: string; phone: string }> {
    const userId = randomUUID();
    const phone = this.phone();
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO users (user_id, phone, person_id, created_at, verified_at, verified_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [userId, phone, options.personId ?? null, now, options.personId ? now : null, options.personId ? 'registry_phone' : null],
    );
    if (options.openid) {
      await this.db.query('INSERT INTO wechat_identities (openid, user_id, created_at) VALUES ($1, $2, $3)', [options.openid, userId, now]);
    }
    return { userId, phone };
  }

  async message(
    to: { personId?: string; userId?: string; smsPhone?: string },
    kind: NoticeKind | string = 'binding_confirmed',
    ref: NoticeRef = { otherName: '王秀兰', relationship: 'parent', role: 'sharer' },
  ): Promise<string> {
    const messageId = randomUUID();
    await this.db.query(
      `INSERT INTO messages (message_id, person_id, user_id, sms_phone, kind, ref, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [messageId, to.personId ?? null, to.userId ?? null, to.smsPhone ?? null, kind, JSON.stringify(ref), this.clock.now()],
    );
    return messageId;
  }

  async deliveries(messageId?: string): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT delivery_id, message_id, channel, recipient, status, attempts, next_attempt_at, lease_until, sent_at, last_error
       FROM message_deliveries ${messageId ? 'WHERE message_id = $1' : ''} ORDER BY created_at, message_id, channel`,
      messageId ? [messageId] : [],
    );
  }
}

export interface DeliveryRow {
  delivery_id: string;
  message_id: string;
  channel: ChannelName;
  recipient: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  sent_at: Date | null;
  last_error: string | null;
}
