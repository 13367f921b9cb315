/**
 * 3. Settlement on embedded PGlite (in memory): the same population and workload as on
 * PostgreSQL, 16 concurrent callers (they queue on PGlite's single connection).
 */
import { openPglite } from '../server/db/pglite';
import { settle } from '../server/usecases/settle';
import { log, ms } from './lib/options';
import { waitForQuiet } from './lib/quiet';
import { leastDisturbed } from './lib/interference';
import { benchApp, insertInstitution, seedFamilies } from './lib/seed';
import { ledgerMismatches, settleLoad, settlementLedgerMismatches } from './lib/settle-workload';
import { round } from './lib/stats';

export async function benchSettlePglite(): Promise<Record<string, number>> {
  const opened = Date.now();
  const db = await openPglite();
  try {
    const app = await benchApp(db);
    const { relatives } = await seedFamilies(app, { sharers: 10_000, relatives: 10_000, perRelative: 2 });
    const { caller } = await insertInstitution(app);
    await db.exec('ANALYZE');
    log(`PGlite opened, migrated and seeded in ${Date.now() - opened} ms; 16 callers…`);
    await waitForQuiet('pglite');
    let attempt = 0;
    const disturbed = await leastDisturbed('pglite', () =>
      settleLoad(app, caller, relatives, settle, { workers: 16, warmupMs: ms(2_000), durationMs: ms(10_000), tag: `pglite-${attempt++}` }),
    );
    const load = disturbed.result;
    if (load.errors > 0) log(`pglite: ${load.errors} settlements failed, first: ${load.firstError}`);
    const single = await settleLoad(app, caller, relatives, settle, { workers: 1, warmupMs: ms(500), durationMs: ms(4_000), tag: 'pglite1' });
    return {
      settle_pglite_tps: round(load.rate),
      settle_pglite_p50_ms: round(load.latency.p50),
      settle_pglite_p99_ms: round(load.latency.p99),
      settle_pglite_errors: load.errors,
      settle_pglite_foreign_cores: round(disturbed.foreignCores),
      settle_pglite_single_caller_tps: round(single.rate),
      settle_pglite_single_caller_p99_ms: round(single.latency.p99),
      settle_pglite_ledger_mismatches: (await ledgerMismatches(app)) + (await settlementLedgerMismatches(app)),
    };
  } finally {
    await db.close();
  }
}
