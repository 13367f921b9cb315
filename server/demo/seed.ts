import { randomUUID } from 'node:crypto';
import type { App } from '../app';
import { digestOf } from '../platform/keys';
import { createInstitution, setPolicy, upsertPersons } from '../usecases/admin';
import { settle } from '../usecases/settle';
import { idDigest } from '../store/persons';
import { DEMO_BINDINGS, DEMO_FAMILY_ACCOUNT, DEMO_INSTITUTIONS, DEMO_PERSONS, DEMO_POLICIES, DEMO_SETTLEMENTS } from './cast';

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

  await upsertPersons(start, { persons: DEMO_PERSONS.map(({ key: _k, phone: _p, verified: _v, ...person }) => person) });
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
    await app.db.query('INSERT INTO users (user_id, phone, person_id, created_at, verified_at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      person.phone ?? null,
      person.verified ? idOf(person.key) : null,
      created,
      person.verified ? created : null,
    ]);
  }
  const bindingId = new Map<string, string>();
  for (const [index, binding] of DEMO_BINDINGS.entries()) {
    const id = randomUUID();
    bindingId.set(binding.relative, id);
    const created = new Date(base - (110 - index) * DAY_MS);
    await app.db.query(
      `INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        idOf(binding.sharer),
        idOf(binding.relative),
        binding.relationship,
        binding.status === 'pending' ? 'pending' : 'active',
        created,
        binding.status === 'pending' ? null : created,
      ],
    );
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
  for (const policy of DEMO_POLICIES) await setPolicy(at(30), policy);
}
