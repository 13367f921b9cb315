/**
 * Negative controls for the hot-sharer check: two deliberately wrong variants of the "cte"
 * experiment must be caught.
 *  - "smallest": picks the smallest balance instead of the largest;
 *  - "semijoin_lock": takes its lock set from a semi-join,
 *    `person_id IN (SELECT $5::uuid UNION ALL SELECT sharer_id FROM cand)`, the shape the first
 *    "single" prototype used: under contention it drops concurrently updated rows from the set.
 */
import type { SettleFn } from '../lib/settle-workload';
import { settleCteUsing, WRITE_SQL } from './settle-cte';

function rewritten(from: string, to: string): SettleFn {
  if (!WRITE_SQL.includes(from)) throw new Error(`negative control: "${from}" not in WRITE_SQL`);
  return settleCteUsing(WRITE_SQL.replace(from, to));
}

export const NEGATIVE_CONTROLS: Array<{ name: string; make: () => SettleFn }> = [
  { name: 'smallest', make: () => rewritten('ORDER BY locked.balance_fen DESC', 'ORDER BY locked.balance_fen ASC') },
  {
    name: 'semijoin_lock',
    make: () => rewritten('WHERE a.person_id = ANY($12::uuid[])', 'WHERE a.person_id IN (SELECT $5::uuid UNION ALL SELECT sharer_id FROM cand) AND $12::uuid[] IS NOT NULL'),
  },
];
