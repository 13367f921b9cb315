import { canShare as canShareRule, isInsured as isInsuredRule, type InsuredFacts } from '../../src/rules/payability';
import type { App } from '../app';
import type { Queryable } from '../db/port';
import { digestOf } from '../platform/keys';

export interface PersonRow {
  person_id: string;
  id_masked: string;
  name: string;
  birth_date: string;
  sex: 'male' | 'female';
  insurance_type: 'employee' | 'resident' | 'none';
  status: 'active' | 'suspended' | 'terminated';
  pooling_region: string;
  /** The registry phone (预留手机号), or null. */
  phone: string | null;
}

export const PERSON_COLUMNS = `person_id, id_masked, name, birth_date::text AS birth_date,
  sex, insurance_type, status, pooling_region, phone`;

/** The keyed digest that finds a person by a normalized ID number (never stored in full). */
export function idDigest(app: App, normalizedIdNumber: string): string {
  return digestOf(app.keys.digest, 'id-number', normalizedIdNumber);
}

export async function findPersonByIdNumber(app: App, q: Queryable, normalizedIdNumber: string): Promise<PersonRow | undefined> {
  const rows = await q.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE id_digest = $1`, [
    idDigest(app, normalizedIdNumber),
  ]);
  return rows[0];
}

export async function getPerson(q: Queryable, personId: string): Promise<PersonRow | undefined> {
  const rows = await q.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE person_id = $1`, [personId]);
  return rows[0];
}

export async function getBalance(q: Queryable, personId: string): Promise<bigint | null> {
  const rows = await q.query<{ balance_fen: bigint }>('SELECT balance_fen FROM accounts WHERE person_id = $1', [personId]);
  return rows[0]?.balance_fen ?? null;
}

/**
 * The account's balance and its free part (SPEC 2.11): the balance minus what the quotas of the
 * person's live bindings hold. Null without an account.
 */
export async function getAccount(q: Queryable, personId: string): Promise<{ balanceFen: bigint; freeBalanceFen: bigint } | null> {
  const rows = await q.query<{ balance_fen: bigint; held_fen: bigint }>('SELECT balance_fen, held_fen FROM accounts WHERE person_id = $1', [
    personId,
  ]);
  const row = rows[0];
  return row ? { balanceFen: row.balance_fen, freeBalanceFen: row.balance_fen - row.held_fen } : null;
}

/** The free balance (balance minus quotas held): what the person's own bills may use. Null without an account. */
export async function getFreeBalance(q: Queryable, personId: string): Promise<bigint | null> {
  return (await getAccount(q, personId))?.freeBalanceFen ?? null;
}

/** A registry row as the rules of src/rules/payability.ts take it. */
export function insuredFacts(person: Pick<PersonRow, 'insurance_type' | 'status' | 'pooling_region'>): InsuredFacts {
  return { insuranceType: person.insurance_type, status: person.status, poolingRegion: person.pooling_region };
}

/** Employee-insured with status active (the rule lives in src/rules/payability.ts). */
export function canShare(person: Pick<PersonRow, 'insurance_type' | 'status'>): boolean {
  return canShareRule({ insuranceType: person.insurance_type, status: person.status });
}

/** Enrolled in basic insurance with status active (the rule lives in src/rules/payability.ts). */
export function isInsured(person: Pick<PersonRow, 'insurance_type' | 'status'>): boolean {
  return isInsuredRule({ insuranceType: person.insurance_type, status: person.status });
}
