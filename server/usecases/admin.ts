import { randomBytes, randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber } from '../../src/rules/mask';
import { resolvePolicy, provinceOfPolicyScope, type PolicyOverride } from '../../src/rules/policy';
import type { App } from '../app';
import { fail } from '../errors';
import { digestOf } from '../platform/keys';
import { audit } from '../store/audit';
import { credit, debit } from '../store/ledger';
import { idDigest } from '../store/persons';
import { refreshPayability } from './payabilityWatch';
import type { Data, Served } from '../contract';

export interface PersonInput {
  idNumber: string;
  name: string;
  insuranceType: 'employee' | 'resident' | 'none';
  status: 'active' | 'suspended' | 'terminated';
  poolingRegion: string;
  balanceFen?: number;
  /** The registry phone (预留手机号); absent: kept as it is. */
  phone?: string;
}

/**
 * The registry sync: creates or updates persons by ID number. `balanceFen` sets an
 * employee's account to that amount through a ledger entry (opening, credit or correction).
 * All or nothing: one bad row refuses the whole call.
 */
export async function upsertPersons(app: App, input: { persons: PersonInput[] }): Promise<Served<Data<'upsertPersons'>>> {
  const today = shanghaiToday(app.clock.now());
  const rows = input.persons.map((person, index) => {
    const parsed = parseIdNumber(person.idNumber, today);
    if (!parsed.ok) fail('INVALID_ID_NUMBER', `第 ${index + 1} 条：${parsed.message}`, `persons.${index}.idNumber`);
    if (person.balanceFen !== undefined && person.insuranceType !== 'employee') {
      fail('INVALID_INPUT', `第 ${index + 1} 条：只有职工医保参保人有个人账户余额`, `persons.${index}.balanceFen`);
    }
    return { ...person, info: parsed.info };
  });
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (seen.has(row.info.idNumber)) fail('INVALID_INPUT', `第 ${index + 1} 条：同一身份证号码重复出现`, `persons.${index}.idNumber`);
    seen.add(row.info.idNumber);
  });

  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    const personIds: string[] = [];
    for (const row of rows) {
      const upserted = await tx.query<{ person_id: string }>(
        `INSERT INTO persons (person_id, id_digest, id_masked, name, birth_date, sex, insurance_type, status, pooling_region,
           created_at, updated_at, phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
         ON CONFLICT (id_digest) DO UPDATE SET name = EXCLUDED.name, insurance_type = EXCLUDED.insurance_type,
           status = EXCLUDED.status, pooling_region = EXCLUDED.pooling_region, updated_at = EXCLUDED.updated_at,
           phone = COALESCE(EXCLUDED.phone, persons.phone)
         RETURNING person_id`,
        [
          randomUUID(),
          idDigest(app, row.info.idNumber),
          maskIdNumber(row.info.idNumber),
          row.name,
          row.info.birthDate,
          row.info.sex,
          row.insuranceType,
          row.status,
          row.poolingRegion,
          now,
          row.phone ?? null,
        ],
      );
      const personId = upserted[0]?.person_id;
      if (!personId) throw new Error('person upsert returned nothing');
      personIds.push(personId);
      if (row.insuranceType === 'employee' || row.balanceFen !== undefined) {
        await setBalance(tx, personId, row.balanceFen, now);
      }
    }
    // A changed insurance status or region may stop bindings from paying, or let them again (SPEC 2.8).
    await refreshPayability(tx, now, today, '(b.sharer_id = ANY ($2::uuid[]) OR b.relative_id = ANY ($2::uuid[]))', [
      `{${personIds.join(',')}}`,
    ]);
    await audit(tx, now, 'operator', 'upsertPersons', null, { count: rows.length });
  });
  return { upserted: rows.length };
}

/** Opens the account when missing; moves it to `target` (when given) through a ledger entry. */
async function setBalance(tx: Parameters<Parameters<App['db']['transaction']>[0]>[0], personId: string, target: number | undefined, now: Date) {
  const existing = await tx.query<{ balance_fen: bigint }>('SELECT balance_fen FROM accounts WHERE person_id = $1 FOR UPDATE', [personId]);
  const current = existing[0]?.balance_fen;
  if (current === undefined) {
    await tx.query('INSERT INTO accounts (person_id, balance_fen, created_at, updated_at) VALUES ($1, 0, $2, $2)', [personId, now]);
  }
  if (target === undefined) return;
  const delta = BigInt(target) - (current ?? 0n);
  const base = { personId, settlementId: null, entryId: randomUUID(), at: now };
  if (delta > 0n) await credit(tx, { ...base, amount: delta, kind: current === undefined ? 'opening' : 'credit', refundId: null });
  if (delta < 0n) await debit(tx, { ...base, amount: -delta, kind: 'correction' });
}

export type PolicyPatch = { scope: string } & PolicyOverride;

export async function setPolicy(app: App, input: PolicyPatch): Promise<Served<Data<'setPolicy'>>> {
  const { scope, ...patch } = input;
  const now = app.clock.now();
  const settings = await app.db.transaction(async (tx) => {
    const rows = await tx.query<{ settings: PolicyOverride }>('SELECT settings FROM region_policies WHERE scope = $1 FOR UPDATE', [scope]);
    const merged: PolicyOverride = { ...(rows[0]?.settings ?? {}), ...patch };
    await tx.query(
      `INSERT INTO region_policies (scope, settings, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (scope) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at`,
      [scope, JSON.stringify(merged), now],
    );
    // Bindings of sharers in the scope may stop paying under the new policy, or pay again (SPEC 2.8).
    await refreshPayability(tx, now, shanghaiToday(now), 'starts_with(s.pooling_region, $2)', [scope]);
    await audit(tx, now, 'operator', 'setPolicy', `policy:${scope}`, { patch });
    return merged;
  });
  const province = provinceOfPolicyScope(scope);
  const provinceSettings =
    scope === province
      ? settings
      : ((await app.db.query<{ settings: PolicyOverride }>('SELECT settings FROM region_policies WHERE scope = $1', [province]))[0]
          ?.settings ?? null);
  const effective = resolvePolicy(scope, { province: provinceSettings, region: scope === province ? null : settings });
  return { policy: { scope, ...effective, overrides: settings } };
}

export async function createInstitution(
  app: App,
  input: { code: string; name: string; kind: 'hospital' | 'pharmacy' },
  secret: string = randomBytes(24).toString('base64url'),
): Promise<Served<Data<'createInstitution'>>> {
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO institutions (code, name, kind, key_digest, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, key_digest = EXCLUDED.key_digest,
         updated_at = EXCLUDED.updated_at`,
      [input.code, input.name, input.kind, digestOf(app.keys.digest, 'institution-key', secret), now],
    );
    await audit(tx, now, 'operator', 'createInstitution', `institution:${input.code}`, { name: input.name, kind: input.kind });
  });
  return { code: input.code, key: `${input.code}.${secret}` };
}
