import { randomUUID } from 'node:crypto';
import type { App } from '../app';
import { digestOf } from '../platform/keys';
import { createInstitution, setPolicy, upsertPersons } from '../usecases/admin';
import { settle } from '../usecases/settle';
import { idDigest } from '../store/persons';
import { notify } from '../store/messages';
import { expireDue, refreshPayability } from '../usecases/payabilityWatch';
import { shanghaiToday } from '../../src/rules/age';
import { UNDERTAKING } from '../../src/rules/undertaking';
import { setQuota } from '../usecases/quota';
import { DEMO_BINDINGS, DEMO_FAMILY_ACCOUNT, DEMO_INSTITUTIONS, DEMO_PERSONS, DEMO_POLICIES, DEMO_SETTLEMENTS, DEMO_STAFF } from './cast';
import { createStaff } from '../usecases/staff';
import { TOTP, Secret } from 'otpauth';

const DAY_MS = 86_400_000;

/** Demo institution keys are derived from the instance's digest key, so every start can print them. */
export function demoInstitutionKey(app: App, code: string): string {
  return `${code}.${digestOf(app.keys.digest, 'demo-institution', code).slice(0, 32)}`;
}

export async function isRegistryEmpty(app: App): Promise<boolean> {
  const rows = await app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM persons');
  return (rows[0]?.n ?? 0n) === 0n;
}

/**
 * Loads the demo cast (demo/cast.ts) through the same use cases the functions use, so the
 * ledger, the records and the audit trail are what real traffic would have produced.
 */
export async function seedDemo(app: App): Promise<void> {
  const base = app.clock.now().getTime();
  const at = (daysAgo: number): App => ({ ...app, clock: { now: () => new Date(base - daysAgo * DAY_MS) } });
  const start = at(120);

  await upsertPersons(start, {
    persons: DEMO_PERSONS.map(({ key: _k, phone, registryPhone, verified: _v, ...person }) => {
      const registry = registryPhone ?? phone;
      return registry ? { ...person, phone: registry } : person;
    }),
  });
  const personId = new Map<string, string>();
  for (const person of DEMO_PERSONS) {
    const rows = await app.db.query<{ person_id: string }>('SELECT person_id FROM persons WHERE id_digest = $1', [
      idDigest(app, person.idNumber),
    ]);
    const id = rows[0]?.person_id;
    if (!id) throw new Error(`demo person ${person.key} missing`);
    personId.set(person.key, id);
  }
  const idOf = (key: string): string => {
    const id = personId.get(key);
    if (!id) throw new Error(`unknown demo person ${key}`);
    return id;
  };

  for (const institution of DEMO_INSTITUTIONS) {
    await createInstitution(start, institution, demoInstitutionKey(app, institution.code).split('.')[1]);
  }
  const userId = new Map<string, string>();
  for (const person of DEMO_PERSONS.filter((p) => p.phone)) {
    const id = randomUUID();
    userId.set(person.key, id);
    const created = new Date(base - 100 * DAY_MS);
    await app.db.query(
      'INSERT INTO users (user_id, phone, person_id, created_at, verified_at, verified_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        id,
        person.phone ?? null,
        person.verified ? idOf(person.key) : null,
        created,
        person.verified ? created : null,
        person.verified ? 'registry_phone' : null,
      ],
    );
  }
  const bindingId = new Map<string, string>();
  for (const [index, binding] of DEMO_BINDINGS.entries()) {
    const id = randomUUID();
    bindingId.set(binding.relative, id);
    const created = new Date(base - (110 - index) * DAY_MS);
    await app.db.query(
      `INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at,
         undertaking_version, undertaking_at, ends_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6, $9)`,
      [
        id,
        idOf(binding.sharer),
        idOf(binding.relative),
        binding.relationship,
        binding.status === 'active' || binding.status === 'unbound' ? 'active' : 'pending',
        created,
        binding.status === 'active' || binding.status === 'unbound' ? created : null,
        UNDERTAKING.version,
        binding.endedDaysAgo === undefined ? null : shanghaiToday(new Date(base - binding.endedDaysAgo * DAY_MS)),
      ],
    );
    await notify(app.db, created, { personId: idOf(binding.relative) }, binding.status === 'pending' || binding.status === 'declined' ? 'binding_requested' : 'binding_created', {
      bindingId: id,
      otherName: DEMO_PERSONS.find((p) => p.key === binding.sharer)?.name ?? '',
      relationship: binding.relationship,
      role: 'relative',
    });
  }
  // Quotas are set aside through the product itself (setQuota), by their sharers, the day after binding.
  for (const [index, binding] of DEMO_BINDINGS.entries()) {
    if (binding.quotaFen === undefined) continue;
    const sharer = userId.get(binding.sharer);
    if (!sharer) throw new Error(`demo quota of ${binding.sharer}, who has no user`);
    const caller = { kind: 'user' as const, userId: sharer, phone: '', personId: idOf(binding.sharer), sessionId: null, openid: null };
    await setQuota(at(109 - index), caller, { bindingId: bindingId.get(binding.relative) ?? '', amountFen: binding.quotaFen });
  }
  for (const member of DEMO_FAMILY_ACCOUNT) {
    await app.db.query(
      'INSERT INTO family_members (member_id, owner_user_id, person_id, relationship, created_at) VALUES ($1, $2, $3, $4, $5)',
      [randomUUID(), userId.get(member.owner) ?? null, idOf(member.person), member.relationship, new Date(base - 95 * DAY_MS)],
    );
  }
  const byDate = [...DEMO_SETTLEMENTS].sort((a, b) => b.daysAgo - a.daysAgo);
  for (const [index, bill] of byDate.entries()) {
    const institution = DEMO_INSTITUTIONS.find((i) => i.code === bill.institution);
    const patient = DEMO_PERSONS.find((p) => p.key === bill.patient);
    if (!institution || !patient) throw new Error('demo settlement refers to an unknown party');
    await settle(
      at(bill.daysAgo),
      { kind: 'institution', code: institution.code, name: institution.name },
      { serialNo: `DEMO-${String(index + 1).padStart(4, '0')}`, patientIdNumber: patient.idNumber, kind: bill.kind, amountFen: bill.amountFen },
    );
  }
  for (const binding of DEMO_BINDINGS.filter((b) => b.status === 'unbound')) {
    await app.db.query("UPDATE bindings SET status = 'unbound', ended_at = $2, ended_by = 'sharer' WHERE binding_id = $1", [
      bindingId.get(binding.relative) ?? null,
      new Date(base - 60 * DAY_MS),
    ]);
  }
  for (const binding of DEMO_BINDINGS.filter((b) => b.status === 'declined')) {
    const id = bindingId.get(binding.relative) ?? null;
    const when = new Date(base - 20 * DAY_MS);
    await app.db.query(
      "UPDATE bindings SET status = 'declined', ended_at = $2, ended_by = 'relative', not_my_relative = $3 WHERE binding_id = $1",
      [id, when, binding.notMyRelative === true],
    );
    if (binding.notMyRelative) {
      await app.db.query(
        `INSERT INTO risk_events (risk_id, kind, person_id, other_id, binding_id, detail, created_at)
         VALUES ($1, 'not_my_relative', $2, $3, $4, $5, $6)`,
        [randomUUID(), idOf(binding.relative), idOf(binding.sharer), id, JSON.stringify({ relationship: binding.relationship }), when],
      );
    }
  }
  // Bindings past their end date are expired, and both sides were told on that day.
  const ended = new Date(base - Math.min(...DEMO_BINDINGS.map((b) => b.endedDaysAgo ?? Infinity)) * DAY_MS);
  await expireDue(app.db, ended, shanghaiToday(ended), 'true', []);
  // Record what pays today, so that the policy changes below tell whom they stop (SPEC 2.8).
  const before = new Date(base - 31 * DAY_MS);
  await refreshPayability(app.db, before, shanghaiToday(before), 'true', []);
  for (const policy of DEMO_POLICIES) await setPolicy(at(30), policy);
  // The demo's history happened before the first start: its notices count as delivered then.
  await app.db.query('UPDATE messages SET dispatched_at = created_at WHERE dispatched_at IS NULL');
}

/**
 * The demo staff (development only): created when missing, also in a database seeded before
 * staff existed. Production never calls this (main.ts checks APP_ENV and DEMO_DATA).
 */
export async function seedDemoStaff(app: App): Promise<void> {
  if (app.config.appEnv !== 'development') throw new Error('demo staff exist only in development');
  for (const staff of DEMO_STAFF) {
    const existing = await app.db.query('SELECT 1 FROM staff WHERE username = $1', [staff.username]);
    if (existing.length === 0) await createStaff(app, staff);
  }
}

/** The code an authenticator app shows now for a demo staff member (printed at a development start). */
export function demoTotpNow(app: App, secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: app.clock.now().getTime() });
}
