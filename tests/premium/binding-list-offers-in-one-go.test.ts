import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../server/db/port';
import { bindingViews } from '../../server/usecases/bindings';
import { ADAPTERS } from '../support/adapters';
import { personId, useHarness } from '../backbone/fixtures';

describe.each(ADAPTERS)('代缴 offers on a list of bindings on %s (SPEC 2.12)', (adapter) => {
  const { skip, h } = useHarness(adapter);

  /** The sharer's views of their bindings, and how many statements they took. */
  async function counted(sharerId: string) {
    let statements = 0;
    const q: Queryable = {
      query: (sql, params) => {
        statements += 1;
        return h().app.db.query(sql, params);
      },
    };
    const views = await bindingViews(h().app, q, sharerId, 'b.sharer_id = $2', [sharerId]);
    return { views, statements };
  }

  it.skipIf(skip)('cost no query per binding, and each binding keeps its own offer: region, year, paid', async () => {
    h().clock.set('2026-10-08T02:00:00Z');
    await h().ok('setPolicy', { scope: '130200', premiumWindow: '10-15..02-28', residentPremiumFen: 38_000 }, h().adminKey);
    const sharerPerson = await h().employee(1_000_000, { birthDate: '1975-05-05' });
    const sharer = await h().user(sharerPerson);
    const sharerId = await personId(h(), sharerPerson);
    const mother = await h().person({ birthDate: '1950-05-05', male: false });
    const { bindingId: hers } = await h().bind(sharer, mother, 'parent');
    const one = await counted(sharerId);
    expect(one.views.map((view) => view.premium)).toEqual([{ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: false }]);

    const father = await h().person({ birthDate: '1948-03-03', poolingRegion: '130200' });
    const son = await h().person({ birthDate: '2005-06-06' });
    const spouse = await h().employee(1_000, { birthDate: '1976-04-04' });
    const { bindingId: his } = await h().bind(sharer, father, 'parent');
    const { bindingId: sons } = await h().bind(sharer, son, 'child');
    const { bindingId: spouses } = await h().bind(sharer, spouse, 'spouse');
    await h().ok('payPremium', { bindingId: hers, year: 2027 }, sharer.token);

    const four = await counted(sharerId);
    expect(four.statements).toBe(one.statements);
    const premiumOf = new Map(four.views.map((view) => [view.bindingId, view.premium]));
    expect(premiumOf.get(hers)).toEqual({ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: true });
    expect(premiumOf.get(his)).toEqual({ year: 2027, amountFen: 38_000, window: '10-15..02-28', open: false, paid: false });
    expect(premiumOf.get(sons)).toEqual({ year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: false });
    expect(premiumOf.has(spouses)).toBe(true);
    expect(premiumOf.get(spouses)).toBeUndefined(); // employee-insured: nothing to pay
  });
});
