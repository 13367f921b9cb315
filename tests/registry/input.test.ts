import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { personNameField } from '../../server/runtime/fields';
import { CJK, useHarness } from '../backbone/fixtures';

const INVISIBLE: Array<[string, string]> = [
  ['U+200B zero-width space', '\u200b'],
  ['U+200C zero-width non-joiner', '\u200c'],
  ['U+200D zero-width joiner', '\u200d'],
  ['U+200E left-to-right mark', '\u200e'],
  ['U+200F right-to-left mark', '\u200f'],
  ['U+202A left-to-right embedding', '\u202a'],
  ['U+202B right-to-left embedding', '\u202b'],
  ['U+202C pop directional formatting', '\u202c'],
  ['U+202D left-to-right override', '\u202d'],
  ['U+202E right-to-left override', '\u202e'],
  ['U+2066 left-to-right isolate', '\u2066'],
  ['U+2067 right-to-left isolate', '\u2067'],
  ['U+2068 first strong isolate', '\u2068'],
  ['U+2069 pop directional isolate', '\u2069'],
  ['U+2060 word joiner', '\u2060'],
  ['U+FEFF zero-width no-break space', '\ufeff'],
  ['U+00AD soft hyphen', '\u00ad'],
  ['U+0000 NUL', '\u0000'],
  ['U+0009 tab', '\t'],
  ['U+001B escape', '\u001b'],
  ['U+007F delete', '\u007f'],
  ['U+0085 next line (C1)', '\u0085'],
  ['U+009B control sequence introducer (C1)', '\u009b'],
  ['U+2028 line separator', '\u2028'],
  ['U+3164 Hangul filler', '\u3164'],
  ['U+E0041 tag letter A', '\u{e0041}'],
];

const REAL_NAMES = ['张三', '欧阳娜娜', '迪丽热巴·迪力木拉提', '阿卜杜热依木·艾买提', '爱新觉罗·启功', '玛丽·居里', '王𠀋', 'Zhang San', "O'Brien 李"];

describe('names (server/runtime/fields.ts personNameField)', () => {
  it.each(INVISIBLE)('refuses a name with %s inside it', (_what, character) => {
    const parsed = personNameField.safeParse(`张${character}三`);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/不可见字符或控制字符/);
  });

  it.each(REAL_NAMES)('takes the real name %s', (name) => {
    expect(personNameField.safeParse(name)).toEqual({ success: true, data: name });
  });

  it('property: a real name with any invisible character put anywhere inside is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL_NAMES), fc.constantFrom(...INVISIBLE.map(([, c]) => c)), fc.nat(), (name, character, at) => {
        const characters = Array.from(name);
        const index = 1 + (at % Math.max(1, characters.length - 1));
        const spoiled = [...characters.slice(0, index), character, ...characters.slice(index)].join('');
        return !personNameField.safeParse(spoiled).success;
      }),
    );
  });

  const { h: harness } = useHarness('pglite');

  it('through the cloud functions: INVALID_INPUT naming the field, in Chinese, and nothing written', async () => {
    const h = harness();
    const idNumber = makeIdNumber('130100', '1980-05-05', 321);
    const row = { idNumber, insuranceType: 'resident', status: 'active', poolingRegion: '130100' };
    for (const [, character] of INVISIBLE) {
      const error = await h.err('upsertPersons', { persons: [{ ...row, name: `李${character}四` }] }, h.adminKey);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'persons.0.name' });
      expect(error.message).toMatch(CJK);
      expect(error.message).toContain('persons.0.name');
    }
    expect(await h.app.db.query('SELECT 1 FROM persons')).toEqual([]);
    // The right-to-left override that would show "张三" reversed, to a relative binding by name.
    const user = await h.user(await h.employee(100));
    const error = await h.err('bindRelative', { name: '\u202e三张', idNumber, relationship: 'child', acceptUndertaking: true }, user.token);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
    // A name with the middle dot goes through.
    await h.ok('upsertPersons', { persons: [{ ...row, name: '迪丽热巴·迪力木拉提' }] }, h.adminKey);
    expect(await h.app.db.query('SELECT name FROM persons WHERE id_masked LIKE $1', ['1301%'])).toContainEqual({ name: '迪丽热巴·迪力木拉提' });
  });
});

describe('type errors name the field and say what is wrong, never "missing"', () => {
  const { h: harness } = useHarness('pglite');
  const ID = makeIdNumber('130100', '1980-05-05', 323);

  const WRONG: Array<{ fn: string; auth: 'admin' | 'institution' | 'user' | 'public'; event: Record<string, unknown>; field: string }> = [
    { fn: 'settle', auth: 'institution', event: { serialNo: 'T-1', patientIdNumber: ID, kind: 'pharmacy', amountFen: '100' }, field: 'amountFen' },
    { fn: 'refund', auth: 'institution', event: { serialNo: 'T-1', refundSerialNo: 'T-R1', amountFen: null }, field: 'amountFen' },
    { fn: 'creditAccount', auth: 'admin', event: { creditId: 'T-C1', idNumber: ID, amountFen: '100', kind: 'contribution' }, field: 'amountFen' },
    { fn: 'upsertPersons', auth: 'admin', event: { persons: [{ idNumber: ID, name: 42, insuranceType: 'resident', status: 'active', poolingRegion: '130100' }] }, field: 'persons.0.name' },
    { fn: 'login', auth: 'public', event: { phone: 13900000001, code: '123456' }, field: 'phone' },
    { fn: 'listRecords', auth: 'user', event: { limit: '10' }, field: 'limit' },
    { fn: 'bindRelative', auth: 'user', event: { name: ['张三'], idNumber: ID, relationship: 'child', acceptUndertaking: true }, field: 'name' },
  ];

  async function bearer(auth: string): Promise<string | undefined> {
    const h = harness();
    if (auth === 'admin') return h.adminKey;
    if (auth === 'institution') return (await h.institution()).key;
    if (auth === 'user') return (await h.user(await h.employee(100))).token;
    return undefined;
  }

  it.each(WRONG)('$fn: $field of the wrong type', async ({ fn, auth, event, field }) => {
    const h = harness();
    const error = await h.err(fn, event, await bearer(auth));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(error.message).toContain(field);
    expect(error.message).toContain('类型不正确');
    expect(error.message).not.toMatch(/缺少/);
  });

  it.each(WRONG.filter((w) => w.fn !== 'listRecords'))('$fn: $field missing says missing', async ({ fn, auth, event, field }) => {
    const h = harness();
    const path = field.split('.');
    const copy = structuredClone(event) as Record<string, unknown>;
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    delete target[path[path.length - 1]!];
    const error = await h.err(fn, copy, await bearer(auth));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
    expect(error.message).toMatch(/缺少/);
  });
});
