import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import type { PersonInput } from '../../server/usecases/admin';
import { type AdapterName, openTestDb, pgAvailable } from '../support/adapters';
import { Harness, type TestPerson } from '../support/harness';
import type { Data } from '../../server/contract';

export { seededRandom } from '../support/random';

/** What a settlement answers (SPEC 3.2), as JSON. */
/** The answers of settle and refund, as JSON: the contract's (server/contract). */
export type SettleData = Data<'settle'>;
export type RefundData = Data<'refund'>;

/**
 * One database and one Harness per describe block (the Harness numbers its persons, phones
 * and institutions, so two of them on one database would collide). When the adapter is
 * PostgreSQL and no server answers, `skip` is true and nothing is opened: pass it to
 * `it.skipIf(skip)` so the skipped variant shows in the output.
 */
export function useHarness(
  adapter: AdapterName,
  options: { env?: Record<string, string>; clock?: ManualClock } = {},
): { skip: boolean; h: () => Harness } {
  const skip = adapter === 'postgres' && !pgAvailable;
  let harness: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (!skip) {
    beforeAll(async () => {
      const handle = await openTestDb(adapter);
      drop = handle.drop;
      harness = await Harness.create(handle.db, options.env ?? {}, options.clock ?? new ManualClock());
    }, 60_000);
    afterAll(async () => {
      await drop?.();
    });
  }
  return {
    skip,
    h: () => {
      if (!harness) throw new Error('harness not ready (skipped adapter?)');
      return harness;
    },
  };
}

/**
 * A clock that moves forward by one millisecond at every reading, so that every recorded
 * instant is distinct and the order of `created_at` is the order in which things happened
 * (each settlement reads the clock once while it holds its account locks).
 */
export class TickingClock extends ManualClock {
  override now(): Date {
    this.advance(0.001);
    return super.now();
  }
}

/** Changes a registry entry (the operator's sync) without touching its balance. */
export async function updatePerson(h: Harness, person: TestPerson, change: Partial<PersonInput>): Promise<void> {
  const current: PersonInput = {
    idNumber: person.idNumber,
    name: person.name,
    insuranceType: 'employee',
    status: 'active',
    poolingRegion: person.poolingRegion,
  };
  await h.ok('upsertPersons', { persons: [{ ...current, ...change }] }, h.adminKey);
}

export async function personId(h: Harness, person: TestPerson): Promise<string> {
  const { idDigest } = await import('../../server/store/persons');
  const rows = await h.app.db.query<{ person_id: string }>('SELECT person_id FROM persons WHERE id_digest = $1', [
    idDigest(h.app, person.idNumber),
  ]);
  const id = rows[0]?.person_id;
  if (!id) throw new Error(`no person ${person.name}`);
  return id;
}


export const CJK = /[\u4e00-\u9fff]/;
