import { maskName } from '../../src/rules/mask';
import type { Relationship } from '../../src/rules/relationship';
import type { App } from '../app';
import type { SqlParam } from '../db/port';
import { fail, invalidInput } from '../errors';
import { shanghaiDayStart, shanghaiNextDayStart } from '../platform/time';
import type { UserCaller } from '../runtime/caller';
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

function encodeCursor(row: RecordRow, total: bigint): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.settlement_id, total.toString()])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string')) {
      const [at, id, total] = value as [string, string, string];
      const date = new Date(at);
      const year = date.getUTCFullYear();
      // The cursor comes back from the client: every part is checked before it reaches SQL or the answer.
      if (
        !Number.isNaN(date.getTime()) && year >= 1900 && year <= 9999 &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) &&
        /^[0-9]{1,16}$/.test(total) && BigInt(total) <= BigInt(Number.MAX_SAFE_INTEGER)
      ) {
        return { at: date, id, total: BigInt(total) };
      }
    }
  } catch {
    // fall through
  }
  return invalidInput('cursor', 'cursor：分页游标无效，请从第一页重新加载');
}

/**
 * SPEC 2.3: the mutual-aid payments from my account (role sharer) or made for me (role
 * relative), newest first, by cursor, with the total (net of refunds) of everything that
 * matches the filters, as of the first page. Unbound relatives' history is included.
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
  const add = (clause: (n: string) => string, value: SqlParam) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (input.bindingId) {
    const column = role === 'sharer' ? 'sharer_id' : 'relative_id';
    const owned = await app.db.query(`SELECT 1 FROM bindings WHERE binding_id = $1 AND ${column} = $2`, [
      input.bindingId,
      person.person_id,
    ]);
    if (owned.length === 0) fail('NOT_FOUND', '未找到该共济关系', 'bindingId');
    add((n) => `s.binding_id = ${n}`, input.bindingId);
  }
  if (input.from && input.to && input.from > input.to) invalidInput('to', 'to：结束日期不能早于开始日期');
  if (input.from) add((n) => `s.created_at >= ${n}`, shanghaiDayStart(input.from));
  if (input.to) add((n) => `s.created_at < ${n}`, shanghaiNextDayStart(input.to));

  const cursor = input.cursor ? decodeCursor(input.cursor) : undefined;
  const total =
    cursor?.total ??
    (
      await app.db.query<{ total: bigint }>(
        `SELECT COALESCE(sum(s.mulaid_pay_fen - s.mulaid_refunded_fen), 0)::bigint AS total FROM settlements s WHERE ${where.join(' AND ')}`,
        params,
      )
    )[0]?.total ??
    0n;
  const pageWhere = [...where];
  const pageParams = [...params];
  if (cursor) {
    pageParams.push(cursor.at, cursor.id);
    pageWhere.push(`(s.created_at, s.settlement_id) < ($${pageParams.length - 1}, $${pageParams.length})`);
  }
  pageParams.push(limit + 1);
  const rows = await app.db.query<RecordRow>(
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
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      recordId: row.mulaid_entry_id,
      settlementId: row.settlement_id,
      paidAt: row.created_at,
      kind: row.kind,
      institutionName: row.institution_name,
      amountFen: row.mulaid_pay_fen,
      refundedFen: row.mulaid_refunded_fen,
      bindingId: row.binding_id,
      relationship: row.relationship,
      sharer: { name: role === 'sharer' ? row.sharer_name : maskName(row.sharer_name), idNumberMasked: row.sharer_id_masked },
      relative: { name: row.relative_name, idNumberMasked: row.relative_id_masked },
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last, total) : null,
    totalFen: total,
  };
}
