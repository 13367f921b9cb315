import { makeIdNumber } from '../../server/demo/idNumbers';
import type { Db } from '../../server/db/port';
import type { AuthKind } from '../../server/runtime/define';
import { ERROR_CODES } from '../../src/rules/errorCodes';
import type { Harness } from '../support/harness';
import type { Pools } from './arbitraries';
import { createStaff } from '../staff/support';

/** Text that only a leaked stack trace, error object or file path would put in an answer. */
export const STACK_TRACE = /\bat [\w.<>$]+ \(|\bat .*\.(?:ts|js|mjs|cjs):\d+|node_modules|Error:|\/work\/|\/home\/|\/tmp\/|file:\/\/|[A-Za-z]:\\|FST_ERR|ECONNREFUSED|SQLSTATE|syntax error at/;

const CJK = /[\u4e00-\u9fff]/;

/**
 * What is wrong with an answer, as a list (empty: a proper envelope). An error carries a SPEC
 * code (never INTERNAL), a short Chinese message and, when present, a short field name.
 */
export function envelopeProblems(envelope: unknown): string[] {
  const problems: string[] = [];
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return ['the answer is not an object'];
  const keys = Object.keys(envelope).sort().join(',');
  const body = envelope as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown; field?: unknown } };
  if (body.ok === true) {
    if (keys !== 'data,ok') problems.push(`keys of a success: ${keys}`);
  } else if (body.ok === false) {
    if (keys !== 'error,ok') problems.push(`keys of a failure: ${keys}`);
    const error = body.error ?? {};
    const errorKeys = Object.keys(error).filter((k) => !['code', 'message', 'field'].includes(k));
    if (errorKeys.length > 0) problems.push(`unexpected keys in error: ${errorKeys.join(',')}`);
    if (!(ERROR_CODES as readonly unknown[]).includes(error.code)) problems.push(`not a SPEC code: ${String(error.code)}`);
    if (typeof error.message !== 'string' || !CJK.test(error.message)) problems.push('the message is not Chinese text');
    else if (error.message.length >= 200) problems.push(`a message of ${error.message.length} characters`);
    if (error.field !== undefined && (typeof error.field !== 'string' || error.field.length > 100)) {
      problems.push(`a field of ${typeof error.field === 'string' ? `${error.field.length} characters` : typeof error.field}`);
    }
  } else {
    problems.push(`ok is ${String(body.ok)}`);
  }
  // The field (an unknown key is the caller's own text, echoed in field and message) is left out
  // of the search for internal detail: a key such as `V:\x` is not a path the server leaked.
  let text = JSON.stringify(envelope);
  const field = body.ok === false ? body.error?.field : undefined;
  if (typeof field === 'string' && field !== '') {
    for (const part of [field, ...field.split('.')].filter((p) => p !== '')) text = text.split(JSON.stringify(part).slice(1, -1)).join('');
  }
  if (STACK_TRACE.test(text)) problems.push(`internal detail in the answer: ${text.match(STACK_TRACE)?.[0]}`);
  return problems;
}

/**
 * Row counts and a checksum of the content of every table but the rate-limit counters, in one
 * statement, to see whether a rejected call wrote anything at all.
 *
 * `snapshot()` computes them again only when a transaction id was handed out since the last
 * look: PostgreSQL (and PGlite, which is PostgreSQL) gives every transaction that writes a row
 * an id, and reading statements none, so an unchanged `xmax` of the current snapshot proves
 * that nothing was written. FUZZ_FULL_CHECKSUM=1 computes the checksums at every call anyway.
 */
export class DbState {
  private sql: string | undefined;
  private last: { xmax: string; tables: Record<string, string> } | undefined;
  private readonly always = process.env.FUZZ_FULL_CHECKSUM === '1';
  /** How often the checksums were actually computed. */
  computed = 0;
  constructor(private readonly db: Db) {}

  async snapshot(): Promise<Record<string, string>> {
    const [row] = await this.db.query<{ xmax: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax');
    const xmax = row?.xmax ?? '';
    if (!this.always && this.last && this.last.xmax === xmax) return this.last.tables;
    const tables = await this.checksums();
    this.last = { xmax, tables };
    return tables;
  }

  async checksums(): Promise<Record<string, string>> {
    if (!this.sql) {
      const tables = await this.db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'rate_limit_hits' ORDER BY table_name`,
      );
      if (tables.length < 10) throw new Error(`only ${tables.length} tables found`);
      this.sql = tables
        .map(({ table_name: t }) => `SELECT '${t}' AS t, count(*)::text || ':' || md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) AS v FROM "${t}" x`)
        .join(' UNION ALL ');
    }
    this.computed += 1;
    const rows = await this.db.query<{ t: string; v: string }>(this.sql);
    return Object.fromEntries(rows.map((row) => [row.t, row.v]));
  }
}

export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]).sort();
}

/** JSON with long strings and keys cut and deep values elided, so that a failure report stays readable. */
export function short(value: unknown, max = 2_000): string {
  const cut = (s: string) => (s.length > 80 ? `${s.slice(0, 60)}…(${s.length} characters)` : s);
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return cut(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v);
    if (v === undefined) return 'undefined';
    if (typeof v !== 'object' || v === null) return v;
    if (depth > 6) return '…(deeper)';
    if (Array.isArray(v)) return v.slice(0, 10).map((item) => copy(item, depth + 1)).concat(v.length > 10 ? [`…(${v.length} items)`] : []);
    return Object.fromEntries(Object.entries(v).slice(0, 20).map(([k, item]) => [cut(k), copy(item, depth + 1)]));
  };
  const text = JSON.stringify(copy(value, 0));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export interface FuzzWorld {
  pools: Pools;
  bearers: Record<AuthKind, string | undefined>;
  /** Every full ID number of the world. */
  idNumbers: string[];
  /**
   * A session of a user of its own for `logout`, so that a fuzzed logout that is accepted ends
   * it and not the worker's: after such a logout, `renewLeaver()` logs a new user in (before the
   * next look at the tables, since the logout was accepted).
   */
  leaver: { token: string };
  renewLeaver(): Promise<void>;
  /** The bearer of the right kind for a function (the leaver's for logout). */
  bearerFor(name: string, auth: AuthKind): string | undefined;
}

/**
 * A worker with a large balance, verified, with two relatives bound, a family-account member,
 * and five mutual-aid payments at one institution; the callers of every kind of function.
 */
export async function buildFuzzWorld(h: Harness): Promise<FuzzWorld> {
  const sharer = await h.employee(50_000_000, { name: '沈共济', birthDate: '1970-07-07' });
  const spouse = await h.person({ name: '任配偶', birthDate: '1972-02-02', male: false });
  const child = await h.employee(100, { name: '沈小子', birthDate: '2000-01-01' });
  const father = await h.person({ name: '沈老父', birthDate: '1945-05-05' });
  const unknownId = makeIdNumber('130100', '1990-09-09', 901);
  const worker = await h.user(sharer);
  const spouseUser = await h.user(spouse);
  const spouseBinding = await h.bind(worker, spouse, 'spouse');
  const childBinding = await h.bind(worker, child, 'child');
  const { member } = await h.ok('addFamilyAccount', { name: father.name, idNumber: father.idNumber, relationship: 'parent' }, worker.token);
  // The father agrees to be shown (SPEC 2.8), so that showFamilyCode reaches its code.
  await h.ok('confirmFamilyMember', { memberId: member.memberId }, await h.tokenOf(father));
  // A face check of the worker by himself, for verifyIdentity's faceCheckId.
  const faceCheckId = await h.faceCheck(worker.token, sharer);
  const inst = await h.institution('ZZFUZZA01');
  const serials = ['FZ-1', 'FZ-2', 'FZ-3', 'FZ-4', 'FZ-5'];
  for (const [i, serialNo] of serials.entries()) {
    h.clock.advance(60);
    await h.ok('settle', { serialNo, patientIdNumber: spouse.idNumber, kind: 'outpatient', amountFen: 100 * (i + 1) }, inst.key);
  }
  const cursors: string[] = [];
  for (const limit of [1, 2]) {
    const page = await h.ok<{ nextCursor: string | null }>('listRecords', { limit }, worker.token);
    if (page.nextCursor) cursors.push(page.nextCursor);
  }
  if (cursors.length === 0) throw new Error('no cursor in the world');
  const messages = await h.ok<{ items: Array<{ messageId: string }>; nextCursor: string | null }>('listMessages', { limit: 2 }, worker.token);
  if (!messages.nextCursor || messages.items.length < 2) throw new Error('no page of messages in the world');
  const leaver = { token: await h.login(h.nextPhone()) };
  // A supervisor may call every staff function, so each one reaches its validation.
  const supervisor = await createStaff(h, 'supervisor', '模糊测试主管');
  const bearers: Record<AuthKind, string | undefined> = {
    public: undefined,
    user: worker.token,
    institution: inst.key,
    admin: h.adminKey,
    staff: supervisor.token,
  };
  return {
    pools: {
      phones: [worker.phone, spouseUser.phone, '13800000000'],
      names: [sharer.name, spouse.name, child.name, father.name, '王五'],
      idNumbers: [sharer.idNumber, spouse.idNumber, child.idNumber, father.idNumber, unknownId],
      bindingIds: [spouseBinding.bindingId, childBinding.bindingId],
      memberIds: [member.memberId],
      serials,
      cursors,
      faceCheckIds: [faceCheckId],
      messageIds: messages.items.map((m) => m.messageId),
      messageCursors: [messages.nextCursor],
    },
    bearers,
    idNumbers: [sharer.idNumber, spouse.idNumber, child.idNumber, father.idNumber],
    leaver,
    async renewLeaver() {
      leaver.token = await h.login(h.nextPhone());
    },
    bearerFor: (name, auth) => (name === 'logout' ? leaver.token : bearers[auth]),
  };
}
