import type { Queryable } from '../../../server/db/port';

/**
 * What must hold in the database at any moment between transactions, whatever happened
 * before (concurrency, crashes, retries): SPEC 2.2's ledger identity and the links between
 * settlements, refunds and ledger entries. Plain SQL that runs on PGlite and PostgreSQL.
 * Returns one line per kind of problem found (with a few examples); empty when all is well.
 */
const CHECKS: ReadonlyArray<{ problem: string; sql: string }> = [
  {
    problem: 'an account below zero',
    sql: 'SELECT person_id::text AS id, balance_fen::text AS detail FROM accounts WHERE balance_fen < 0',
  },
  {
    problem: 'a balance that is not the sum of its ledger entries (opening + credits − debits + refunds)',
    sql: `SELECT a.person_id::text AS id, a.balance_fen::text || ' vs ledger ' || COALESCE(sum(l.delta_fen), 0)::text AS detail
          FROM accounts a LEFT JOIN ledger_entries l ON l.person_id = a.person_id
          GROUP BY a.person_id, a.balance_fen HAVING a.balance_fen <> COALESCE(sum(l.delta_fen), 0)`,
  },
  {
    problem: "an account whose entries do not chain (each entry's balance before it must be another entry's balance after, from 0 to the balance)",
    // Without trusting any order: for a chain 0 → b1 → … → bn, the values before each entry
    // plus the final balance are, as a multiset, the values after each entry plus the start 0.
    sql: `WITH moves AS (
            SELECT person_id, balance_after_fen - delta_fen AS v, 1 AS w FROM ledger_entries
            UNION ALL SELECT person_id, balance_after_fen, -1 FROM ledger_entries
            UNION ALL SELECT person_id, balance_fen, 1 FROM accounts
            UNION ALL SELECT person_id, 0, -1 FROM accounts)
          SELECT person_id::text AS id, v::text || ' unmatched ' || sum(w)::text AS detail FROM moves
          GROUP BY person_id, v HAVING sum(w) <> 0`,
  },
  {
    problem: 'one (institution, serial) settled more than once',
    sql: `SELECT institution_code || '/' || serial_no AS id, count(*)::text AS detail FROM settlements
          GROUP BY institution_code, serial_no HAVING count(*) > 1`,
  },
  {
    problem: "a settlement whose own-account debit is missing, doubled, of the wrong amount or on someone else's account",
    sql: `WITH d AS (
            SELECT settlement_id, count(*) AS n, -sum(delta_fen) AS total, min(person_id::text) AS p1, max(person_id::text) AS p2
            FROM ledger_entries WHERE kind = 'self_pay' GROUP BY settlement_id)
          SELECT s.serial_no AS id, s.self_pay_fen::text || ' vs ' || COALESCE(d.total, 0)::text || ' in ' || COALESCE(d.n, 0)::text AS detail
          FROM settlements s LEFT JOIN d ON d.settlement_id = s.settlement_id
          WHERE COALESCE(d.n, 0) <> (CASE WHEN s.self_pay_fen > 0 THEN 1 ELSE 0 END)
             OR COALESCE(d.total, 0) <> s.self_pay_fen
             OR (d.n IS NOT NULL AND (d.p1 <> s.patient_id::text OR d.p2 <> s.patient_id::text))`,
  },
  {
    problem: 'a settlement whose mutual-aid debit is missing, doubled, of the wrong amount or not from its sharer',
    sql: `WITH d AS (
            SELECT settlement_id, count(*) AS n, -sum(delta_fen) AS total, min(person_id::text) AS p, min(entry_id::text) AS e
            FROM ledger_entries WHERE kind = 'mulaid_pay' GROUP BY settlement_id)
          SELECT s.serial_no AS id, s.mulaid_pay_fen::text || ' vs ' || COALESCE(d.total, 0)::text || ' in ' || COALESCE(d.n, 0)::text AS detail
          FROM settlements s LEFT JOIN d ON d.settlement_id = s.settlement_id
          WHERE COALESCE(d.n, 0) <> (CASE WHEN s.mulaid_pay_fen > 0 THEN 1 ELSE 0 END)
             OR COALESCE(d.total, 0) <> s.mulaid_pay_fen
             OR (d.n IS NOT NULL AND (d.p IS DISTINCT FROM s.sharer_id::text OR d.e IS DISTINCT FROM s.mulaid_entry_id::text))`,
  },
  {
    problem: 'a settlement whose parts do not add up (self + mutual aid + cash = amount)',
    sql: `SELECT serial_no AS id, amount_fen::text AS detail FROM settlements
          WHERE self_pay_fen + mulaid_pay_fen + cash_pay_fen <> amount_fen OR self_pay_fen < 0 OR mulaid_pay_fen < 0 OR cash_pay_fen < 0`,
  },
  {
    problem: 'a ledger entry pointing at a settlement or refund that does not exist (half written)',
    sql: `SELECT l.entry_id::text AS id, l.kind AS detail FROM ledger_entries l
          WHERE (l.settlement_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM settlements s WHERE s.settlement_id = l.settlement_id))
             OR (l.refund_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.refund_id = l.refund_id AND r.settlement_id = l.settlement_id))
             OR (l.kind IN ('self_pay', 'mulaid_pay', 'refund') AND l.settlement_id IS NULL)`,
  },
  {
    problem: 'refunds of a settlement that do not add up to what it records as refunded, or exceed what was paid',
    sql: `WITH r AS (
            SELECT settlement_id, sum(amount_fen) AS amount, sum(to_mulaid_fen) AS to_mulaid, sum(to_self_fen) AS to_self
            FROM refunds GROUP BY settlement_id)
          SELECT s.serial_no AS id,
                 (s.mulaid_refunded_fen + s.self_refunded_fen)::text || ' recorded, ' || COALESCE(r.amount, 0)::text || ' refunded' AS detail
          FROM settlements s LEFT JOIN r ON r.settlement_id = s.settlement_id
          WHERE COALESCE(r.to_mulaid, 0) <> s.mulaid_refunded_fen
             OR COALESCE(r.to_self, 0) <> s.self_refunded_fen
             OR s.mulaid_refunded_fen > s.mulaid_pay_fen OR s.self_refunded_fen > s.self_pay_fen`,
  },
  {
    problem: 'a refund whose credits are missing, doubled, or went to the wrong account',
    sql: `WITH c AS (
            SELECT refund_id, person_id, sum(delta_fen) AS total, count(*) AS n FROM ledger_entries WHERE kind = 'refund' GROUP BY refund_id, person_id),
          r AS (
            SELECT r.refund_id, r.refund_serial_no, r.amount_fen, r.to_mulaid_fen, r.to_self_fen, s.sharer_id, s.patient_id
            FROM refunds r JOIN settlements s ON s.settlement_id = r.settlement_id)
          SELECT r.refund_serial_no AS id, r.amount_fen::text || ' vs ' || COALESCE(sum(c.total), 0)::text AS detail
          FROM r LEFT JOIN c ON c.refund_id = r.refund_id
          GROUP BY r.refund_id, r.refund_serial_no, r.amount_fen, r.to_mulaid_fen, r.to_self_fen, r.sharer_id, r.patient_id
          HAVING COALESCE(sum(c.total), 0) <> r.amount_fen
              OR COALESCE(sum(c.total) FILTER (WHERE c.person_id = r.sharer_id), 0) <> r.to_mulaid_fen
              OR COALESCE(sum(c.total) FILTER (WHERE c.person_id = r.patient_id), 0) <> r.to_self_fen
              OR COALESCE(sum(c.n), 0) <> (CASE WHEN r.to_mulaid_fen > 0 THEN 1 ELSE 0 END) + (CASE WHEN r.to_self_fen > 0 THEN 1 ELSE 0 END)`,
  },
  // The quota (SPEC 2.11, migration 0005): balance = free + Σ quotas, free ≥ 0.
  {
    problem: 'an account whose held amount is not Σ held_delta of its ledger, not Σ what is left of its live bindings\' quotas, or outside 0..balance',
    sql: `SELECT a.person_id::text AS id,
                 a.held_fen::text || ' held, ledger ' || COALESCE(l.held, 0)::text || ', live quotas ' || COALESCE(b.left_sum, 0)::text || ', balance ' || a.balance_fen::text AS detail
          FROM accounts a
          LEFT JOIN (SELECT person_id, sum(held_delta_fen) AS held FROM ledger_entries GROUP BY person_id) l ON l.person_id = a.person_id
          LEFT JOIN (SELECT sharer_id, sum(quota_left_fen) AS left_sum FROM bindings WHERE status IN ('active', 'pending') GROUP BY sharer_id) b
            ON b.sharer_id = a.person_id
          WHERE a.held_fen <> COALESCE(l.held, 0) OR a.held_fen <> COALESCE(b.left_sum, 0) OR a.held_fen < 0 OR a.held_fen > a.balance_fen`,
  },
  {
    problem: 'an ended binding that still holds part of its quota, or a quota left outside 0..quota',
    sql: `SELECT binding_id::text AS id, status || ' ' || COALESCE(quota_left_fen, 0)::text || ' of ' || COALESCE(quota_fen, 0)::text AS detail
          FROM bindings
          WHERE (status NOT IN ('active', 'pending') AND COALESCE(quota_left_fen, 0) <> 0) OR quota_left_fen < 0 OR quota_left_fen > quota_fen`,
  },
  {
    problem: 'a mutual-aid payment whose ledger entry does not match its source (a quota payment takes from held too, a balance payment never)',
    sql: `SELECT s.serial_no AS id, COALESCE(s.mulaid_source, 'null') || ' ' || COALESCE(l.held_delta_fen, 0)::text || ' of ' || s.mulaid_pay_fen::text AS detail
          FROM settlements s LEFT JOIN ledger_entries l ON l.entry_id = s.mulaid_entry_id
          WHERE s.mulaid_pay_fen > 0
            AND NOT ((s.mulaid_source = 'quota' AND l.held_delta_fen = -s.mulaid_pay_fen AND l.binding_id = s.binding_id)
                  OR (s.mulaid_source = 'balance' AND l.held_delta_fen = 0))`,
  },
  {
    problem: 'a stored first answer that differs from the settlement it answers for',
    sql: `SELECT serial_no AS id, response::text AS detail FROM settlements
          WHERE response->>'settlementId' <> settlement_id::text
             OR (response->>'selfAcctPay')::bigint <> self_pay_fen
             OR (response->>'acctMulaidPay')::bigint <> mulaid_pay_fen
             OR (response->>'cashPay')::bigint <> cash_pay_fen`,
  },
];

/**
 * SPEC 2.8: the notice of every mutual-aid payment and refund is written in the money's own
 * transaction (an outbox), to both sides, once. Where the schema has a `notice_outbox` (one row
 * per payment, made into the messages later, once), the notice exists exactly once as that row
 * or as one message to each side of the right amount — never neither, never both, never twice;
 * without it, as the messages themselves.
 */
function noticeChecks(outbox: boolean): Array<{ problem: string; sql: string }> {
  const of = (kind: 'mulaid_paid' | 'mulaid_refunded', refKey: string, events: string, what: string) => ({
    problem: `a mutual-aid ${what} whose notice is missing, doubled, of another amount or not to both sides, or a notice of no such ${what}`,
    sql: `WITH o AS (
            ${outbox ? `SELECT source_id::text AS sid, count(*) AS c FROM notice_outbox WHERE kind = '${kind}' GROUP BY 1` : 'SELECT NULL::text AS sid, 0::bigint AS c WHERE false'}),
          n AS (
            SELECT ref->>'${refKey}' AS sid, person_id, count(*) AS c, sum((ref->>'amountFen')::bigint) AS amount
            FROM messages WHERE kind = '${kind}' GROUP BY 1, 2),
          e AS (${events})
          SELECT e.serial AS id,
                 COALESCE(o.c, 0)::text || ' in the outbox, ' || COALESCE(n.c, 0)::text || ' messages of ' || COALESCE(n.amount, 0)::text || ' for ' || e.amount::text AS detail
          FROM e LEFT JOIN o ON o.sid = e.sid LEFT JOIN n ON n.sid = e.sid AND n.person_id = e.person_id
          WHERE NOT ((COALESCE(o.c, 0) = 1 AND n.sid IS NULL) OR (COALESCE(o.c, 0) = 0 AND COALESCE(n.c, 0) = 1 AND COALESCE(n.amount, -1) = e.amount))
          UNION ALL
          SELECT n.sid, 'a message to someone the ${what} is not about, or of no such ${what}' FROM n
          WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.sid = n.sid AND e.person_id = n.person_id)
          UNION ALL
          SELECT o.sid, 'an outbox row of no such ${what}' FROM o WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.sid = o.sid)`,
  });
  return [
    of(
      'mulaid_paid',
      'settlementId',
      `SELECT s.settlement_id::text AS sid, p.person_id, s.mulaid_pay_fen AS amount, s.serial_no AS serial
       FROM settlements s CROSS JOIN LATERAL (VALUES (s.sharer_id), (s.patient_id)) AS p (person_id)
       WHERE s.mulaid_pay_fen > 0`,
      'payment',
    ),
    of(
      'mulaid_refunded',
      'refundId',
      `SELECT r.refund_id::text AS sid, p.person_id, r.to_mulaid_fen AS amount, r.refund_serial_no AS serial
       FROM refunds r JOIN settlements s ON s.settlement_id = r.settlement_id
       CROSS JOIN LATERAL (VALUES (s.sharer_id), (s.patient_id)) AS p (person_id)
       WHERE r.to_mulaid_fen > 0`,
      'refund',
    ),
  ];
}

export async function databaseInvariants(q: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const [schema] = await q.query<{ outbox: boolean }>("SELECT to_regclass('notice_outbox') IS NOT NULL AS outbox");
  const outbox = schema?.outbox === true;
  // Fresh statistics, so that the planner joins these growing tables by hash, not in loops.
  await q.query(`ANALYZE accounts, ledger_entries, settlements, refunds, messages${outbox ? ', notice_outbox' : ''}`);
  for (const check of [...CHECKS, ...noticeChecks(outbox)]) {
    const rows = await q.query<{ id: string; detail: string }>(`${check.sql} LIMIT 5`);
    if (rows.length > 0) problems.push(`${check.problem}: ${rows.map((r) => `${r.id} (${r.detail})`).join('; ')}`);
  }
  return problems;
}

/** Money in total: the sum of the balances and the sum of the ledger, by kind. */
export async function moneyTotals(q: Queryable): Promise<{ balances: bigint; byKind: Record<string, bigint> }> {
  const [balances] = await q.query<{ total: bigint | null }>('SELECT sum(balance_fen)::bigint AS total FROM accounts');
  const rows = await q.query<{ kind: string; total: bigint }>('SELECT kind, sum(delta_fen)::bigint AS total FROM ledger_entries GROUP BY kind');
  return { balances: balances?.total ?? 0n, byKind: Object.fromEntries(rows.map((r) => [r.kind, r.total])) };
}
