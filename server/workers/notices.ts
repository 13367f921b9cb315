/**
 * The delivery worker of notices (SPEC 2.8). Messages are written by the use cases into
 * `messages`, in the transaction of their event: the outbox. (A payment's notice is one row of
 * `notice_outbox` written by its trigger; `dispatchMessages` first makes its messages.) This
 * worker takes them from there in two steps, each one statement and so one transaction:
 *
 * 1. `dispatchMessages` turns each new message into one delivery per channel that has a
 *    recipient (`message_deliveries`, unique per message and channel) and marks the message
 *    dispatched;
 * 2. `deliverDue` claims due deliveries with a lease, sends them through the app's channels and
 *    records the outcome: `sent`, or another try later (exponential backoff), or `failed` after
 *    the last try or a refusal no retry can change.
 *
 * Exactly once: a `sent` delivery is never claimed again, and a claim takes rows with
 * `FOR UPDATE SKIP LOCKED`, so two workers (two gateways on one PostgreSQL) never hold the same
 * delivery. Every outcome is written only by the worker that still holds the claim (the
 * `attempts` it claimed with is the fence). A worker that dies while sending leaves its claim
 * to expire (NOTICE_LEASE_SECONDS); a send is cut off at half the lease, so a live worker's
 * claim never expires under it. The one duplicate left is the network's: a provider that
 * accepted a notice whose answer never came back. The SMS relay drops those by the
 * `X-Idempotency-Key` (the delivery's id); WeChat has no such key.
 */
import type { App } from '../app';
import type { NoticeSettings } from '../config';
import { PermanentDeliveryError, type NoticeChannel } from '../platform/noticeChannels';
import { drainNoticeOutbox } from '../store/noticeOutbox';
import { isNoticeKind, renderNotice, type NoticeRef } from '../../src/rules/notices';
import { maskPhone, scrubIdNumbers } from '../../src/rules/mask';

/** What the worker needs of the app. */
export type NoticeApp = Pick<App, 'db' | 'clock' | 'log' | 'config' | 'noticeChannels'>;

/**
 * One delivery per channel for up to `limit` undispatched messages, oldest first:
 * - `wechat` to the openid of the user who reads the message (its `user_id`, or the user
 *   linked to its `person_id`), when that user logged in through WeChat;
 * - `sms` to the message's own `sms_phone`, else that user's phone, else the person's registry
 *   phone.
 * A channel without a recipient gets no row. The messages are marked dispatched in the same
 * statement; rows another worker is dispatching are skipped, and the unique key (message,
 * channel) refuses a second row in any case.
 */
const DISPATCH = /* sql */ `
WITH batch AS (
  SELECT m.message_id, m.person_id, m.user_id, m.sms_phone
  FROM messages m
  WHERE m.dispatched_at IS NULL
  ORDER BY m.created_at, m.message_id
  LIMIT $1
  FOR UPDATE SKIP LOCKED),
reader AS (
  SELECT b.message_id, b.sms_phone, u.user_id, u.phone AS user_phone, p.phone AS registry_phone
  FROM batch b
  LEFT JOIN users u ON u.user_id = COALESCE(b.user_id, (SELECT l.user_id FROM users l WHERE l.person_id = b.person_id))
  LEFT JOIN persons p ON p.person_id = b.person_id),
wanted AS (
  SELECT r.message_id, 'wechat' AS channel,
         (SELECT w.openid FROM wechat_identities w WHERE w.user_id = r.user_id ORDER BY w.created_at DESC, w.openid LIMIT 1) AS recipient
  FROM reader r
  UNION ALL
  SELECT r.message_id, 'sms', COALESCE(r.sms_phone, r.user_phone, r.registry_phone)
  FROM reader r),
created AS (
  INSERT INTO message_deliveries (delivery_id, message_id, channel, recipient, status, attempts, next_attempt_at, created_at)
  SELECT gen_random_uuid(), w.message_id, w.channel, w.recipient, 'pending', 0, $2::timestamptz, $2::timestamptz
  FROM wanted w
  WHERE w.recipient IS NOT NULL
  ON CONFLICT (message_id, channel) DO NOTHING
  RETURNING 1),
marked AS (
  UPDATE messages SET dispatched_at = $2::timestamptz
  WHERE message_id IN (SELECT message_id FROM batch)
  RETURNING 1)
SELECT (SELECT count(*) FROM marked) AS messages, (SELECT count(*) FROM created) AS deliveries`;

/**
 * Claims up to `limit` due deliveries of the given channels: pending ones whose time has come,
 * and ones whose sender's lease ran out. A claim counts as a try, and its lease end is also
 * its next due time, so that one index (status, next_attempt_at) finds both kinds.
 */
const CLAIM = /* sql */ `
UPDATE message_deliveries d
SET status = 'sending', attempts = d.attempts + 1, lease_until = $2::timestamptz, next_attempt_at = $2::timestamptz
FROM (
  SELECT delivery_id FROM message_deliveries
  WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1::timestamptz
    AND channel = ANY (string_to_array($3::text, ','))
  ORDER BY next_attempt_at, delivery_id
  LIMIT $4
  FOR UPDATE SKIP LOCKED) due,
  messages m
WHERE d.delivery_id = due.delivery_id AND m.message_id = d.message_id
RETURNING d.delivery_id, d.channel, d.recipient, d.attempts, m.kind, m.ref, m.created_at`;

/** The claim's holder records a send. */
const MARK_SENT = /* sql */ `
UPDATE message_deliveries SET status = 'sent', sent_at = $2::timestamptz, lease_until = NULL, last_error = NULL
WHERE delivery_id = $1 AND status = 'sending' AND attempts = $3
RETURNING delivery_id`;

/** The claim's holder records a failed try: `pending` again at `next_attempt_at`, or `failed`. */
const MARK_UNSENT = /* sql */ `
UPDATE message_deliveries SET status = $4, next_attempt_at = $2::timestamptz, lease_until = NULL, last_error = $5
WHERE delivery_id = $1 AND status = 'sending' AND attempts = $3
RETURNING delivery_id`;

interface Claimed {
  delivery_id: string;
  channel: string;
  recipient: string;
  attempts: number;
  kind: string;
  ref: unknown;
  created_at: Date;
}

/** Turns up to `limit` new messages into deliveries. Returns how many of each. */
export async function dispatchMessages(app: Pick<NoticeApp, 'db' | 'clock'>, limit: number): Promise<{ messages: number; deliveries: number }> {
  // The notices of payments wait in the lean outbox the payment wrote; they become messages first.
  await drainNoticeOutbox(app.db, limit);
  const [row] = await app.db.query<{ messages: bigint; deliveries: bigint }>(DISPATCH, [limit, app.clock.now()]);
  return { messages: Number(row?.messages ?? 0), deliveries: Number(row?.deliveries ?? 0) };
}

/** The pause before try `attempts + 1`: base · 2^(attempts − 1), at most the maximum. */
export function retryDelaySeconds(attempts: number, settings: Pick<NoticeSettings, 'retryBaseSeconds' | 'retryMaxSeconds'>): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(settings.retryBaseSeconds * 2 ** exponent, settings.retryMaxSeconds);
}

/**
 * What is kept of an error in `last_error` and in the log: its kind and message, cut short,
 * with the recipient, mainland phone numbers and ID numbers taken out.
 */
export function describeError(error: unknown, recipient?: string): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
  if (recipient) text = text.split(recipient).join('<recipient>');
  text = scrubIdNumbers(text).replace(/1[3-9][0-9]{9}/g, (phone) => maskPhone(phone));
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`send took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

type Outcome = 'sent' | 'retry' | 'failed' | 'lost';

async function deliverOne(app: NoticeApp, channel: NoticeChannel, claim: Claimed): Promise<Outcome> {
  const settings = app.config.notices;
  const attempts = Number(claim.attempts);
  let error: unknown;
  try {
    if (!isNoticeKind(claim.kind)) throw new PermanentDeliveryError(`unknown notice kind ${JSON.stringify(claim.kind).slice(0, 40)}`);
    const ref = (typeof claim.ref === 'object' && claim.ref !== null ? claim.ref : {}) as NoticeRef;
    const { title, body } = renderNotice(claim.kind, ref);
    await withTimeout(
      channel.send({
        deliveryId: claim.delivery_id,
        recipient: claim.recipient,
        kind: claim.kind,
        title,
        body,
        createdAt: new Date(claim.created_at),
      }),
      (settings.leaseSeconds * 1000) / 2,
    );
  } catch (caught) {
    error = caught;
  }
  const now = app.clock.now();
  if (error === undefined) {
    const marked = await app.db.query(MARK_SENT, [claim.delivery_id, now, attempts]);
    if (marked.length === 1) return 'sent';
    app.log.warn({ deliveryId: claim.delivery_id }, 'notice sent after its claim had expired');
    return 'lost';
  }
  const lastError = describeError(error, claim.recipient);
  const final = error instanceof PermanentDeliveryError || attempts >= settings.maxAttempts;
  const next = final ? now : new Date(now.getTime() + retryDelaySeconds(attempts, settings) * 1000);
  const marked = await app.db.query(MARK_UNSENT, [claim.delivery_id, next, attempts, final ? 'failed' : 'pending', lastError]);
  if (marked.length === 0) return 'lost';
  app.log.warn(
    { deliveryId: claim.delivery_id, channel: claim.channel, attempts, error: lastError },
    final ? 'notice delivery failed' : 'notice delivery will be tried again',
  );
  return final ? 'failed' : 'retry';
}

/**
 * Claims up to `limit` due deliveries of the app's channels and sends them (at the same time).
 * Returns how each ended: sent, to be retried, failed for good, or lost to another worker
 * (its claim expired meanwhile).
 */
export async function deliverDue(app: NoticeApp, limit: number): Promise<Record<Outcome, number>> {
  const channels = new Map(app.noticeChannels.map((c) => [c.channel as string, c]));
  const counts: Record<Outcome, number> = { sent: 0, retry: 0, failed: 0, lost: 0 };
  if (channels.size === 0) return counts;
  const now = app.clock.now();
  const leaseEnd = new Date(now.getTime() + app.config.notices.leaseSeconds * 1000);
  const claimed = await app.db.query<Claimed>(CLAIM, [now, leaseEnd, [...channels.keys()].join(','), limit]);
  const outcomes = await Promise.all(claimed.map((claim) => deliverOne(app, channels.get(claim.channel)!, claim)));
  for (const outcome of outcomes) counts[outcome] += 1;
  return counts;
}

/**
 * One round: dispatch up to `batchSize` new messages, then deliver up to `batchSize` due
 * deliveries. `full` says a batch was full, so more may be waiting; `items` counts the
 * messages dispatched and the deliveries claimed.
 */
export async function noticeRound(app: NoticeApp, batchSize: number): Promise<{ full: boolean; items: number }> {
  const dispatched = await dispatchMessages(app, batchSize);
  const delivered = await deliverDue(app, batchSize);
  const claimed = delivered.sent + delivered.retry + delivered.failed + delivered.lost;
  return { full: dispatched.messages >= batchSize || claimed >= batchSize, items: dispatched.messages + claimed };
}

/**
 * The notice worker as a job of the scheduler (server/workers/scheduler.ts): one slot runs
 * rounds at once while they find full batches, at most `maxRounds`; the next slot goes on.
 * A failing round fails the slot (the scheduler records and logs it) and the next slot tries
 * again; deliveries are fenced by their claims, so a run cut short sends nothing twice.
 */
export async function noticeJob(app: NoticeApp, options: { batchSize?: number; maxRounds?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? app.config.notices.batchSize;
  const maxRounds = options.maxRounds ?? 50;
  let items = 0;
  for (let rounds = 0; rounds < maxRounds; rounds += 1) {
    const round = await noticeRound(app, batchSize);
    items += round.items;
    if (!round.full) break;
  }
  return items;
}

/**
 * The standalone loop (tests and tools; the server runs `noticeJob` under the scheduler).
 * Runs dispatch and delivery every `intervalMs` (NOTICE_INTERVAL_MS), at once again while a
 * round finds a full batch. A failing round (the database away, say) is logged and the next
 * one comes as usual: nothing throws out of the timer. The returned function stops it and
 * waits for the round under way.
 */
export function startNoticeWorker(app: NoticeApp, options: { intervalMs?: number; batchSize?: number } = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? app.config.notices.intervalMs;
  const batchSize = options.batchSize ?? app.config.notices.batchSize;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function round(): Promise<boolean> {
    try {
      return (await noticeRound(app, batchSize)).full;
    } catch (error) {
      app.log.error({ error: describeError(error) }, 'notice worker round failed');
      return false;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round()
        .catch(() => false)
        .then((full) => {
          running = undefined;
          schedule(full ? 0 : intervalMs);
        });
    }, delayMs);
    timer.unref();
  }

  schedule(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
