import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors';
import { openCursor, sealCursor } from '../../server/platform/cursor';
import { CJK, useHarness } from '../backbone/fixtures';
import { createStaff } from '../staff/support';

const KEYS = { session: new TextEncoder().encode('a session secret of at least thirty-two characters') };
const OTHER = { session: new TextEncoder().encode('another session secret, also thirty-two characters') };

function refusal(run: () => unknown): { code: string; field?: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  return undefined;
}

/** `cursor` with the character at `index` replaced by another of the base64url alphabet. */
function flip(cursor: string, index: number): string {
  const next = cursor[index] === 'A' ? 'B' : 'A';
  return cursor.slice(0, index) + next + cursor.slice(index + 1);
}

describe('server/platform/cursor.ts', () => {
  const parts = ['2026-03-15T02:00:00.000Z', '0b7f8f6e-3c1a-4d2b-9e4f-5a6b7c8d9e0f', '12345'];

  it('opens what it sealed, and the cursor stays within the cursor field (base64url, at most 200)', () => {
    const cursor = sealCursor(KEYS, 'records', parts);
    expect(openCursor(KEYS, 'records', cursor, 3)).toEqual(parts);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{1,200}$/);
  });

  it('refuses every one-character alteration, another list, another key, the MAC alone and the unsealed form', () => {
    const cursor = sealCursor(KEYS, 'records', parts);
    const forged = [
      ...Array.from({ length: cursor.length }, (_, i) => flip(cursor, i)),
      Buffer.from(JSON.stringify(parts)).toString('base64url'),
      cursor.slice(-22),
      cursor.slice(0, -1),
      `${cursor}A`,
      sealCursor(OTHER, 'records', parts),
      sealCursor(KEYS, 'messages', parts),
      sealCursor(KEYS, 'records', [...parts, 'x']),
    ];
    for (const bad of forged) {
      expect({ bad, refused: refusal(() => openCursor(KEYS, 'records', bad, 3)) }).toMatchObject({
        bad,
        refused: { code: 'INVALID_INPUT', field: 'cursor', message: expect.stringMatching(CJK) },
      });
    }
  });
});

describe('every list refuses a forged cursor (listRecords, listMessages, listAudit)', () => {
  const { h: harness } = useHarness('pglite');

  it('a real cursor pages; the same cursor altered, or taken to another list, is INVALID_INPUT on cursor', async () => {
    const h = harness();
    const sharerPerson = await h.employee(100_000, { birthDate: '1970-01-01' });
    const sharer = await h.user(sharerPerson);
    const relatives = [await h.person({ birthDate: '2015-01-01' }), await h.person({ birthDate: '2016-01-01' }), await h.person({ birthDate: '2017-01-01' })];
    const inst = await h.institution();
    for (const [index, relative] of relatives.entries()) {
      h.clock.advance(60);
      await h.bind(sharer, relative, 'child');
      await h.ok('settle', { serialNo: `CUR-${index}`, patientIdNumber: relative.idNumber, kind: 'pharmacy', amountFen: 100 + index }, inst.key);
    }
    const supervisor = await createStaff(h, 'supervisor');
    for (const relative of relatives) await h.ok('staffLookup', { idNumber: relative.idNumber, reason: '来电咨询家庭共济' }, supervisor.token);

    const lists = [
      { fn: 'listRecords', token: sharer.token },
      { fn: 'listMessages', token: sharer.token },
      { fn: 'listAudit', token: supervisor.token },
    ];
    const cursors = new Map<string, string>();
    for (const { fn, token } of lists) {
      const first = await h.ok<{ nextCursor: string | null }>(fn, { limit: 1 }, token);
      expect({ fn, cursor: typeof first.nextCursor }).toEqual({ fn, cursor: 'string' });
      const cursor = first.nextCursor!;
      cursors.set(fn, cursor);
      // The real cursor gives the next page.
      await h.ok(fn, { limit: 1, cursor }, token);
      // Forged: a character of the position changed, the MAC cut, the position without MAC.
      const body = cursor.slice(0, -22);
      const unsealed = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')))).toString('base64url');
      for (const forged of [flip(cursor, 5), flip(cursor, cursor.length - 1), body, unsealed]) {
        const error = await h.err(fn, { limit: 1, cursor: forged }, token);
        expect({ fn, forged, error }).toMatchObject({ fn, forged, error: { code: 'INVALID_INPUT', field: 'cursor' } });
        expect(error.message).toMatch(CJK);
      }
    }
    // A cursor of one list is no cursor of another.
    expect(await h.err('listRecords', { cursor: cursors.get('listMessages') }, sharer.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'cursor' });
    expect(await h.err('listMessages', { cursor: cursors.get('listRecords') }, sharer.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'cursor' });
    expect(await h.err('listAudit', { cursor: cursors.get('listMessages') }, supervisor.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'cursor' });
  });
});
