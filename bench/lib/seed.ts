/**
 * Seeding for the benchmarks: persons, accounts (with their opening ledger entries), bindings,
 * institutions and verified users, written straight into the tables in batches (one
 * `jsonb_to_recordset` statement per batch, so the same code runs on PGlite and PostgreSQL).
 * Every row respects the constraints of server/db/migrations/0001_init.ts, and every account
 * satisfies balance = sum(ledger deltas).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { Db } from '../../server/db/port';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { systemClock, type Clock } from '../../server/platform/clock';
import { digestOf } from '../../server/platform/keys';
import { createLogger } from '../../server/platform/log';
import { issueSessionToken, type InstitutionCaller } from '../../server/runtime/caller';
import { idDigest } from '../../server/store/persons';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber } from '../../src/rules/mask';
import type { Relationship } from '../../src/rules/relationship';

/** Generous limits: the benchmarks measure the work, not the rate limiter's refusals. */
export const BENCH_ENV: Record<string, string> = {
  APP_ENV: 'development',
  DEMO_DATA: '0',
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
 * An App on `db` with the bench configuration. The logger keeps level info (the gateway logs
 * every call, as in production) but throws the lines away instead of writing them to stdout.
 */
export async function benchApp(db: Db, options: { clock?: Clock; env?: Record<string, string> } = {}): Promise<App> {
  const log = createLogger({ level: 'info', write: () => undefined });
  return createApp(loadConfig({ ...BENCH_ENV, ...(options.env ?? {}) }), { db, log, clock: options.clock ?? systemClock });
}

export interface SeedPerson {
  personId: string;
  idNumber: string;
  name: string;
  insuranceType: 'employee' | 'resident' | 'none';
  region: string;
  birthDate: string;
  /** Employees only: the opening balance. */
  balanceFen?: number;
}

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * `count` people with valid, distinct ID numbers: person i of a group is born `baseDate` + ⌊i/900⌋
 * days with sequence i mod 900 + 1. Groups must use base dates far enough apart
 * (900 people per day: 10 years hold 3.2 million people).
 */
export function makePeople(
  count: number,
  options: { baseDate: string; insuranceType: SeedPerson['insuranceType']; region?: string; balanceFen?: (i: number) => number; tag: string },
): SeedPerson[] {
  const region = options.region ?? '130100';
  return Array.from({ length: count }, (_, i) => {
    const birthDate = addDays(options.baseDate, Math.floor(i / 900));
    const idNumber = makeIdNumber(region, birthDate, (i % 900) + 1);
    return {
      personId: randomUUID(),
      idNumber,
      name: `${SURNAMES[i % SURNAMES.length]}${options.tag}${i}`,
      insuranceType: options.insuranceType,
      region,
      birthDate,
      ...(options.insuranceType === 'employee' ? { balanceFen: options.balanceFen?.(i) ?? 0 } : {}),
    };
  });
}

async function inBatches<T>(rows: readonly T[], size: number, fn: (batch: readonly T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < rows.length; start += size) await fn(rows.slice(start, start + size));
}

/** Inserts persons, their accounts and opening ledger entries. */
export async function insertPeople(app: App, people: readonly SeedPerson[], at = new Date()): Promise<void> {
  const today = at.toISOString().slice(0, 10);
  await inBatches(people, 2000, async (batch) => {
    const rows = batch.map((p) => {
      const parsed = parseIdNumber(p.idNumber, today);
      if (!parsed.ok) throw new Error(`seed made an invalid ID number ${p.idNumber}: ${parsed.message}`);
      return {
        person_id: p.personId,
        id_digest: idDigest(app, parsed.info.idNumber),
        id_masked: maskIdNumber(parsed.info.idNumber),
        name: p.name,
        birth_date: parsed.info.birthDate,
        sex: parsed.info.sex,
        insurance_type: p.insuranceType,
        status: 'active',
        pooling_region: p.region,
      };
    });
    await app.db.query(
      `INSERT INTO persons (person_id, id_digest, id_masked, name, birth_date, sex, insurance_type, status, pooling_region, created_at, updated_at)
       SELECT x.person_id, x.id_digest, x.id_masked, x.name, x.birth_date, x.sex, x.insurance_type, x.status, x.pooling_region, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, id_digest text, id_masked text, name text, birth_date date,
         sex text, insurance_type text, status text, pooling_region text)`,
      [JSON.stringify(rows), at],
    );
    const accounts = batch
      .filter((p) => p.balanceFen !== undefined)
      .map((p) => ({ person_id: p.personId, balance_fen: p.balanceFen, entry_id: randomUUID() }));
    if (accounts.length === 0) return;
    const json = JSON.stringify(accounts);
    await app.db.query(
      `INSERT INTO accounts (person_id, balance_fen, created_at, updated_at)
       SELECT x.person_id, x.balance_fen, $2, $2 FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, balance_fen bigint)`,
      [json, at],
    );
    await app.db.query(
      `INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, created_at)
       SELECT x.entry_id, x.person_id, 'opening', x.balance_fen, x.balance_fen, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, balance_fen bigint, entry_id uuid) WHERE x.balance_fen > 0`,
      [json, at],
    );
  });
}

export interface SeedBinding {
  bindingId: string;
  sharerId: string;
  relativeId: string;
  relationship: Relationship;
  createdAt: Date;
}

export async function insertBindings(app: App, bindings: readonly SeedBinding[]): Promise<void> {
  await inBatches(bindings, 5000, async (batch) => {
    const rows = batch.map((b) => ({
      binding_id: b.bindingId,
      sharer_id: b.sharerId,
      relative_id: b.relativeId,
      relationship: b.relationship,
      created_at: b.createdAt.toISOString(),
    }));
    await app.db.query(
      `INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at)
       SELECT x.binding_id, x.sharer_id, x.relative_id, x.relationship, 'active', x.created_at, x.created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(binding_id uuid, sharer_id uuid, relative_id uuid, relationship text, created_at timestamptz)`,
      [JSON.stringify(rows)],
    );
  });
}

export function binding(sharer: SeedPerson, relative: SeedPerson, createdAt: Date, relationship: Relationship = 'child'): SeedBinding {
  return { bindingId: randomUUID(), sharerId: sharer.personId, relativeId: relative.personId, relationship, createdAt };
}

/** An institution row (with a real key digest, so its key also works over HTTP) and its caller. */
export async function insertInstitution(app: App, code = 'BENCH0001'): Promise<{ caller: InstitutionCaller; key: string }> {
  const secret = randomBytes(24).toString('base64url');
  const name = `压测医院${code}`;
  const now = new Date();
  await app.db.query(
    `INSERT INTO institutions (code, name, kind, key_digest, created_at, updated_at) VALUES ($1, $2, 'hospital', $3, $4, $4)`,
    [code, name, digestOf(app.keys.digest, 'institution-key', secret), now],
  );
  return { caller: { kind: 'institution', code, name }, key: `${code}.${secret}` };
}

/**
 * Verified users for the given persons, with session tokens (no SMS round). Each user's phone
 * is made the person's registry phone, so the link is the one a registry-phone login makes
 * (SPEC 2.7: `verified_by = 'registry_phone'`).
 */
export async function insertVerifiedUsers(app: App, people: readonly SeedPerson[], phoneBase = 13_900_000_000): Promise<Array<{ userId: string; token: string; person: SeedPerson }>> {
  const now = new Date();
  const users = people.map((person, i) => ({ user_id: randomUUID(), phone: String(phoneBase + i), person_id: person.personId, person }));
  await inBatches(users, 2000, async (batch) => {
    const json = JSON.stringify(batch.map(({ person: _p, ...row }) => row));
    await app.db.query(
      `UPDATE persons p SET phone = x.phone FROM jsonb_to_recordset($1::jsonb) AS x(person_id uuid, phone text) WHERE p.person_id = x.person_id`,
      [json],
    );
    await app.db.query(
      `INSERT INTO users (user_id, phone, person_id, created_at, verified_at, verified_by)
       SELECT x.user_id, x.phone, x.person_id, $2, $2, 'registry_phone' FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, phone text, person_id uuid)`,
      [json, now],
    );
  });
  const out: Array<{ userId: string; token: string; person: SeedPerson }> = [];
  for (const user of users) out.push({ userId: user.user_id, token: (await issueSessionToken(app, user.user_id)).token, person: user.person });
  return out;
}

/**
 * The standard settlement population: `sharers` employees with large balances, `relatives`
 * resident-insured relatives (no account of their own), each bound to `perRelative`
 * consecutive sharers (relative i → sharers i, i+1, … mod the number of sharers).
 */
export async function seedFamilies(
  app: App,
  options: { sharers: number; relatives: number; perRelative: number; sharerBalance?: (i: number) => number },
): Promise<{ sharers: SeedPerson[]; relatives: SeedPerson[] }> {
  const sharers = makePeople(options.sharers, {
    baseDate: '1960-01-01',
    insuranceType: 'employee',
    tag: '共济',
    balanceFen: options.sharerBalance ?? ((i) => 5_000_000 + ((i * 7919) % 5_000_000)),
  });
  const relatives = makePeople(options.relatives, { baseDate: '1995-01-01', insuranceType: 'resident', tag: '亲属' });
  await insertPeople(app, [...sharers, ...relatives]);
  const bindings: SeedBinding[] = [];
  const base = Date.now() - 86_400_000;
  relatives.forEach((relative, i) => {
    for (let k = 0; k < options.perRelative; k += 1) {
      bindings.push(binding(sharers[(i + k) % sharers.length]!, relative, new Date(base + k * 1000 + i)));
    }
  });
  await insertBindings(app, bindings);
  return { sharers, relatives };
}
