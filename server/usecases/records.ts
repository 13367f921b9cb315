import { maskName } from '../../src/rules/mask';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import type { SqlParam } from '../db/port';
import { fail, invalidInput } from '../errors';
import { badCursor, instantAndId, openCursor, sealCursor } from '../platform/cursor';
import { shanghaiDayStart, shanghaiNextDayStart } from '../platform/time';
import { requireVerifiedPerson } from './bindings';
import type { Data, Served } from '../contract';

export interface RecordView {
  recordId: string;
  settlementId: string;
  paidAt: Date;
  kind: string;
  institutionName: string;
  amountFen: bigint;
  refundedFen: bigint;
  bindingId: string;
  relationship: Relationship;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string };
  /** For a record of kind `premium` (代缴, SPEC 2.12): the premium year; `settlementId` is then the payment's id. */
  premiumYear?: number;
}

interface RecordRow {
  mulaid_entry_id: string;
  settlement_id: string;
  created_at: Date;
  kind: string;
  institution_name: string;
  mulaid_pay_fen: bigint;
  mulaid_refunded_fen: bigint;
  binding_id: string;
  relationship: Relationship;
  sharer_name: string;
  sharer_id_masked: string;
  relative_name: string;
  relative_id_masked: string;
}

export interface ListRecordsInput {
  role?: 'sharer' | 'relative';
  bindingId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/**
 * The cursor, opaque to clients: the (paidAt, settlementId) of the last record of a page, and
 * the total of the list as of its first page, so deep pages need not add it up again.
 */
interface Cursor {
  at: Date;
  id: string;
  total: bigint;
}

function encodeCursor(app: App, row: RecordRow, total: bigint): string {
  return sealCursor(app.keys, 'records', [row.created_at.toISOString(), row.settlement_id, total.toString()]);
}

function decodeCursor(app: App, cursor: string): Cursor {
  const [at, id, total] = openCursor(app.keys, 'records', cursor, 3) as [string, string, string];
  const position = instantAndId(at, id);
  if (!/^[0-9]{1,16}$/.test(total) || BigInt(total) > BigInt(Number.MAX_SAFE_INTEGER)) return badCursor();
  return { ...position, total: BigInt(total) };
}

/**
 * SPEC 2.3: the mutual-aid payments from my account (role sharer) or made for me (role
 * relative), newest first, by cursor, with the total (net of refunds) of everything that
 * matches the filters, as of the first page. Unbound relatives' history is included. The
 * 代缴 premiums paid from my account (sharer) or for me (relative) are records of kind
 * `premium` in the same list (SPEC 2.12), merged by (paidAt, id) under the same cursor.
 */
export async function listRecords(
  app: App,
  caller: { personId: string | null },
  input: ListRecordsInput,
): Promise<Served<Data<'listRecords'>>> {
  const person = await requireVerifiedPerson(app, caller);
  const role = input.role ?? 'sharer';
  const limit = input.limit ?? 20;
  const mine = role === 'sharer' ? 's.sharer_id' : 's.patient_id';
  const where: string[] = [`${mine} = $1`, 's.mulaid_pay_fen > 0'];
  const params: SqlParam[] = [person.person_id];
  // The 代缴 premiums (SPEC 2.12) under the same filters, listed as records of kind `premium`.
  const premiumWhere: string[] = [role === 'sharer' ? 'p.sharer_id = $1' : 'p.relative_id = $1'];
  const premiumParams: SqlParam[] = [person.person_id];
  const add = (clause: (table: 's' | 'p', n: string) => string, value: SqlParam) => {
    params.push(value);
    where.push(clause('s', `$${params.length}`));
    premiumParams.push(value);
    premiumWhere.push(clause('p', `$${premiumParams.length}`));
  };
  if (input.bindingId) {
    const column = role === 'sharer' ? 'sharer_id' : 'relative_id';
    const owned = await app.db.query(`SELECT 1 FROM bindings WHERE binding_id = $1 AND ${column} = $2`, [
      input.bindingId,
      person.person_id,
    ]);
    if (owned.length === 0) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
    add((t, n) => `${t}.binding_id = ${n}`, input.bindingId);
  }
  if (input.from && input.to && input.from > input.to) invalidInput('to', 'to：结束日期不能早于开始日期');
  if (input.from) add((t, n) => `${t}.created_at >= ${n}`, shanghaiDayStart(input.from));
  if (input.to) add((t, n) => `${t}.created_at < ${n}`, shanghaiNextDayStart(input.to));

  const cursor = input.cursor ? decodeCursor(app, input.cursor) : undefined;
  const total =
    cursor?.total ??
    ((
      await app.db.query<{ total: bigint }>(
        `SELECT COALESCE(sum(s.mulaid_pay_fen - s.mulaid_refunded_fen), 0)::bigint AS total FROM settlements s WHERE ${where.join(' AND ')}`,
        params,
      )
    )[0]?.total ?? 0n) +
      ((
        await app.db.query<{ total: bigint }>(
          `SELECT COALESCE(sum(p.amount_fen), 0)::bigint AS total FROM premium_payments p WHERE ${premiumWhere.join(' AND ')}`,
          premiumParams,
        )
      )[0]?.total ?? 0n);
  const pageWhere = [...where];
  const pageParams = [...params];
  if (cursor) {
    pageParams.push(cursor.at, cursor.id);
    pageWhere.push(`(s.created_at, s.settlement_id) < ($${pageParams.length - 1}, $${pageParams.length})`);
    premiumParams.push(cursor.at, cursor.id);
    premiumWhere.push(`(p.created_at, p.payment_id) < ($${premiumParams.length - 1}, $${premiumParams.length})`);
  }
  pageParams.push(limit + 1);
  premiumParams.push(limit + 1);
  const settled = await app.db.query<RecordRow>(
    `SELECT s.mulaid_entry_id, s.settlement_id, s.created_at, s.kind, i.name AS institution_name,
            s.mulaid_pay_fen, s.mulaid_refunded_fen, s.binding_id, b.relationship,
            sp.name AS sharer_name, sp.id_masked AS sharer_id_masked,
            rp.name AS relative_name, rp.id_masked AS relative_id_masked
     FROM settlements s
     JOIN bindings b ON b.binding_id = s.binding_id
     JOIN institutions i ON i.code = s.institution_code
     JOIN persons sp ON sp.person_id = s.sharer_id
     JOIN persons rp ON rp.person_id = s.patient_id
     WHERE ${pageWhere.join(' AND ')}
     ORDER BY s.created_at DESC, s.settlement_id DESC
     LIMIT $${pageParams.length}`,
    pageParams,
  );
  const premiums = await app.db.query<RecordRow & { premium_year: number }>(
    `SELECT p.ledger_entry_id AS mulaid_entry_id, p.payment_id AS settlement_id, p.created_at, 'premium' AS kind,
            '' AS institution_name, p.amount_fen AS mulaid_pay_fen, 0::bigint AS mulaid_refunded_fen, p.binding_id,
            b.relationship, sp.name AS sharer_name, sp.id_masked AS sharer_id_masked,
            rp.name AS relative_name, rp.id_masked AS relative_id_masked, p.year AS premium_year
     FROM premium_payments p
     JOIN bindings b ON b.binding_id = p.binding_id
     JOIN persons sp ON sp.person_id = p.sharer_id
     JOIN persons rp ON rp.person_id = p.relative_id
     WHERE ${premiumWhere.join(' AND ')}
     ORDER BY p.created_at DESC, p.payment_id DESC
     LIMIT $${premiumParams.length}`,
    premiumParams,
  );
  // Newest first across both lists, by the same key as the cursor (uuid order is that of its text).
  const newerFirst = (a: RecordRow, b: RecordRow) =>
    b.created_at.getTime() - a.created_at.getTime() || (a.settlement_id < b.settlement_id ? 1 : a.settlement_id > b.settlement_id ? -1 : 0);
  const rows: Array<RecordRow & { premium_year?: number }> = [...settled, ...premiums].sort(newerFirst).slice(0, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      recordId: row.mulaid_entry_id,
      settlementId: row.settlement_id,
      paidAt: row.created_at,
      kind: row.kind,
      institutionName: row.premium_year !== undefined ? `${row.premium_year} 年度城乡居民医保费（代缴）` : row.institution_name,
      amountFen: row.mulaid_pay_fen,
      refundedFen: row.mulaid_refunded_fen,
      bindingId: row.binding_id,
      relationship: row.relationship,
      sharer: { name: role === 'sharer' ? row.sharer_name : maskName(row.sharer_name), idNumberMasked: row.sharer_id_masked },
      relative: { name: row.relative_name, idNumberMasked: row.relative_id_masked },
      ...(row.premium_year !== undefined ? { premiumYear: Number(row.premium_year) } : {}),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(app, last, total) : null,
    totalFen: total,
  };
}
