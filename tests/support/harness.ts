import { createApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { Db } from '../../server/db/port';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { ManualClock } from '../../server/platform/clock';
import { createLogger } from '../../server/platform/log';
import type { SmsSender } from '../../server/platform/sms';
import { DevFaceCheckProvider, type FaceCheckProvider } from '../../server/platform/faceCheck';
import type { NoticeChannel } from '../../server/platform/noticeChannels';
import { DevWechatPhoneResolver, type WechatPhoneResolver } from '../../server/platform/wechatPhone';
import type { Data, EventIn, FunctionName } from '../../server/contract';
import type { CloudMain } from '../../server/runtime/define';
import type { Envelope } from '../../server/runtime/envelope';
import type { PersonInput } from '../../server/usecases/admin';
import type { Relationship } from '../../src/rules/relationship';

export class CapturingSms implements SmsSender {
  readonly sent: Array<{ phone: string; code: string }> = [];
  async sendLoginCode(phone: string, code: string): Promise<void> {
    this.sent.push({ phone, code });
  }
  lastCode(phone: string): string | undefined {
    return [...this.sent].reverse().find((s) => s.phone === phone)?.code;
  }
}

let functions: Promise<Map<string, CloudMain>> | undefined;

export interface TestPerson {
  idNumber: string;
  name: string;
  poolingRegion: string;
  birthDate: string;
  /** The registry phone (预留手机号): logging in with it proves the person (SPEC 2.7). */
  phone?: string;
}

export interface TestUser {
  token: string;
  phone: string;
  person?: TestPerson;
}

/** Generous limits, so only the rate-limit tests meet them (they set their own). */
const TEST_ENV = {
  APP_ENV: 'development',
  SMS_COOLDOWN_SECONDS: '0',
  SMS_PER_PHONE_PER_DAY: '1000',
  LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '1000000',
  WECHAT_LOGINS_PER_PHONE_PER_HOUR: '100000',
  SMS_PER_CLIENT_PER_HOUR: '1000000',
  SMS_GLOBAL_PER_HOUR: '100000000',
  VERIFY_ATTEMPTS_PER_HOUR: '100000',
  BIND_ATTEMPTS_PER_HOUR: '1000000',
  DIAGNOSE_PER_HOUR: '1000000',
};

/**
 * A test instance on a real database: the app, a hand-moved clock, a capturing SMS sender,
 * the real cloud functions, and factories that go through those functions as a client would.
 */
export class Harness {
  private seq = 0;
  private phoneSeq = 0;
  adminKey = '';

  private constructor(
    readonly app: App,
    readonly clock: ManualClock,
    readonly sms: CapturingSms,
    private readonly mains: Map<string, CloudMain>,
    /** Every log line the app wrote (already scrubbed, as on stdout). */
    readonly log: string[],
  ) {
    this.adminKey = app.keys.admin;
  }

  /** `wechatPhone`: the resolver of WeChat phone codes (default: the development one, `dev:<phone>`). */
  static async create(
    db: Db,
    env: Record<string, string> = {},
    clock = new ManualClock(),
    parts: { wechatPhone?: WechatPhoneResolver; faceCheck?: FaceCheckProvider; noticeChannels?: readonly NoticeChannel[]; sms?: SmsSender } = {},
  ): Promise<Harness> {
    const capturing = new CapturingSms();
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
    const wechatPhone = parts.wechatPhone ?? new DevWechatPhoneResolver();
    const app = await createApp(loadConfig({ ...TEST_ENV, ...env }), {
      db,
      clock,
      sms: parts.sms ?? capturing,
      wechatPhone,
      log,
      faceCheck: parts.faceCheck ?? new DevFaceCheckProvider(),
      noticeChannels: parts.noticeChannels ?? [],
    });
    functions ??= loadCloudFunctions();
    return new Harness(app, clock, capturing, await functions, lines);
  }

  /** Calls a cloud function exactly as the gateway does (`clientAddress`: the client's address the gateway saw). */
  async call<T = unknown>(name: string, event: unknown, bearer?: string, clientAddress?: string): Promise<Envelope<T>> {
    const main = this.mains.get(name);
    if (!main) throw new Error(`no cloud function ${name}`);
    return (await main(event, { source: 'gateway', app: this.app, bearer, ...(clientAddress ? { clientAddress } : {}) })) as Envelope<T>;
  }

  /** Calls and expects success; returns data. */
  async ok<T = any>(name: string, event: unknown, bearer?: string): Promise<T> {
    const envelope = await this.call<T>(name, event, bearer);
    if (!envelope.ok) throw new Error(`${name} failed: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.data;
  }

  /**
   * As `ok`, typed by the contract (server/contract): the event must be one the contract
   * allows, and the answer is the contract's. The factories below call through it.
   */
  fn<N extends FunctionName>(name: N, event: EventIn<N>, bearer?: string): Promise<Data<N>> {
    return this.ok<Data<N>>(name, event, bearer);
  }

  /** Calls and expects an error; returns it. */
  async err(name: string, event: unknown, bearer?: string): Promise<{ code: string; message: string; field?: string }> {
    const envelope = await this.call(name, event, bearer);
    if (envelope.ok) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(envelope.data)}`);
    return envelope.error;
  }

  nextPhone(): string {
    this.phoneSeq += 1;
    return `139${String(this.phoneSeq).padStart(8, '0')}`;
  }

  /** Registers a person in the registry (through upsertPersons) and returns who it is. */
  async person(options: Partial<PersonInput> & { birthDate?: string; male?: boolean } = {}): Promise<TestPerson> {
    this.seq += 1;
    const region = options.poolingRegion ?? '130100';
    const birthDate = options.birthDate ?? `19${50 + (this.seq % 40)}-0${1 + (this.seq % 9)}-1${this.seq % 10}`;
    const sequence = ((this.seq * 2) % 998) + (options.male === false ? 0 : 1);
    const idNumber = options.idNumber ?? makeIdNumber(region, birthDate, sequence);
    const name = options.name ?? `测试${this.seq}`;
    const phone = options.phone ?? this.nextPhone();
    const input: PersonInput = {
      phone,
      idNumber,
      name,
      insuranceType: options.insuranceType ?? 'resident',
      status: options.status ?? 'active',
      poolingRegion: region,
      ...(options.balanceFen !== undefined ? { balanceFen: options.balanceFen } : {}),
    };
    await this.fn('upsertPersons', { persons: [input] }, this.adminKey);
    return { idNumber, name, poolingRegion: region, birthDate, phone };
  }

  /** An employee-insured, active person with a balance. */
  employee(balanceFen: number, options: Partial<PersonInput> & { birthDate?: string } = {}): Promise<TestPerson> {
    return this.person({ insuranceType: 'employee', balanceFen, ...options });
  }

  /** Logs a phone in through sendCode + login: a new phone, or the registry phone of `person`, then verifies as them. */
  async user(person?: TestPerson): Promise<TestUser> {
    const phone = person?.phone ?? this.nextPhone();
    const token = await this.login(phone);
    if (person) await this.fn('verifyIdentity', { name: person.name, idNumber: person.idNumber }, token);
    return { token, phone, person };
  }

  /**
   * A passed face check of `person` opened by the user of `token` (SPEC 2.7; the development
   * provider passes for any registry person): the faceCheckId that verifyIdentity takes.
   */
  async faceCheck(token: string, person: Pick<TestPerson, 'name' | 'idNumber'>): Promise<string> {
    const { faceCheckId } = await this.fn('startFaceCheck', { name: person.name, idNumber: person.idNumber }, token);
    return faceCheckId;
  }

  /** A session token for a phone (sendCode + login). */
  async login(phone: string): Promise<string> {
    const { devCode } = await this.fn('sendCode', { phone });
    if (devCode === undefined) throw new Error('sendCode answered no devCode: not a development instance');
    const { token } = await this.fn('login', { phone, code: devCode });
    return token;
  }

  /**
   * Binds `relative` for `sharer` with the undertaking accepted. A relative of consent age
   * must confirm (SPEC 2.8): unless `confirm` is false, the relative logs in with their
   * registry phone and confirms, as they would in the app.
   */
  async bind(
    sharer: TestUser,
    relative: TestPerson,
    relationship: Relationship,
    options: { confirm?: boolean; endsOn?: string } = {},
  ): Promise<{ bindingId: string; status: string }> {
    const { binding } = await this.fn(
      'bindRelative',
      { name: relative.name, idNumber: relative.idNumber, relationship, acceptUndertaking: true, ...(options.endsOn ? { endsOn: options.endsOn } : {}) },
      sharer.token,
    );
    if (binding.status !== 'pending' || options.confirm === false) return binding;
    const confirmed = await this.fn('confirmBinding', { bindingId: binding.bindingId }, await this.tokenOf(relative));
    return confirmed.binding;
  }

  private readonly tokens = new Map<string, string>();

  /** A verified session of `person` (logged in once with their registry phone, then reused). */
  async tokenOf(person: TestPerson): Promise<string> {
    const known = this.tokens.get(person.idNumber);
    if (known) return known;
    const { token } = await this.user(person);
    this.tokens.set(person.idNumber, token);
    return token;
  }

  /** An institution and its key. */
  async institution(code = `H${String(++this.seq).padStart(8, '0')}`, kind: 'hospital' | 'pharmacy' = 'hospital') {
    const { key } = await this.fn('createInstitution', { code, name: `测试医院${code}`, kind }, this.adminKey);
    return { code, key };
  }

  /** Current balance of a person's account, straight from the database. */
  async balance(person: TestPerson): Promise<bigint | null> {
    const { idDigest } = await import('../../server/store/persons');
    const rows = await this.app.db.query<{ balance_fen: bigint }>(
      'SELECT a.balance_fen FROM accounts a JOIN persons p ON p.person_id = a.person_id WHERE p.id_digest = $1',
      [idDigest(this.app, person.idNumber)],
    );
    return rows[0]?.balance_fen ?? null;
  }
}

/** SPEC 2.2 invariant, per account: balance = sum of its ledger entries, never negative. */
export async function ledgerMismatches(app: App): Promise<Array<{ person_id: string; balance_fen: bigint; ledger: bigint }>> {
  return app.db.query(
    `SELECT a.person_id, a.balance_fen, COALESCE(sum(l.delta_fen), 0)::bigint AS ledger
     FROM accounts a LEFT JOIN ledger_entries l ON l.person_id = a.person_id
     GROUP BY a.person_id, a.balance_fen
     HAVING a.balance_fen <> COALESCE(sum(l.delta_fen), 0) OR a.balance_fen < 0`,
  );
}

/**
 * Makes `h` push every answer it receives (its factories' included), as the JSON a client would
 * read, into `into` — for tests that look for personal data in everything a flow answered.
 * Idempotent: a harness is wrapped once.
 */
export function recordAnswers(h: Harness, into: string[]): Harness {
  if ((h as { recording?: boolean }).recording) return h;
  const original = h.call.bind(h);
  h.call = (async (name: string, event: unknown, bearer?: string) => {
    const envelope = await original(name, event, bearer);
    into.push(`${name} → ${JSON.stringify(envelope)}`);
    return envelope;
  }) as Harness['call'];
  (h as { recording?: boolean }).recording = true;
  return h;
}
