import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../server/db/port';
import { useHarness } from '../backbone/fixtures';
import { databaseInvariants } from './model/invariants';

/**
 * The sweep of model/invariants.ts is the oracle of the crash test and the model test: it must
 * stay silent on a sound database and speak up on each kind of half-written or inconsistent
 * state. Each corruption is made inside a transaction that is rolled back.
 */
class Rollback extends Error {}

describe('the database sweep', () => {
  const { h: harness } = useHarness('pglite');
  let ids: { settlementId: string; serialNo: string; sharerId: string; patientId: string } | undefined;

  async function world() {
    if (ids) return ids;
    const h = harness();
    const sharer = await h.employee(50_000, { birthDate: '1960-01-01' });
    const patient = await h.employee(1_000, { birthDate: '1990-01-01' });
    await h.bind(await h.user(sharer), patient, 'child');
    const inst = await h.institution();
    const bill = await h.ok('settle', { serialNo: 'SWEEP-1', patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen: 4_000 }, inst.key);
    await h.ok('refund', { serialNo: 'SWEEP-1', refundSerialNo: 'SWEEP-R1', amountFen: 3_500 }, inst.key);
    // The sharer reads his message centre: the notices of the payment and the refund are made into messages.
    await h.ok('listMessages', {}, await h.tokenOf(sharer));
    const [row] = await h.app.db.query<{ sharer_id: string; patient_id: string }>('SELECT sharer_id, patient_id FROM settlements WHERE settlement_id = $1', [
      bill.settlementId,
    ]);
    ids = { settlementId: bill.settlementId, serialNo: 'SWEEP-1', sharerId: row!.sharer_id, patientId: row!.patient_id };
    return ids;
  }

  async function problemsAfter(corrupt: (tx: Queryable, w: NonNullable<typeof ids>) => Promise<unknown>): Promise<string[]> {
    const w = await world();
    let problems: string[] = [];
    await harness()
      .app.db.transaction(async (tx) => {
        await corrupt(tx, w);
        problems = await databaseInvariants(tx);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return problems;
  }

  it('finds nothing wrong after settlements and refunds made through the cloud functions', async () => {
    await world();
    expect(await databaseInvariants(harness().app.db)).toEqual([]);
  });

  it('finds nothing wrong while the notices of a payment just made still wait to be made into messages', async () => {
    const h = harness();
    await world();
    const sharer = await h.employee(9_000, { birthDate: '1961-01-01' });
    const patient = await h.person({ birthDate: '1991-01-01' });
    await h.bind(await h.user(sharer), patient, 'child');
    const inst = await h.institution();
    await h.ok('settle', { serialNo: 'SWEEP-2', patientIdNumber: patient.idNumber, kind: 'pharmacy', amountFen: 2_000 }, inst.key);
    await h.ok('refund', { serialNo: 'SWEEP-2', refundSerialNo: 'SWEEP-R2', amountFen: 500 }, inst.key);
    expect(await databaseInvariants(h.app.db)).toEqual([]);
  });

  it.each([
    {
      what: 'a settlement whose mutual-aid debit is missing',
      expected: /mutual-aid debit is missing/,
      corrupt: (tx: Queryable, w: { settlementId: string }) => tx.query("DELETE FROM ledger_entries WHERE settlement_id = $1 AND kind = 'mulaid_pay'", [w.settlementId]),
    },
    {
      what: 'an own-account debit written twice',
      expected: /own-account debit is missing, doubled/,
      corrupt: (tx: Queryable, w: { settlementId: string; patientId: string }) =>
        tx.query(
          `INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
           VALUES ($1, $2, 'self_pay', -1000, 0, $3, now())`,
          [randomUUID(), w.patientId, w.settlementId],
        ),
    },
    {
      what: 'a balance changed without a ledger entry',
      expected: /not the sum of its ledger entries/,
      corrupt: (tx: Queryable, w: { sharerId: string }) => tx.query('UPDATE accounts SET balance_fen = balance_fen + 1 WHERE person_id = $1', [w.sharerId]),
    },
    {
      what: 'entries that do not chain (an amount changed after the fact)',
      expected: /do not chain/,
      corrupt: (tx: Queryable, w: { settlementId: string }) =>
        tx.query("UPDATE ledger_entries SET balance_after_fen = balance_after_fen + 7 WHERE settlement_id = $1 AND kind = 'mulaid_pay'", [w.settlementId]),
    },
    {
      what: 'credits of a refund whose refund row is gone',
      expected: /pointing at a settlement or refund that does not exist/,
      corrupt: (tx: Queryable) => tx.query("DELETE FROM refunds WHERE refund_serial_no = 'SWEEP-R1'"),
    },
    {
      what: 'a refunded amount recorded on the settlement but never refunded',
      expected: /refunds of a settlement that do not add up/,
      corrupt: (tx: Queryable, w: { settlementId: string }) => tx.query('UPDATE settlements SET self_refunded_fen = self_refunded_fen + 1 WHERE settlement_id = $1', [w.settlementId]),
    },
    {
      what: 'a refund credited to the wrong account',
      expected: /credits are missing, doubled, or went to the wrong account/,
      corrupt: (tx: Queryable, w: { patientId: string; sharerId: string }) =>
        tx.query("UPDATE ledger_entries SET person_id = $1 WHERE kind = 'refund' AND person_id = $2", [w.patientId, w.sharerId]),
    },
    {
      what: 'a mutual-aid payment whose notice to the patient is lost',
      expected: /mutual-aid payment whose notice is missing/,
      corrupt: (tx: Queryable, w: { settlementId: string; patientId: string }) =>
        tx.query("DELETE FROM messages WHERE kind = 'mulaid_paid' AND ref->>'settlementId' = $1 AND person_id = $2", [w.settlementId, w.patientId]),
    },
    {
      what: 'a mutual-aid payment told to its sharer twice',
      expected: /mutual-aid payment whose notice is missing, doubled/,
      corrupt: (tx: Queryable, w: { settlementId: string; sharerId: string }) =>
        tx.query(
          `INSERT INTO messages (message_id, person_id, kind, ref, created_at)
           SELECT $3, person_id, kind, ref, created_at FROM messages WHERE kind = 'mulaid_paid' AND ref->>'settlementId' = $1 AND person_id = $2`,
          [w.settlementId, w.sharerId, randomUUID()],
        ),
    },
    {
      what: 'a notice of a payment of another amount',
      expected: /mutual-aid payment whose notice is missing, doubled, of another amount/,
      corrupt: (tx: Queryable, w: { settlementId: string }) =>
        tx.query("UPDATE messages SET ref = jsonb_set(ref, '{amountFen}', '1') WHERE kind = 'mulaid_paid' AND ref->>'settlementId' = $1", [w.settlementId]),
    },
    {
      what: 'a payment whose notice is both made and still waiting in the outbox (it would be made twice)',
      expected: /mutual-aid payment whose notice is missing, doubled/,
      corrupt: async (tx: Queryable, w: { settlementId: string; sharerId: string }) => {
        const [schema] = await tx.query<{ outbox: boolean }>("SELECT to_regclass('notice_outbox') IS NOT NULL AS outbox");
        if (schema?.outbox) {
          return tx.query("INSERT INTO notice_outbox (source_id, kind, created_at) VALUES ($1, 'mulaid_paid', now())", [w.settlementId]);
        }
        // Without an outbox table, the same defect is a second message.
        return tx.query(
          `INSERT INTO messages (message_id, person_id, kind, ref, created_at)
           SELECT $3, person_id, kind, ref, created_at FROM messages WHERE kind = 'mulaid_paid' AND ref->>'settlementId' = $1 AND person_id = $2`,
          [w.settlementId, w.sharerId, randomUUID()],
        );
      },
    },
    {
      what: 'a refund to the sharer whose notice is lost',
      expected: /mutual-aid refund whose notice is missing/,
      corrupt: (tx: Queryable, w: { sharerId: string }) => tx.query("DELETE FROM messages WHERE kind = 'mulaid_refunded' AND person_id = $1", [w.sharerId]),
    },
    {
      what: 'a stored first answer that names another settlement',
      expected: /stored first answer that differs/,
      corrupt: (tx: Queryable, w: { settlementId: string }) =>
        tx.query("UPDATE settlements SET response = jsonb_set(response, '{settlementId}', to_jsonb($2::text)) WHERE settlement_id = $1", [w.settlementId, randomUUID()]),
    },
  ])('notices $what', async ({ corrupt, expected }) => {
    const problems = await problemsAfter(corrupt as (tx: Queryable, w: NonNullable<typeof ids>) => Promise<unknown>);
    expect(problems.join('\n')).toMatch(expected);
  });
});
