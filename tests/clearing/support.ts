import type { Harness, TestPerson, TestUser } from '../support/harness';
import { updatePerson } from '../backbone/fixtures';

/** Provinces of the clearing world, each with a pooling region of its capital. */
export const REGIONS = ['130100', '320100', '440100', '110100'] as const;

/** Institutions by national code (H/P + division code + five digits), and one local code without a division code. */
export const INSTITUTION_CODES = ['H13010000001', 'H32010000002', 'P44030000003', 'LOCAL-CLINIC'] as const;
export const PROVINCE_OF_INSTITUTION: Record<(typeof INSTITUTION_CODES)[number], string | null> = {
  H13010000001: '13',
  H32010000002: '32',
  P44030000003: '44',
  'LOCAL-CLINIC': null,
};

export interface ClearingWorld {
  sharers: Array<{ person: TestPerson; user: TestUser; region: string }>;
  /** Relatives, each with the index of their one sharer. */
  relatives: Array<{ person: TestPerson; sharer: number }>;
  institutions: Record<(typeof INSTITUTION_CODES)[number], { code: string; key: string }>;
}

/** A row of clearingStatement's answer, as JSON. */
export interface StatementRow {
  fromProvince: string | null;
  toProvince: string | null;
  count: number;
  amountFen: number;
  paidFen: number;
  refunds: number;
  refundedFen: number;
}
export interface Statement {
  month: string;
  closed: boolean;
  rows: StatementRow[];
  totalFen: number;
}

/**
 * Sharers in every province of REGIONS, bound to relatives all over the country: the policy of
 * each province lets its workers share nationally (as a quota will, SPEC 2.11), so any
 * relative's bill may be paid from any province.
 */
export async function buildClearingWorld(h: Harness, options: { sharers: number; relativesPerSharer: number }): Promise<ClearingWorld> {
  for (const region of REGIONS) await h.ok('setPolicy', { scope: region.slice(0, 2), sharingScope: 'national', maxRelatives: 8 }, h.adminKey);
  const sharers: ClearingWorld['sharers'] = [];
  const relatives: ClearingWorld['relatives'] = [];
  for (let i = 0; i < options.sharers; i += 1) {
    const region = REGIONS[i % REGIONS.length]!;
    const person = await h.employee(500_000_000, { poolingRegion: region, birthDate: `196${i % 10}-0${1 + (i % 9)}-11` });
    const user = await h.user(person);
    sharers.push({ person, user, region });
    for (let k = 0; k < options.relativesPerSharer; k += 1) {
      const relative = await h.person({ poolingRegion: REGIONS[(i + k + 1) % REGIONS.length]!, birthDate: `199${k}-0${1 + k}-2${k}` });
      await h.bind(user, relative, 'child');
      relatives.push({ person: relative, sharer: i });
    }
  }
  const institutions = {} as ClearingWorld['institutions'];
  for (const code of INSTITUTION_CODES) institutions[code] = await h.institution(code, code.startsWith('P') ? 'pharmacy' : 'hospital');
  return { sharers, relatives, institutions };
}

/** The registry moves a sharer to another pooling region (their balance stays). */
export async function moveSharer(h: Harness, world: ClearingWorld, index: number, region: string): Promise<void> {
  const sharer = world.sharers[index]!;
  await updatePerson(h, sharer.person, { poolingRegion: region });
  sharer.region = region;
}

/**
 * The ledger's side of a month: mutual-aid debits less the refunds credited back to the sharers
 * who paid them, both by the instant of the ledger entry.
 */
export async function ledgerNetOfMonth(h: Harness, from: Date, to: Date): Promise<bigint> {
  const rows = await h.app.db.query<{ debits: bigint; refunds: bigint }>(
    `SELECT
       (SELECT COALESCE(sum(-l.delta_fen), 0) FROM ledger_entries l
        WHERE l.kind = 'mulaid_pay' AND l.created_at >= $1 AND l.created_at < $2)::bigint AS debits,
       (SELECT COALESCE(sum(l.delta_fen), 0) FROM ledger_entries l JOIN settlements s ON s.settlement_id = l.settlement_id
        WHERE l.kind = 'refund' AND l.person_id = s.sharer_id AND l.created_at >= $1 AND l.created_at < $2)::bigint AS refunds`,
    [from, to],
  );
  return rows[0]!.debits - rows[0]!.refunds;
}
