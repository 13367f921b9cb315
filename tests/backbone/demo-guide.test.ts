import { describe, expect, it } from 'vitest';
import { DEMO_GUIDE } from '../../server/demo/cast';
import { parseIdNumber } from '../../src/rules/idNumber';
import { useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

const PRODUCTION = {
  APP_ENV: 'production',
  ADMIN_KEY: 'a'.repeat(40),
  SESSION_SECRET: 'b'.repeat(40),
  ID_DIGEST_KEY: 'c'.repeat(40),
};

describe('the development demo guide', () => {
  const getDb = useTestDb('pglite');

  it('lists the demo phones and the relatives a demo user may add', async () => {
    const h = await Harness.create(getDb());
    const data = await h.ok<{ phones: unknown; relatives: Array<{ name: string; idNumber: string; note: string }> }>('demoGuide', {});
    expect(data.phones).toEqual(DEMO_GUIDE);
    const names = data.relatives.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['王秀兰', '陈浩', '周敏', '孙九']));
    for (const relative of data.relatives) {
      expect(parseIdNumber(relative.idNumber, '2026-01-01').ok).toBe(true);
      expect(relative.note).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('is forbidden when demo data is off', async () => {
    const h = await Harness.create(getDb(), { DEMO_DATA: '0' });
    expect(await h.err('demoGuide', {})).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('is forbidden in production', async () => {
    const h = await Harness.create(getDb(), PRODUCTION);
    expect(await h.err('demoGuide', {})).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("the caller's region policy", () => {
  const getDb = useTestDb('pglite');

  it('offers every near relationship by default and only close ones where the region narrows it; needs a verified caller', async () => {
    // One Harness per database: a second one would number its phones from the start again.
    const h = await Harness.create(getDb());
    const unverified = await h.user();
    expect(await h.err('myPolicy', {}, unverified.token)).toMatchObject({ code: 'NOT_VERIFIED' });
    const shijiazhuang = await h.user(await h.employee(1_000, { poolingRegion: '130100' }));
    expect(await h.ok('myPolicy', {}, shijiazhuang.token)).toMatchObject({
      poolingRegion: '130100',
      relativeScope: 'near',
      maxRelatives: 8,
      relationships: ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'],
    });
    await h.ok('setPolicy', { scope: '130200', relativeScope: 'close', consentFromAge: 16 }, h.adminKey);
    const tangshan = await h.user(await h.employee(1_000, { poolingRegion: '130200' }));
    expect(await h.ok('myPolicy', {}, tangshan.token)).toMatchObject({
      relativeScope: 'close',
      consentFromAge: 16,
      relationships: ['spouse', 'parent', 'child'],
    });
  });
});
