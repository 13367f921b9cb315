import { randomBytes, randomUUID } from 'node:crypto';
import { shanghaiToday } from '../../src/rules/age';
import { parseIdNumber } from '../../src/rules/idNumber';
import { maskIdNumber } from '../../src/rules/mask';
import { resolvePolicy, resolvePremiumPolicy, provinceOfPolicyScope, type PolicyOverride } from '../../src/rules/policy';
import type { App } from '../app';
import { fail } from '../errors';
import { digestOf } from '../platform/keys';
import { audit } from '../store/audit';
import type { Queryable } from '../db/port';
import { credit, debitIfCovered } from '../store/ledger';
import { findPersonByIdNumber, idDigest } from '../store/persons';
import { regionOfInstitutionCode } from './clearing';
import { refreshPayability } from './payabilityWatch';
import type { Data, Served } from '../contract';
import { endBindingsOnRegistryChanges } from './registryChanges';

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
 * The registry sync: creates or updates persons by ID number. `balanceFen` is the opening
 * balance of an employee's account that has none yet (an `opening` ledger entry) and is ignored
 * once the account exists (SPEC 3.2).
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
    await endBindingsOnRegistryChanges(app, tx, now, rows); // SPEC 2.1: insurance ended or moved → its bindings end (registryChanges.ts)
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
        await openAccount(tx, personId, row.balanceFen, now);
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

/**
 * Opens the account when missing, with `opening` (when given and above zero) as its opening
 * ledger entry. An account that exists is never moved here (SPEC 3.2): a replayed or late
 * registry sync must not undo the payments made since; money enters through creditAccount.
 */
async function openAccount(tx: Queryable, personId: string, opening: number | undefined, now: Date) {
  const opened = await tx.query<{ person_id: string }>(
    'INSERT INTO accounts (person_id, balance_fen, created_at, updated_at) VALUES ($1, 0, $2, $2) ON CONFLICT (person_id) DO NOTHING RETURNING person_id',
    [personId, now],
  );
  if (opened.length === 0 || opening === undefined || opening <= 0) return;
  await credit(tx, { personId, amount: BigInt(opening), kind: 'opening', settlementId: null, refundId: null, entryId: randomUUID(), at: now });
}

export interface CreditInput {
  creditId: string;
  idNumber: string;
  amountFen: number;
  kind: 'contribution' | 'correction';
}

/**
 * Money into (contribution) or out of (correction) an employee's open account, one ledger entry
 * each: a contribution is a `credit` entry (+amountFen), a correction a `correction` entry
 * (−amountFen) that may not take the balance below zero. Idempotent by `creditId`: the same
 * body again answers the first answer and moves nothing; another body is IDEMPOTENCY_CONFLICT.
 */
export async function creditAccount(app: App, input: CreditInput): Promise<{ balanceFen: number }> {
  const today = shanghaiToday(app.clock.now());
  const parsed = parseIdNumber(input.idNumber, today);
  if (!parsed.ok) fail('INVALID_ID_NUMBER', parsed.message, 'idNumber');
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const person = await findPersonByIdNumber(app, tx, parsed.info.idNumber);
    // A duplicate delivery running at the same moment waits here for the first one's commit.
    const claimed = await tx.query<{ credit_id: string }>(
      `INSERT INTO account_credits (credit_id, person_id, kind, amount_fen, entry_id, balance_after_fen, created_at)
       SELECT $1, $2, $3, $4, $5, 0, $6 WHERE $2::uuid IS NOT NULL
       ON CONFLICT (credit_id) DO NOTHING RETURNING credit_id`,
      [input.creditId, person?.person_id ?? null, input.kind, input.amountFen, randomUUID(), now],
    );
    if (claimed.length === 0) {
      const first = (
        await tx.query<{ person_id: string; kind: string; amount_fen: bigint; balance_after_fen: bigint }>(
          'SELECT person_id, kind, amount_fen, balance_after_fen FROM account_credits WHERE credit_id = $1',
          [input.creditId],
        )
      )[0];
      if (first) {
        if (first.person_id !== person?.person_id || first.kind !== input.kind || first.amount_fen !== BigInt(input.amountFen)) {
          fail('IDEMPOTENCY_CONFLICT', '该 creditId 已用于另一笔内容不同的入账，请使用新的 creditId', 'creditId');
        }
        return { balanceFen: Number(first.balance_after_fen) };
      }
    }
    if (!person) fail('NOT_FOUND', '参保登记中没有这个身份证号码，请先同步参保人（upsertPersons）', 'idNumber');
    const entryId = (await tx.query<{ entry_id: string }>('SELECT entry_id FROM account_credits WHERE credit_id = $1', [input.creditId]))[0]
      ?.entry_id;
    if (!entryId) throw new Error('credit claim vanished');
    const hasAccount = await tx.query('SELECT 1 FROM accounts WHERE person_id = $1', [person.person_id]);
    if (hasAccount.length === 0) fail('NOT_FOUND', '该参保人没有个人账户（只有职工医保参保人有），无法入账', 'idNumber');
    const base = { personId: person.person_id, amount: BigInt(input.amountFen), settlementId: null, entryId, at: now };
    let after: bigint | null;
    if (input.kind === 'contribution') {
      after = await credit(tx, { ...base, kind: 'credit', refundId: null });
    } else {
      after = await debitIfCovered(tx, { ...base, kind: 'correction' });
      if (after === null) fail('INVALID_INPUT', '冲正金额超过账户可用余额，余额不能为负', 'amountFen');
    }
    await tx.query('UPDATE account_credits SET balance_after_fen = $2 WHERE credit_id = $1', [input.creditId, after]);
    await audit(tx, now, 'operator', 'creditAccount', `person:${person.person_id}`, {
      creditId: input.creditId,
      kind: input.kind,
      amountFen: input.amountFen,
    });
    return { balanceFen: Number(after) };
  });
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
  const layers = { province: provinceSettings, region: scope === province ? null : settings };
  const effective = resolvePolicy(scope, layers);
  // The 代缴 settings (SPEC 2.12) of the scope, resolved the same way.
  return { policy: { scope, ...effective, ...resolvePremiumPolicy(layers), overrides: settings } };
}

export async function createInstitution(
  app: App,
  input: { code: string; name: string; kind: 'hospital' | 'pharmacy' },
  secret: string = randomBytes(24).toString('base64url'),
): Promise<Served<Data<'createInstitution'>>> {
  const now = app.clock.now();
  await app.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO institutions (code, name, kind, key_digest, created_at, updated_at, region) VALUES ($1, $2, $3, $4, $5, $5, $6)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, key_digest = EXCLUDED.key_digest,
         updated_at = EXCLUDED.updated_at, region = EXCLUDED.region`,
      // The province it clears under (SPEC 2.11): the division code inside a national institution code.
      [input.code, input.name, input.kind, digestOf(app.keys.digest, 'institution-key', secret), now, regionOfInstitutionCode(input.code)],
    );
    await audit(tx, now, 'operator', 'createInstitution', `institution:${input.code}`, { name: input.name, kind: input.kind });
  });
  return { code: input.code, key: `${input.code}.${secret}` };
}
