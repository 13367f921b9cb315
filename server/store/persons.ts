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
}

export const PERSON_COLUMNS = `person_id, id_masked, name, birth_date::text AS birth_date,
  sex, insurance_type, status, pooling_region`;

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

/** Employee-insured with status active: the only people whose account may pay for others. */
export function canShare(person: Pick<PersonRow, 'insurance_type' | 'status'>): boolean {
  return person.insurance_type === 'employee' && person.status === 'active';
}

/** Enrolled in basic insurance (employee or resident) with status active. */
export function isInsured(person: Pick<PersonRow, 'insurance_type' | 'status'>): boolean {
  return person.insurance_type !== 'none' && person.status === 'active';
}
