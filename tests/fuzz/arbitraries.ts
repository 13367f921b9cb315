import fc from 'fast-check';
import { RELATIONSHIPS } from '../../src/rules/relationship';

/**
 * fast-check arbitraries of malformed cloud-function events: wrong types, missing and extra
 * fields, huge strings, Unicode edge cases, bad numbers, deep nesting, arrays where objects
 * belong. Each function's event is described by its fields; a field has arbitraries of valid
 * values (drawn from a pool of real objects, so that an event with one broken field still
 * reaches deep into the validation) and of near misses of that field.
 */

/** Characters that break naive text handling: invisible, direction marks, NUL, surrogates, full-width. */
export const EDGE_CHARS: readonly string[] = [
  '\u0000', '\u0001', '\u0008', '\u001f', '\u007f', '\u0085', '\n', '\r\n', '\t', '\u000b',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', // zero-width and soft hyphen
  '\u202e', '\u202d', '\u200f', '\u200e', '\u061c', '\u2066', '\u2069', // direction marks and overrides
  '\u00a0', '\u3000', '\u2028', '\u2029', // spaces and separators
  '\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', // lone and reversed surrogates
  '😀', '👨‍👩‍👧‍👦', '🇨🇳', 'e\u0301', '\u0301', // emoji, ZWJ sequence, flag, combining mark
  '０', '１', '９', 'Ｘ', 'ｘ', '٣', '۵', '𝟙', '①', '〇', '一', // digits of other scripts
  '\ufffd', '\uffff', '\ufffe', '\u{10ffff}', '\u{e0001}',
  '%00', '\\', '"', "'", '`', '${x}', '<script>', "' OR 1=1 --", '../', '%s', '{{x}}',
];

/** 0-9 → ０-９, A-Z/a-z → Ａ-Ｚ/ａ-ｚ: looks the same to a person, is not to a regex. */
export function fullWidth(text: string): string {
  return text.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

function nest(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
}

/** Prebuilt, so that fast-check does not generate megabytes at every run. */
export const HUGE_STRINGS: readonly string[] = [
  'x'.repeat(70_000),
  '9'.repeat(100_000),
  '１'.repeat(40_000),
  '😀'.repeat(20_000),
  '\u200b'.repeat(50_000),
  'a\u0000'.repeat(20_000),
  '\ud800'.repeat(10_000),
  `${'1'.repeat(17)}X${' '.repeat(60_000)}`,
];

export const DEEP_VALUES: readonly unknown[] = [
  nest(64, 'x', (v) => [v]),
  nest(2_000, 1, (v) => [v]),
  nest(10_000, null, (v) => [v]),
  nest(64, 'x', (v) => ({ a: v })),
  nest(3_000, {}, (v) => ({ a: v })),
  nest(500, '13912345678', (v) => ({ phone: v })),
];

/** Values that are wrong for almost any field, and numbers at every edge. */
export const SPECIAL_VALUES: readonly unknown[] = [
  null, undefined, true, false, 0, -0, 1, -1, 0.5, -0.5, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31, 2 ** 32, 2 ** 63, 1e21, 100_000_000, 100_000_001, 100_000_000.5, 1e-7, NaN, Infinity, -Infinity,
  '', ' ', '0', '-0', '1e308', 'NaN', 'Infinity', 'null', 'undefined', 'true', '[]', '{}',
  [], [[]], [null], [1, 2, 3], {}, { '': '' }, { $gt: '' }, { $ne: null }, { toString: 'x' }, { valueOf: 1 },
  { length: 1, 0: 'a' }, 1n, -1n, 10n ** 30n,
];

/** Any text, text built from the edge characters, and the edge characters alone. */
export const evilString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...EDGE_CHARS, 'a', '1', 'X', '中', '-', '.', ' '), maxLength: 30 }),
  fc.constantFrom(...EDGE_CHARS),
  fc.constantFrom(...HUGE_STRINGS),
);

/** Numbers: every double (negative, fractional, huge, -0, NaN, ±Infinity) and integers. */
export const evilNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.integer({ min: -200_000_000, max: 200_000_000 }).map((n) => n + 0.5),
  fc.constantFrom(-0, 1e308, -1e308, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 100_000_001, 0, -1),
);

/** A value of any kind that no field accepts as it is (mostly). */
export const anyBad: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  { weight: 3, arbitrary: evilString },
  { weight: 2, arbitrary: evilNumber },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP_VALUES) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.array(evilString, { maxLength: 4 }) },
);

/** Edits that turn a valid text into a near miss: an edge character, full width, a cut, case, another type. */
export function textNearMiss(valid: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const edit: fc.Arbitrary<(s: string) => unknown> = fc.oneof(
    fc.tuple(fc.constantFrom(...EDGE_CHARS), fc.nat()).map(([c, i]) => (s: string) => {
      const at = s.length === 0 ? 0 : i % (s.length + 1);
      return `${s.slice(0, at)}${c}${s.slice(at)}`;
    }),
    fc.constantFrom(...EDGE_CHARS).map((c) => (s: string) => `${s}${c}`),
    fc.constantFrom(...EDGE_CHARS).map((c) => (s: string) => `${c}${s}`),
    fc.constant((s: string) => fullWidth(s)),
    fc.nat().map((n) => (s: string) => s.slice(0, s.length === 0 ? 0 : n % s.length)),
    fc.constant((s: string) => `${s}${s}`),
    fc.constant((s: string) => s.toUpperCase()),
    fc.constant((s: string) => s.toLowerCase()),
    fc.constant((s: string) => ` ${s} `),
    fc.constant((s: string) => s.repeat(Math.ceil(70_000 / Math.max(1, s.length)))),
    fc.constant((s: string) => Number(s)),
    fc.constant((s: string) => [s]),
    fc.constant((s: string) => ({ value: s })),
    fc.constant((s: string) => s.split('')),
    fc.constant((s: string) => s.normalize('NFKD')),
    fc.constant((s: string) => encodeURIComponent(s)),
  );
  return fc.tuple(valid, edit).map(([s, f]) => f(s));
}

/** Edits that turn a valid number into a near miss: sign, fraction, size, text, array. */
export function numberNearMiss(valid: fc.Arbitrary<number>): fc.Arbitrary<unknown> {
  const edit: fc.Arbitrary<(n: number) => unknown> = fc.oneof(
    fc.constant((n: number) => -n),
    fc.constant((n: number) => n + 0.5),
    fc.constant((n: number) => n - 1e-9),
    fc.constant((n: number) => n * 1e300),
    fc.constant((n: number) => n + 100_000_000),
    fc.constant((n: number) => String(n)),
    fc.constant((n: number) => fullWidth(String(n))),
    fc.constant((n: number) => `${n} `),
    fc.constant((n: number) => [n]),
    fc.constant((n: number) => ({ value: n })),
    fc.constant((n: number) => BigInt(Math.trunc(n))),
    fc.constant(() => -0),
    fc.constant(() => 1e308),
    fc.constant(() => NaN),
    fc.constant(() => Infinity),
  );
  return fc.tuple(valid, edit).map(([n, f]) => f(n));
}

export interface FieldSpec {
  valid: fc.Arbitrary<unknown>;
  nearMiss: fc.Arbitrary<unknown>;
  optional?: boolean;
}

export type EventSpec = Record<string, FieldSpec>;

export function textField(valid: fc.Arbitrary<string>, optional = false): FieldSpec {
  return { valid, nearMiss: textNearMiss(valid), optional };
}

export function numberField(valid: fc.Arbitrary<number>, optional = false): FieldSpec {
  return { valid, nearMiss: numberNearMiss(valid), optional };
}

export function enumField(values: readonly string[], optional = false): FieldSpec {
  return textField(fc.constantFrom(...values), optional);
}

/** A field whose value is an array of objects (upsertPersons' persons). */
export function arrayOfObjectsField(item: EventSpec, maxLength: number): FieldSpec {
  const validItem = validEvent(item);
  const validArray = fc.array(validItem, { minLength: 1, maxLength: 3 });
  return {
    valid: validArray,
    nearMiss: fc.oneof(
      // One item broken the way an event is broken.
      fc.tuple(validArray, brokenObject(item), fc.nat()).map(([items, bad, i]) => {
        const copy = [...items];
        copy[i % copy.length] = bad;
        return copy;
      }),
      fc.constant([]),
      validItem.map((one) => Array.from({ length: maxLength + 1 }, () => one)),
      validItem, // an object where an array belongs
      validItem.map((one) => ({ 0: one, length: 1 })),
      validArray.map((items) => items.map((one) => [one])), // arrays where the objects belong
      validItem.map((one) => [one, one]), // the same item twice
    ),
  };
}

/** Sets a property as an own, enumerable data property (also `__proto__`, which `obj[k] = v` would not). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function build(entries: Array<[string, unknown]>): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== OMIT) setOwn(event, key, value);
  return event;
}

const OMIT = Symbol('omit');

/** A valid event: every required field, and each optional field present or not. */
export function validEvent(spec: EventSpec): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(spec);
  if (names.length === 0) return fc.constant({}).map(() => ({}));
  return fc
    .tuple(...names.map((name) => {
      const field = spec[name]!;
      return field.optional ? fc.option(field.valid, { nil: OMIT as unknown as undefined }) : field.valid;
    }))
    .map((values) => build(names.map((name, i) => [name, values[i]])));
}

/** Keys that no event has: prototype names, look-alikes of real fields, huge and invisible keys. */
function extraKey(spec: EventSpec): fc.Arbitrary<string> {
  const names = Object.keys(spec);
  const lookAlikes = names.length === 0 ? fc.constant('phone') : fc.constantFrom(...names);
  return fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'userInfo', 'userId',
      'openid', 'OPENID', 'admin', 'role', 'caller', '', ' ', '0', 'length', 'then', '$where', 'k'.repeat(5_000)),
    fc.tuple(lookAlikes, fc.constantFrom(...EDGE_CHARS)).map(([name, c]) => `${name}${c}`),
    lookAlikes.map((name) => name.toUpperCase()),
    lookAlikes.map((name) => fullWidth(name)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  ).filter((key) => !names.includes(key));
}

/** An object shaped like the event but broken: bad or missing fields, extra keys, or random content. */
export function brokenObject(spec: EventSpec): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(spec);
  const strategies: Array<fc.WeightedArbitrary<Record<string, unknown>>> = [
    // Extra keys next to a valid event.
    {
      weight: 2,
      arbitrary: fc
        .tuple(validEvent(spec), fc.array(fc.tuple(extraKey(spec), anyBad), { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([event, extras, first]) => {
          const entries: Array<[string, unknown]> = [...Object.entries(event)];
          for (const extra of extras) {
            if (first) entries.unshift(extra);
            else entries.push(extra);
          }
          return build(entries);
        }),
    },
    // A random object.
    { weight: 1, arbitrary: fc.object({ maxDepth: 2, maxKeys: 4 }) as fc.Arbitrary<Record<string, unknown>> },
  ];
  if (names.length > 0) {
    strategies.push(
      // One field a near miss of itself or any bad value, the others valid.
      {
        weight: 6,
        arbitrary: fc
          .tuple(validEvent(spec), fc.constantFrom(...names), fc.boolean())
          .chain(([event, name, near]) =>
            (near ? spec[name]!.nearMiss : anyBad).map((bad) => build([...Object.entries(event).filter(([k]) => k !== name), [name, bad]])),
          ),
      },
      // Each field valid, missing or bad.
      {
        weight: 3,
        arbitrary: fc
          .tuple(...names.map((name) => fc.oneof(spec[name]!.valid, spec[name]!.nearMiss, anyBad, fc.constant(OMIT))))
          .map((values) => build(names.map((name, i) => [name, values[i]]))),
      },
      // A required field missing.
      ...(names.some((name) => !spec[name]!.optional)
        ? [{
            weight: 1,
            arbitrary: fc
              .tuple(validEvent(spec), fc.constantFrom(...names.filter((name) => !spec[name]!.optional)))
              .map(([event, missing]) => build(Object.entries(event).filter(([k]) => k !== missing))),
          }]
        : []),
    );
  }
  return fc.oneof(...strategies);
}

/** Whole events that are no object at all, or an object where an array belongs. */
export function notAnObject(spec: EventSpec): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...SPECIAL_VALUES.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))),
    evilString,
    evilNumber,
    fc.constantFrom(...DEEP_VALUES),
    validEvent(spec).map((event) => [event]),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  );
}

/** Every kind of malformed event of one function. */
export function malformedEvent(spec: EventSpec): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 1, arbitrary: notAnObject(spec) }, { weight: 6, arbitrary: brokenObject(spec) });
}

/** Objects of the world a fuzzed event may name, so that near misses sit next to real values. */
export interface Pools {
  phones: string[];
  names: string[];
  idNumbers: string[];
  bindingIds: string[];
  memberIds: string[];
  serials: string[];
  cursors: string[];
  /** Face checks the world's worker opened (verifyIdentity's faceCheckId). */
  faceCheckIds: string[];
  /** The worker's messages, and a cursor of his message centre. */
  messageIds: string[];
  messageCursors: string[];
}

/** Dates around and beyond every edge: year 0, negative years, 10000, impossible days. */
const anyDateText: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date('-001000-01-01T00:00:00Z'), max: new Date('+012000-01-01T00:00:00Z'), noInvalidDate: true }).map((d) =>
    d.toISOString().slice(0, d.getUTCFullYear() >= 0 && d.getUTCFullYear() < 10_000 ? 10 : 13),
  ),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
    ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  ),
);

/** Cursors of the right alphabet: base64url of JSON that looks like the server's own, with odd parts. */
const craftedCursor: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
      evilString,
      fc.constantFrom('2026-03-15T02:00:00.000Z', '0000-01-01T00:00:00Z', 'Invalid Date', '1e308'),
    ),
    fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/), evilString),
    fc.oneof(fc.stringMatching(/^[0-9]{1,18}$/), fc.constantFrom('0', '9007199254740991', '9007199254740993', '999999999999999999'), evilString),
    fc.boolean(),
  )
  .map(([at, id, total, asArray]) =>
    Buffer.from(JSON.stringify(asArray ? [at, id, total] : { at, id, total })).toString('base64url'),
  );

/** The event of every cloud function, field by field. */
export function eventSpecs(pools: Pools): Record<string, EventSpec> {
  const phone = textField(fc.oneof(fc.constantFrom(...pools.phones), fc.stringMatching(/^1[3-9][0-9]{9}$/)));
  const personName = textField(fc.constantFrom(...pools.names));
  const idNumber = textField(fc.constantFrom(...pools.idNumbers, ...pools.idNumbers.map((id) => ` ${id.toLowerCase()} `)));
  const relationship = enumField(RELATIONSHIPS);
  const objectId = (ids: string[], optional = false) => textField(fc.oneof(fc.constantFrom(...ids), fc.uuid()), optional);
  const amount = (optional = false) => numberField(fc.integer({ min: 1, max: 100_000_000 }), optional);
  const serial = textField(fc.oneof(fc.constantFrom(...pools.serials), fc.stringMatching(/^[\x21-\x7e]{1,64}$/)));
  const date = (optional: boolean): FieldSpec => ({ valid: fc.constantFrom('2026-01-01', '2026-03-15', '2025-12-31'), nearMiss: fc.oneof(anyDateText, textNearMiss(anyDateText)), optional });
  const int = (min: number, max: number, optional = true) => numberField(fc.integer({ min, max }), optional);
  const flag = (optional = true): FieldSpec => ({ valid: fc.boolean(), nearMiss: fc.constantFrom('true', 'false', 1, 0, [true], { value: true }, null), optional });
  /** A binding's end date: after the world's today (2026-03-15) and within 20 years, or near misses of any date. */
  const endsOn: FieldSpec = {
    valid: fc.constantFrom('2026-03-16', '2026-12-31', '2030-06-30', '2046-03-15'),
    nearMiss: fc.oneof(anyDateText, textNearMiss(anyDateText), fc.constantFrom('2026-03-15', '2025-12-31', '2046-03-16')),
    optional: true,
  };
  const registryRow: EventSpec = {
    // Rows of numbers nobody else uses: a fuzzed sync must not rewrite the people of the world.
    idNumber: textField(fc.constantFrom('11010519491231002X', '650102199001010017', '650102199001010025')),
    name: textField(fc.constantFrom('同步甲', '同步乙')),
    insuranceType: enumField(['employee', 'resident', 'none']),
    status: enumField(['active', 'suspended', 'terminated']),
    poolingRegion: textField(fc.constantFrom('650100', '650200', '110100')),
    balanceFen: int(0, 1_000_000_000_000),
  };
  return {
    sendCode: { phone },
    login: { phone, code: textField(fc.stringMatching(/^[0-9]{6}$/)) },
    loginByWechatPhone: { phoneCode: textField(fc.oneof(fc.constantFrom(...pools.phones.map((p) => `dev:${p}`)), fc.string({ minLength: 1, maxLength: 256 }))) },
    demoGuide: {},
    me: {},
    myPolicy: {},
    listMembers: {},
    listFamilyAccount: {},
    verifyIdentity: { name: personName, idNumber, faceCheckId: objectId(pools.faceCheckIds, true) },
    startFaceCheck: { name: personName, idNumber },
    logout: { all: flag() },
    listMessages: {
      cursor: { valid: fc.constantFrom(...pools.messageCursors), nearMiss: fc.oneof(craftedCursor, textNearMiss(fc.constantFrom(...pools.messageCursors))), optional: true },
      limit: int(1, 100),
      unreadOnly: flag(),
    },
    markMessagesRead: {
      messageIds: {
        valid: fc.array(objectId(pools.messageIds).valid, { maxLength: 5 }),
        nearMiss: fc.oneof(
          fc.tuple(fc.array(objectId(pools.messageIds).valid, { minLength: 1, maxLength: 4 }), objectId(pools.messageIds).nearMiss, fc.nat()).map(([ids, bad, i]) => {
            const copy: unknown[] = [...ids];
            copy[i % copy.length] = bad;
            return copy;
          }),
          objectId(pools.messageIds).valid, // one id where an array belongs
          fc.constant(Array.from({ length: 101 }, () => pools.messageIds[0])),
        ),
        optional: true,
      },
    },
    // The undertaking is drawn accepted, so that an event with one broken field reaches the checks behind it.
    bindRelative: {
      name: personName,
      idNumber,
      relationship,
      acceptUndertaking: { valid: fc.constant(true), nearMiss: fc.constantFrom('true', 1, 0, [true], { value: true }, null, false) },
      endsOn,
    },
    declineBinding: { bindingId: objectId(pools.bindingIds), notMyRelative: flag() },
    confirmFamilyMember: { memberId: objectId(pools.memberIds) },
    addFamilyAccount: { name: personName, idNumber, relationship },
    confirmBinding: { bindingId: objectId(pools.bindingIds) },
    unbindRelative: { bindingId: objectId(pools.bindingIds) },
    removeFamilyAccount: { memberId: objectId(pools.memberIds) },
    showFamilyCode: { memberId: objectId(pools.memberIds) },
    listRecords: {
      role: enumField(['sharer', 'relative'], true),
      bindingId: objectId(pools.bindingIds, true),
      from: date(true),
      to: date(true),
      cursor: { valid: fc.constantFrom(...pools.cursors), nearMiss: fc.oneof(craftedCursor, textNearMiss(fc.constantFrom(...pools.cursors))), optional: true },
      limit: int(1, 100),
    },
    diagnose: { bindingId: objectId(pools.bindingIds, true), memberId: objectId(pools.memberIds, true), amountFen: amount(true) },
    settle: { serialNo: serial, patientIdNumber: idNumber, kind: enumField(['outpatient', 'inpatient', 'pharmacy']), amountFen: amount() },
    refund: { serialNo: serial, refundSerialNo: serial, amountFen: amount() },
    createInstitution: {
      // Codes of the world's institutions are never drawn: a fuzzed call must not replace their keys.
      code: textField(fc.stringMatching(/^[a-z0-9_-]{1,32}$/)),
      name: textField(fc.constantFrom('模糊测试医院', '药店')),
      kind: enumField(['hospital', 'pharmacy']),
    },
    setPolicy: {
      // Scopes away from the world's region (13…), so that a fuzzed policy does not change its rules.
      scope: textField(fc.constantFrom('65', '650100', '44', '440300')),
      relativeScope: enumField(['close', 'near'], true),
      sharingScope: enumField(['region', 'province', 'national'], true),
      maxRelatives: int(1, 20),
      allowPartial: { valid: fc.boolean(), nearMiss: fc.constantFrom('true', 'false', 1, 0, [true], { value: true }, null), optional: true },
      consentFromAge: { valid: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }), nearMiss: numberNearMiss(fc.integer({ min: 0, max: 150 })), optional: true },
    },
    upsertPersons: { persons: arrayOfObjectsField(registryRow, 1000) },
    // The 2026 rules (SPEC 2.11, 2.12): quotas on the world's bindings, premiums, the clearing statement.
    setQuota: { bindingId: objectId(pools.bindingIds), amountFen: numberField(fc.integer({ min: 0, max: 100_000_000 })) },
    payPremium: { bindingId: objectId(pools.bindingIds), year: numberField(fc.integer({ min: 2000, max: 2100 })) },
    clearingStatement: {
      month: textField(fc.constantFrom('2025-12', '2026-01', '2026-02', '2026-03', '2000-01')),
    },
    // creditIds of their own (never reused by the world): a fuzzed credit moves a world balance at most once each.
    creditAccount: { creditId: serial, idNumber, amountFen: amount(), kind: enumField(['contribution', 'correction']) },
    // Staff (SPEC 2.10). User names of the world's staff are never drawn for createStaff.
    createStaff: {
      username: textField(fc.stringMatching(/^fz[a-z0-9_.-]{1,30}$/)),
      name: personName,
      role: enumField(['agent', 'handler', 'supervisor']),
    },
    staffLogin: {
      username: textField(fc.stringMatching(/^[a-z][a-z0-9_.-]{2,31}$/)),
      password: textField(fc.string({ minLength: 1, maxLength: 128 })),
      totp: textField(fc.stringMatching(/^[0-9]{6}$/)),
    },
    staffLookup: { idNumber, reason: textField(fc.constantFrom('来电咨询', '本人到厅办理')) },
    // One action's shape (confirmBinding): the other actions share every field but their own.
    staffAct: {
      action: enumField(['confirmBinding']),
      personIdNumber: idNumber,
      evidence: {
        valid: fc.record({ kind: fc.constantFrom('id_card', 'power_of_attorney'), ref: fc.constantFrom('ID-1', '委托书-2') }),
        nearMiss: fc.oneof(
          fc.record({ kind: fc.constantFrom('undertaking', 'passport', '', 'ID_CARD'), ref: fc.constantFrom('ID-1') }),
          fc.record({ kind: fc.constantFrom('id_card'), ref: fc.oneof(evilString, fc.constant(''), fc.constant('x'.repeat(65))) }),
          fc.constantFrom('id_card', null, [], 42, { kind: 'id_card' }, { ref: 'ID-1' }),
        ),
      },
      bindingId: objectId(pools.bindingIds),
    },
    listAudit: {
      staffId: { valid: fc.uuid(), nearMiss: textNearMiss(fc.uuid()), optional: true },
      personIdNumber: { ...idNumber, optional: true },
      limit: int(1, 100),
    },
  };
}
