import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDFUNCTIONS_DIR, loadCloudFunctions } from '../../server/gateway/functions';
import type { Envelope } from '../../server/runtime/envelope';
import { useHarness } from '../backbone/fixtures';
import { ledgerMismatches } from '../support/harness';
import { eventSpecs, malformedEvent, type EventSpec } from './arbitraries';
import { buildFuzzWorld, changedTables, DbState, envelopeProblems, short, type FuzzWorld } from './world';

/**
 * SPEC 3.1 and 4, by fuzzing: every cloud function, called in-process exactly as the gateway
 * calls it and by a caller of the right kind (so that the event validation is reached, not just
 * the authentication), answers thousands of generated malformed events with an envelope that
 * carries a SPEC code and nothing internal, and a rejected call leaves every table as it was.
 *
 * FUZZ_RUNS sets the events per function (default: what fits CI in about a minute);
 * FUZZ_RUNS=10000 is the full run. FUZZ_SEED replays a run; FUZZ_SHRINK=1 shrinks a failure.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2_147_483_647;
const SHRINK = process.env.FUZZ_SHRINK === '1';

const FUNCTION_NAMES = readdirSync(CLOUDFUNCTIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const MAINS = await loadCloudFunctions();

function failureReport(name: string, details: fc.RunDetails<[unknown]>): string {
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `${name}: property failed after ${details.numRuns} events (FUZZ_SEED=${details.seed}, path ${details.counterexamplePath})`,
    `event: ${short(details.counterexample?.[0])}`,
    `cause: ${cause.length > 3_000 ? `${cause.slice(0, 3_000)}…` : cause}`,
  ].join('\n');
}

interface Stats {
  events: number;
  accepted: number;
  codes: Record<string, number>;
  ms: number;
}

describe('fuzzed malformed events, in-process on pglite', () => {
  const { h: harness } = useHarness('pglite');
  let world: FuzzWorld;
  let state: DbState;
  let specs: Record<string, EventSpec>;
  const stats: Record<string, Stats> = {};

  beforeAll(async () => {
    world = await buildFuzzWorld(harness());
    state = new DbState(harness().app.db);
    specs = eventSpecs(world.pools);
  });

  afterAll(() => {
    const lines = Object.entries(stats).map(([name, s]) => {
      const codes = Object.entries(s.codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
      return `  ${name.padEnd(20)} ${String(s.events).padStart(6)} events ${String(Math.round(s.ms)).padStart(6)} ms  accepted ${s.accepted}; ${codes}`;
    });
    const total = Object.values(stats).reduce((sum, s) => sum + s.events, 0);
    const ms = Object.values(stats).reduce((sum, s) => sum + s.ms, 0);
    console.info(`[fuzz] seed ${SEED}, ${RUNS} runs per function, ${total} events in ${Math.round(ms / 1000)} s, table checksums computed ${state.computed} times\n${lines.join('\n')}`);
  });

  it('describes the event of every cloud function in cloudfunctions/', () => {
    expect(FUNCTION_NAMES.filter((name) => !specs[name])).toEqual([]);
    expect(Object.keys(specs).filter((name) => !FUNCTION_NAMES.includes(name))).toEqual([]);
    expect(FUNCTION_NAMES.length).toBeGreaterThanOrEqual(22);
  });

  it.each(FUNCTION_NAMES)(
    '%s answers every malformed event with a SPEC envelope and writes nothing when it refuses',
    async (name) => {
      const h = harness();
      const main = MAINS.get(name);
      const spec = specs[name];
      if (!main || !spec) throw new Error(`no cloud function or event description for ${name}`);
      const s: Stats = { events: 0, accepted: 0, codes: {}, ms: 0 };
      stats[name] = s;
      const started = performance.now();
      let current = await state.snapshot();
      const details = await fc.check(
        fc.asyncProperty(malformedEvent(spec), async (event) => {
          s.events += 1;
          let envelope: Envelope;
          try {
            envelope = await main(event, { source: 'gateway', app: h.app, bearer: world.bearerFor(name, main.auth) });
          } catch (error) {
            throw new Error(`${name} threw instead of answering: ${String(error)}`);
          }
          const code = envelope.ok ? 'ok' : envelope.error.code;
          s.codes[code] = (s.codes[code] ?? 0) + 1;
          expect(envelopeProblems(envelope), short(envelope, 500)).toEqual([]);
          // An accepted logout ended the leaver's session: a new one, so that the next events still reach the validation.
          if (envelope.ok && name === 'logout') await world.renewLeaver();
          const after = await state.snapshot();
          if (envelope.ok) {
            s.accepted += 1;
          } else {
            // A wrong login code counts against that code (SPEC: a code dies after CODE_MAX_FAILURES).
            // Every staff lookup is on the audit trail, also one that finds nobody (SPEC 2.10).
            const allowed =
              envelope.error.code === 'INVALID_CODE' ? ['login_codes'] : name === 'staffLookup' && envelope.error.code === 'NOT_FOUND' ? ['audit_events'] : [];
            expect(changedTables(current, after).filter((t) => !allowed.includes(t)), `${code} wrote`).toEqual([]);
          }
          current = after;
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: !SHRINK },
      );
      if (details.failed) throw new Error(failureReport(name, details));
      s.ms = performance.now() - started;
      expect(s.events).toBeGreaterThanOrEqual(RUNS);
      expect(await ledgerMismatches(h.app)).toEqual([]);
    },
    60_000 + RUNS * 60,
  );

  it('logged no defect while fuzzing', () => {
    const h = harness();
    expect(h.log.filter((line) => line.includes('cloud function failed'))).toEqual([]);
    expect(Object.keys(stats).length).toBe(FUNCTION_NAMES.length);
  });
});
