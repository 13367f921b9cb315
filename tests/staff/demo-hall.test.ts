import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HALL, DEMO_PERSONS, DEMO_STAFF } from '../../server/demo/cast';
import { demoTotpNow, seedDemo, seedDemoStaff } from '../../server/demo/seed';
import { useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

/**
 * The service-hall demo (issue 9): the demo staff log in with the printed password and TOTP,
 * and a handler links 赵桂英 (no phone), confirms her daughter's request and binds the daughter
 * for her on the paper undertaking; the supervisor sees every step. PGlite, as `npm start` uses.
 */
describe('the service-hall demo on pglite', () => {
  const getDb = useTestDb('pglite');
  let h: Harness;
  const person = (key: string) => DEMO_PERSONS.find((p) => p.key === key)!;

  beforeAll(async () => {
    h = await Harness.create(getDb());
    await seedDemo(h.app);
    await seedDemoStaff(h.app);
    await seedDemoStaff(h.app); // a second start changes nothing
  });

  async function staffToken(username: string): Promise<string> {
    const staff = DEMO_STAFF.find((s) => s.username === username)!;
    h.clock.advance(30);
    const { token } = await h.ok('staffLogin', { username, password: staff.password, totp: demoTotpNow(h.app, staff.totpSecret) });
    return token;
  }

  it('has one demo staff member of each role, and the elder has no registry phone and no account', async () => {
    expect(DEMO_STAFF.map((s) => s.role).sort()).toEqual(['agent', 'handler', 'supervisor']);
    const [row] = await h.app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM staff');
    expect(Number(row?.n)).toBe(3);
    expect(person(DEMO_HALL.elder).phone).toBeUndefined();
  });

  it('walks the hall: look up, link, confirm the daughter\'s request, bind the daughter, audit', async () => {
    const elder = person(DEMO_HALL.elder);
    const daughter = person(DEMO_HALL.daughter);
    const agent = await staffToken('agent');
    const handler = await staffToken('handler');
    const supervisor = await staffToken('supervisor');
    const view = await h.ok('staffLookup', { idNumber: elder.idNumber, reason: '本人到厅办理家庭共济' }, agent);
    expect(view.user).toBeUndefined();
    const pending = view.asRelative.find((b: { status: string; sharer: { name: string } }) => b.status === 'pending');
    expect(pending).toBeDefined();
    const evidence = { kind: 'id_card', ref: '身份证原件已核验' };
    await h.ok('staffAct', { action: 'linkIdentity', personIdNumber: elder.idNumber, evidence, phone: '13800000031' }, handler);
    const confirmed = await h.ok('staffAct', { action: 'confirmBinding', personIdNumber: elder.idNumber, evidence, bindingId: pending.bindingId }, handler);
    expect(confirmed.binding.status).toBe('active');
    const bound = await h.ok(
      'staffAct',
      { action: 'bindRelative', personIdNumber: elder.idNumber, evidence: { kind: 'undertaking', ref: 'SJZ-2026-0001' }, name: daughter.name, idNumber: daughter.idNumber, relationship: 'child' },
      handler,
    );
    expect(bound.binding.status).toBe('pending');
    const audit = await h.ok('listAudit', { personIdNumber: elder.idNumber }, supervisor);
    expect(audit.items.map((i: { action: string }) => i.action).sort()).toEqual(['bindRelative', 'confirmBinding', 'linkIdentity', 'lookup']);
  });
});
