import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { Envelope } from '../../../server/runtime/envelope';
import { maskIdNumber } from '../../../src/rules/mask';
import type { Harness } from '../../support/harness';
import { readCommitted, type CommittedEntry, type CommittedRefund, type CommittedSettlement } from './commitLog';
import type { AbstractOp, OpKind, PolicyPatch, QuotaChange, RebindAnswer } from './generator';
import { databaseInvariants } from './invariants';
import {
  cloneStructure,
  eligibleBindings,
  expectedRefund,
  expectedSettle,
  freeOf,
  totalBalance,
  type Money,
  type BindingState,
  type SettleKind,
  type SettlementState,
  type SettleOutcome,
  type Structure,
  type Totals,
} from './state';
import type { Group, Member, World } from './world';
import type { RefundData, SettleData } from '../../backbone/fixtures';

/**
 * Runs batches of operations concurrently through the real cloud functions and compares
 * everything that happened with the model.
 *
 * Within a batch the model cannot know the interleaving in advance, so it learns it
 * afterwards from the commit log (commitLog.ts) and replays the committed settlements,
 * refunds and top-ups in that order, predicting each answer exactly. The one thing a
 * settlement reads without a lock is the structure (bindings, sharer status, policy), read
 * before it locks the accounts; so the runner allows at most one structural change per group
 * and batch, and a settlement of that group must match the structure either before or after
 * that change.
 *
 * Quotas (SPEC 2.11) are money, not structure: held amounts and what is left of each quota
 * change under the sharer's account lock, and every change is a ledger entry (quota_hold,
 * quota_release, a mulaid_pay or refund with held_delta), so they are replayed in commit order
 * like balances. Only a binding's FIRST quota changes who may pay (the regions stop mattering):
 * it counts as the group's structural change of the batch. Raising or lowering a quota races
 * settlements, refunds and top-ups of the same sharer, but no structural change of its group.
 * A setQuota refused (below what the quota paid, above the free balance) writes nothing, so, like
 * a refused correction, it must have been refusable at some point of the batch's commit order.
 */
const KINDS: readonly SettleKind[] = ['outpatient', 'inpatient', 'pharmacy'];

interface RefundDone {
  institution: string;
  refundSerialNo: string;
  serialNo: string;
  amountFen: number;
  answer: RefundData;
}

type Concrete =
  | { kind: 'settle'; group: Group; patient: Member; institution: { code: string; key: string }; body: SettleBody; copies: number }
  | { kind: 'settleAgain'; original: SettlementState; body: SettleBody; conflict: boolean }
  | { kind: 'refund'; settlement: SettlementState; refundSerialNo: string; amount: bigint; copies: number }
  | { kind: 'refundAgain'; refund: RefundDone }
  | { kind: 'refundUnknown'; institution: { code: string; key: string }; serialNo: string; refundSerialNo: string }
  /** The operator's creditAccount: a contribution of `amount`, or a correction of it (refused when the balance is lower). */
  | { kind: 'topUp'; group: Group; member: Member; credit: 'contribution' | 'correction'; amount: number; creditId: string }
  | { kind: 'unbind'; group: Group; binding: BindingState; by: Member }
  | { kind: 'rebind'; group: Group; sharer: Member; patient: Member; answer: RebindAnswer }
  | { kind: 'policy'; group: Group; patch: PolicyPatch }
  /** setQuota by the binding's sharer; `first`: the binding had no quota (a structural change: it may then pay across regions). */
  | { kind: 'setQuota'; group: Group; binding: BindingState; amount: bigint; first: boolean; change: QuotaChange }
  | { kind: 'status'; group: Group; sharer: Member; active: boolean };

interface SettleBody {
  serialNo: string;
  patientIdNumber: string;
  kind: SettleKind;
  amountFen: number;
}

export class ModelViolation extends Error {}

export interface RunStats {
  batches: number;
  /** Operations run, by kind (a duplicate delivery counts once here, see `deliveries`). */
  ops: Record<OpKind, number>;
  /** Operations the resolver skipped (nothing to pick, or a second structural change in a group). */
  skipped: number;
  /** Calls made to the cloud functions. */
  deliveries: number;
  outcomes: Record<string, number>;
  /** Individual comparisons between the system and the model that held. */
  checks: number;
  /** Full database sweeps (invariants.ts) that found nothing. */
  sweeps: number;
  /** Seconds spent inside the batches' calls (excluding checks). */
  callSeconds: number;
}

export function emptyStats(): RunStats {
  return {
    batches: 0,
    ops: { settle: 0, settleAgain: 0, refund: 0, refundAgain: 0, refundUnknown: 0, topUp: 0, unbind: 0, rebind: 0, policy: 0, setQuota: 0, status: 0 },
    skipped: 0,
    deliveries: 0,
    outcomes: {},
    checks: 0,
    sweeps: 0,
    callSeconds: 0,
  };
}

export function mergeStats(into: RunStats, from: RunStats): void {
  into.batches += from.batches;
  for (const k of Object.keys(into.ops) as OpKind[]) into.ops[k] += from.ops[k];
  into.skipped += from.skipped;
  into.deliveries += from.deliveries;
  for (const [k, v] of Object.entries(from.outcomes)) into.outcomes[k] = (into.outcomes[k] ?? 0) + v;
  into.checks += from.checks;
  into.sweeps += from.sweeps;
  into.callSeconds += from.callSeconds;
}

function fen(value: bigint | number): string {
  return `${value}`;
}

function isStructural(op: Concrete): op is Extract<Concrete, { kind: 'unbind' | 'rebind' | 'policy' | 'status' }> {
  return op.kind === 'unbind' || op.kind === 'rebind' || op.kind === 'policy' || op.kind === 'status';
}

export class ModelRunner {
  readonly stats = emptyStats();
  private structure: Structure;
  private readonly balances: Map<string, bigint>;
  private readonly totals: Totals;
  private readonly settlements: SettlementState[] = [];
  private readonly settlementByKey = new Map<string, SettlementState>();
  private readonly settlementById = new Map<string, SettlementState>();
  private readonly refunds: RefundDone[] = [];
  /** Each account's balance as its ledger entries say, replayed in commit order. */
  private readonly ledgerBalance = new Map<string, bigint>();
  private readonly ledgerTotals: Totals;
  /** What each account holds for quotas (SPEC 2.11), and each live quota: its total and what is left. */
  private readonly held = new Map<string, bigint>();
  private readonly quotaFen = new Map<string, bigint>();
  private readonly quotaLeft = new Map<string, bigint>();
  private readonly money: Money;
  /** Each account's held amount as its ledger entries say (Σ held_delta). */
  private readonly ledgerHeld = new Map<string, bigint>();
  private lastSeq = 0n;
  /** Bindings that ended, with nothing more to decide: kept out of the structure (which stays small). */
  /** Bindings that ended (unbound) or never began (declined), with that status: out of the structure, still checked by the sweep. */
  private readonly endedBindings = new Map<string, 'unbound' | 'declined'>();
  private readonly serials = new Map<string, number>();
  private refundSerial = 0;
  private violations: string[] = [];
  private batchLabel = '';

  constructor(
    private readonly h: Harness,
    private readonly world: World,
    private readonly options: { tag: string; sweepEvery: number; seed: number },
  ) {
    this.structure = cloneStructure(world.structure);
    this.balances = new Map(world.balances);
    this.totals = { ...world.totals };
    this.ledgerTotals = { opening: 0n, credit: 0n, correction: 0n, self_pay: 0n, mulaid_pay: 0n, refund: 0n };
    this.money = { balances: this.balances, held: this.held, quotaLeft: this.quotaLeft };
  }

  private check(condition: boolean, message: () => string): boolean {
    if (condition) this.stats.checks += 1;
    else this.violations.push(`${this.batchLabel}: ${message()}`);
    return condition;
  }

  private outcome(name: string): void {
    this.stats.outcomes[name] = (this.stats.outcomes[name] ?? 0) + 1;
  }

  private throwIfViolated(): void {
    if (this.violations.length === 0) return;
    const shown = this.violations.slice(0, 12);
    const more = this.violations.length - shown.length;
    throw new ModelViolation(`${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`);
  }

  /** Reads the set-up's ledger entries, so later batches start from the ledger's own balances. */
  async start(): Promise<void> {
    this.batchLabel = 'set-up';
    const committed = await readCommitted(this.h.app.db, 0n);
    this.replayLedger(committed.entries, new Map());
    this.lastSeq = committed.lastSeq;
    for (const [personId, balance] of this.balances) {
      this.check((this.ledgerBalance.get(personId) ?? 0n) === balance, () => `opening of ${personId}: ledger ${this.ledgerBalance.get(personId)} ≠ ${balance}`);
    }
    await this.compareBalances();
    this.throwIfViolated();
  }

  // ---------------------------------------------------------------- resolution

  private nextSerial(institution: string): string {
    const n = (this.serials.get(institution) ?? 0) + 1;
    this.serials.set(institution, n);
    // The same serial strings at every institution: each institution has its own namespace.
    return `${this.options.tag}-${n}`;
  }

  private resolve(ops: AbstractOp[]): Concrete[] {
    const out: Concrete[] = [];
    const structuralGroups = new Set<number>();
    // Groups where a quota is raised or lowered in this batch (no structural change there), and the bindings concerned.
    const quotaGroups = new Set<number>();
    const quotaBindings = new Set<string>();
    const busy = (g: number) => structuralGroups.has(g) || quotaGroups.has(g);
    const registryPersons = new Set<string>();
    const groups = this.world.groups;
    const groupOf = (n: number): Group => groups[n % groups.length]!;
    for (const op of ops) {
      let concrete: Concrete | undefined;
      switch (op.kind) {
        case 'settle': {
          const group = groupOf(op.group);
          const patient = group.patients[op.patient % group.patients.length]!;
          const institution = this.world.institutions[op.institution % this.world.institutions.length]!;
          let amount: number;
          if (op.amount.mode === 'random') amount = op.amount.value;
          else {
            // A bill of exactly what the accounts hold (±1 fen): the boundary of every rule.
            const sharer = group.sharers[op.amount.sharer % group.sharers.length]!;
            const own = patient.hasAccount ? (this.balances.get(patient.personId) ?? 0n) : 0n;
            amount = Math.max(1, Number((this.balances.get(sharer.personId) ?? 0n) + own) + op.amount.delta);
          }
          concrete = {
            kind: 'settle',
            group,
            patient,
            institution,
            body: { serialNo: this.nextSerial(institution.code), patientIdNumber: patient.idNumber, kind: KINDS[op.billKind % 3]!, amountFen: amount },
            copies: op.copies,
          };
          break;
        }
        case 'settleAgain': {
          if (this.settlements.length === 0) break;
          const original = this.settlements[op.pick % this.settlements.length]!;
          const patient = this.world.persons.get(original.patientId)!;
          const body = { serialNo: original.serialNo, patientIdNumber: patient.idNumber, kind: original.kind, amountFen: original.amountFen + (op.conflict ? 1 : 0) };
          concrete = { kind: 'settleAgain', original, body, conflict: op.conflict };
          break;
        }
        case 'refund': {
          if (this.settlements.length === 0) break;
          // Mostly bills with something left to refund (recent ones first); 'over' asks for more than is left.
          const open = this.openSettlements();
          const pool = open.length > 0 && op.portion !== 'over' ? open : this.settlements;
          const recent = Math.min(pool.length, 200);
          const settlement = pool[pool.length - 1 - (op.pick % recent)]!;
          const left = settlement.mulaidLeft + settlement.selfLeft;
          let amount: bigint;
          if (op.portion === 'over' || left === 0n) amount = left + BigInt(op.percent);
          else if (op.portion === 'rest') amount = left;
          else amount = (left * BigInt(op.percent)) / 100n > 0n ? (left * BigInt(op.percent)) / 100n : 1n;
          concrete = { kind: 'refund', settlement, refundSerialNo: `${this.options.tag}-R${++this.refundSerial}`, amount, copies: op.copies };
          break;
        }
        case 'refundAgain': {
          if (this.refunds.length === 0) break;
          concrete = { kind: 'refundAgain', refund: this.refunds[op.pick % this.refunds.length]! };
          break;
        }
        case 'refundUnknown': {
          const institution = this.world.institutions[op.institution % this.world.institutions.length]!;
          concrete = { kind: 'refundUnknown', institution, serialNo: `${this.options.tag}-NONE`, refundSerialNo: `${this.options.tag}-R${++this.refundSerial}` };
          break;
        }
        case 'topUp': {
          const group = groupOf(op.group);
          const accounts = [...group.sharers, ...group.patients.filter((p) => p.hasAccount)];
          const member = accounts[op.who % accounts.length]!;
          if (registryPersons.has(member.personId)) break;
          registryPersons.add(member.personId);
          // A target of the generator becomes a contribution; one in three (and every zero) a correction.
          const correction = op.target % 3 === 0;
          concrete = {
            kind: 'topUp',
            group,
            member,
            credit: correction ? 'correction' : 'contribution',
            amount: correction ? 1 + (op.target % 40_000) : op.target,
            creditId: `${this.options.tag}-C${++this.refundSerial}`,
          };
          break;
        }
        case 'unbind': {
          const group = groupOf(op.group);
          if (busy(group.index)) break;
          const active = this.groupBindings(group).filter((b) => b.status === 'active');
          if (active.length === 0) break;
          const binding = active[op.pick % active.length]!;
          const by = this.world.persons.get(op.byRelative ? binding.patientId : binding.sharerId)!;
          concrete = { kind: 'unbind', group, binding, by };
          break;
        }
        case 'rebind': {
          const group = groupOf(op.group);
          if (busy(group.index)) break;
          const live = new Set(this.groupBindings(group).filter((b) => b.status === 'active').map((b) => `${b.sharerId}:${b.patientId}`));
          const free = group.sharers.flatMap((s) => group.patients.filter((p) => !live.has(`${s.personId}:${p.personId}`)).map((p) => ({ s, p })));
          if (free.length === 0) break;
          // Mostly pairs that can be bound again; now and then one the policy or status refuses.
          const bindable = free.filter((f) => this.expectedBind(this.structure, f.s, f.p, group) === 'ok');
          const pool = bindable.length > 0 && op.pick % 4 !== 0 ? bindable : free;
          const pair = pool[Math.floor(op.pick / 4) % pool.length]!;
          // At most one pair of a family is ever refused as "not my relative" (blocked for the rest of
          // the run): a long soak must not end with families that can no longer be bound.
          const groupBlocked = group.sharers.some((sh) => group.patients.some((p) => this.structure.blocked.has(`${sh.personId}:${p.personId}`)));
          const answer = op.answer === 'notMine' && groupBlocked ? 'decline' : op.answer;
          concrete = { kind: 'rebind', group, sharer: pair.s, patient: pair.p, answer };
          break;
        }
        case 'policy': {
          const group = groupOf(op.group);
          if (busy(group.index)) break;
          concrete = { kind: 'policy', group, patch: op.patch };
          break;
        }
        case 'setQuota': {
          const group = groupOf(op.group);
          if (structuralGroups.has(group.index)) break;
          const active = this.groupBindings(group).filter((b) => b.status === 'active' && !quotaBindings.has(b.bindingId));
          if (active.length === 0) break;
          // Mostly bindings that already have a quota (raised, lowered, paying); one in four gets a first quota.
          const withQuota = active.filter((b) => this.quotaLeft.has(b.bindingId));
          const pool = withQuota.length > 0 && op.pick % 4 !== 0 ? withQuota : active;
          const binding = pool[Math.floor(op.pick / 4) % pool.length]!;
          const free = freeOf(this.money, binding.sharerId);
          const left = this.quotaLeft.get(binding.bindingId);
          if (left === undefined) {
            // A first quota changes who may pay (the regions no longer matter): one such change per group and batch.
            if (quotaGroups.has(group.index)) break;
            const amount = op.change === 'overFree' ? free + 1n + BigInt(op.value) : BigInt(op.value * 1_000);
            concrete = { kind: 'setQuota', group, binding, amount, first: true, change: op.change };
            structuralGroups.add(group.index);
          } else {
            const quota = this.quotaFen.get(binding.bindingId)!;
            const spent = quota - left;
            const pct = (x: bigint) => (x * BigInt(op.percent)) / 100n;
            const amount =
              op.change === 'raise'
                ? quota + pct(free > 0n ? free : 0n)
                : op.change === 'lower'
                  ? spent + pct(left)
                  : op.change === 'belowPaid' && spent > 0n
                    ? spent - 1n
                    : op.change === 'overFree'
                      ? quota + (free > 0n ? free : 0n) + 1n + BigInt(op.value)
                      : quota;
            concrete = { kind: 'setQuota', group, binding, amount, first: false, change: op.change };
            quotaGroups.add(group.index);
          }
          quotaBindings.add(binding.bindingId);
          break;
        }
        case 'status': {
          const group = groupOf(op.group);
          const sharer = group.sharers[op.sharer % group.sharers.length]!;
          if (busy(group.index) || registryPersons.has(sharer.personId)) break;
          registryPersons.add(sharer.personId);
          concrete = { kind: 'status', group, sharer, active: op.active };
          break;
        }
      }
      if (!concrete) {
        this.stats.skipped += 1;
        continue;
      }
      if (isStructural(concrete)) structuralGroups.add(concrete.group.index);
      this.stats.ops[concrete.kind] += 1;
      out.push(concrete);
    }
    return out;
  }

  /** The most recent settlements that still have something to refund (a bounded look back). */
  private openSettlements(): SettlementState[] {
    const out: SettlementState[] = [];
    for (let i = this.settlements.length - 1; i >= 0 && out.length < 200 && i >= this.settlements.length - 2_000; i -= 1) {
      const s = this.settlements[i]!;
      if (s.mulaidLeft + s.selfLeft > 0n) out.unshift(s);
    }
    return out;
  }

  private groupBindings(group: Group): BindingState[] {
    const ids = new Set(group.patients.map((p) => p.personId));
    return [...this.structure.bindings.values()].filter((b) => ids.has(b.patientId));
  }

  // ---------------------------------------------------------------- execution

  private deliveries(op: Concrete): Array<() => Promise<Envelope<any>>> {
    const h = this.h;
    const times = <T>(n: number, f: () => Promise<Envelope<T>>) => Array.from({ length: n }, () => f);
    switch (op.kind) {
      case 'settle':
        return times(op.copies, () => h.call('settle', op.body, op.institution.key));
      case 'settleAgain':
        return [() => h.call('settle', op.body, this.keyOf(op.original.institution))];
      case 'refund':
        return times(op.copies, () =>
          h.call(
            'refund',
            { serialNo: op.settlement.serialNo, refundSerialNo: op.refundSerialNo, amountFen: Number(op.amount) },
            this.keyOf(op.settlement.institution),
          ),
        );
      case 'refundAgain':
        return [
          () =>
            h.call(
              'refund',
              { serialNo: op.refund.serialNo, refundSerialNo: op.refund.refundSerialNo, amountFen: op.refund.amountFen },
              this.keyOf(op.refund.institution),
            ),
        ];
      case 'refundUnknown':
        return [() => h.call('refund', { serialNo: op.serialNo, refundSerialNo: op.refundSerialNo, amountFen: 100 }, op.institution.key)];
      case 'topUp':
        return [
          () => h.call('creditAccount', { creditId: op.creditId, idNumber: op.member.idNumber, amountFen: op.amount, kind: op.credit }, h.adminKey),
        ];
      case 'unbind':
        return [() => h.call('unbindRelative', { bindingId: op.binding.bindingId }, op.by.user.token)];
      case 'rebind':
        // The sharer asks, and the patient (an adult: consent from 16, SPEC 2.6) answers at once:
        // confirms, or declines (as "not my relative" too). A settlement racing the two sees the
        // binding absent, pending (the same: it pays nothing) or active.
        return [
          async () => {
            const asked = await h.call<{ binding: { bindingId: string; status: string } }>(
              'bindRelative',
              { name: op.patient.name, idNumber: op.patient.idNumber, relationship: op.group.relationship(op.sharer, op.patient), acceptUndertaking: true },
              op.sharer.user.token,
            );
            if (!asked.ok || asked.data.binding.status !== 'pending') return asked;
            const bindingId = asked.data.binding.bindingId;
            if (op.answer === 'confirm') return h.call('confirmBinding', { bindingId }, op.patient.user.token);
            return h.call('declineBinding', { bindingId, notMyRelative: op.answer === 'notMine' }, op.patient.user.token);
          },
        ];
      case 'setQuota':
        return [
          () =>
            h.call('setQuota', { bindingId: op.binding.bindingId, amountFen: Number(op.amount) }, this.world.persons.get(op.binding.sharerId)!.user.token),
        ];
      case 'policy':
        return [() => h.call('setPolicy', { scope: op.group.province, ...op.patch }, h.adminKey)];
      case 'status':
        return [() => h.call('upsertPersons', { persons: [{ ...this.registryRow(op.sharer), status: op.active ? 'active' : 'suspended' }] }, h.adminKey)];
    }
  }

  private registryRow(member: Member) {
    const active = this.structure.sharerActive.get(member.personId) ?? true;
    return {
      idNumber: member.idNumber,
      name: member.name,
      insuranceType: member.hasAccount ? 'employee' : 'resident',
      status: active ? 'active' : 'suspended',
      poolingRegion: member.region,
    };
  }

  private keyOf(code: string): string {
    const institution = this.world.institutions.find((i) => i.code === code);
    if (!institution) throw new Error(`unknown institution ${code}`);
    return institution.key;
  }

  /** Runs one batch: resolve, fire every delivery at once, then check it all. */
  async runBatch(abstract: AbstractOp[], index: number): Promise<void> {
    this.batchLabel = `batch ${index}`;
    this.h.clock.advance(1);
    const ops = this.resolve(abstract);
    const calls: Array<{ op: number; call: () => Promise<Envelope<any>> }> = [];
    ops.forEach((op, i) => this.deliveries(op).forEach((call) => calls.push({ op: i, call })));
    // Interleave the deliveries (duplicates apart from each other), deterministically.
    let state = (this.options.seed ^ (index * 0x9e3779b1)) >>> 0;
    for (let i = calls.length - 1; i > 0; i -= 1) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const j = state % (i + 1);
      [calls[i], calls[j]] = [calls[j]!, calls[i]!];
    }
    const started = performance.now();
    const envelopes = await Promise.all(calls.map((c) => c.call()));
    this.stats.callSeconds += (performance.now() - started) / 1000;
    this.stats.deliveries += calls.length;
    const answers: Array<Array<Envelope<any>>> = ops.map(() => []);
    calls.forEach((c, i) => answers[c.op]!.push(envelopes[i]!));

    await this.checkBatch(ops, answers);
    this.stats.batches += 1;
    if (this.options.sweepEvery > 0 && this.stats.batches % this.options.sweepEvery === 0) await this.sweep();
    this.throwIfViolated();
  }

  // ---------------------------------------------------------------- checking

  private async checkBatch(ops: Concrete[], answers: Array<Array<Envelope<any>>>): Promise<void> {
    const before = this.structure;
    const after = cloneStructure(before);
    const changedGroups = new Set<number>();

    // Structural changes and top-ups: exact answers, and the structure after the batch.
    ops.forEach((op, i) => {
      const [envelope] = answers[i]!;
      if (!envelope) return;
      switch (op.kind) {
        case 'unbind': {
          changedGroups.add(op.group.index);
          if (this.check(envelope.ok && envelope.data.binding?.status === 'unbound', () => `unbind ${op.binding.bindingId}: ${JSON.stringify(envelope)}`)) {
            after.bindings.get(op.binding.bindingId)!.status = 'unbound';
            this.outcome(op.by.personId === op.binding.sharerId ? 'unbind by sharer' : 'unbind by relative');
          }
          break;
        }
        case 'rebind': {
          changedGroups.add(op.group.index);
          const expected = this.expectedBind(before, op.sharer, op.patient, op.group);
          if (expected === 'ok') {
            const status = op.answer === 'confirm' ? 'active' : 'declined';
            if (this.check(envelope.ok && envelope.data.binding?.status === status, () => `rebind ${op.sharer.name}→${op.patient.name} (${op.answer}): expected ${status}, got ${JSON.stringify(envelope)}`) && envelope.ok) {
              const b = envelope.data.binding as { bindingId: string; createdAt: string };
              after.bindings.set(b.bindingId, {
                bindingId: b.bindingId,
                sharerId: op.sharer.personId,
                patientId: op.patient.personId,
                relationship: op.group.relationship(op.sharer, op.patient),
                status,
                createdAt: Date.parse(b.createdAt),
              });
              if (op.answer === 'notMine') after.blocked.add(`${op.sharer.personId}:${op.patient.personId}`);
              this.outcome(op.answer === 'confirm' ? 'rebind ok' : `rebind ${op.answer === 'notMine' ? 'refused as not my relative' : 'declined'}`);
            }
          } else {
            this.check(!envelope.ok && envelope.error.code === expected, () => `rebind ${op.sharer.name}→${op.patient.name}: expected ${expected}, got ${JSON.stringify(envelope)}`);
            this.outcome(`rebind refused ${expected}`);
          }
          break;
        }
        case 'policy': {
          changedGroups.add(op.group.index);
          if (this.check(envelope.ok, () => `setPolicy ${op.group.province}: ${JSON.stringify(envelope)}`)) {
            after.policies.set(op.group.province, { ...(after.policies.get(op.group.province) ?? before.policies.get(op.group.province)!), ...op.patch });
          }
          break;
        }
        case 'status': {
          changedGroups.add(op.group.index);
          if (this.check(envelope.ok, () => `status of ${op.sharer.name}: ${JSON.stringify(envelope)}`)) after.sharerActive.set(op.sharer.personId, op.active);
          break;
        }
        case 'setQuota': {
          if (envelope.ok) {
            this.check(
              envelope.data.binding?.quotaFen === Number(op.amount),
              () => `setQuota ${op.binding.bindingId} to ${op.amount}: ${JSON.stringify(envelope)}`,
            );
            if (op.first) {
              changedGroups.add(op.group.index);
              after.bindings.get(op.binding.bindingId)!.hasQuota = true;
            }
          } else {
            this.check(
              (envelope.error.code === 'INVALID_INPUT' || envelope.error.code === 'QUOTA_EXCEEDS_BALANCE') && envelope.error.field === 'amountFen',
              () => `setQuota ${op.binding.bindingId} to ${op.amount}: ${JSON.stringify(envelope)}`,
            );
          }
          break;
        }
        case 'topUp':
          this.check(
            envelope.ok || (op.credit === 'correction' && envelope.error.code === 'INVALID_INPUT' && envelope.error.field === 'amountFen'),
            () => `${op.credit} of ${op.member.name}: ${JSON.stringify(envelope)}`,
          );
          break;
        default:
          break;
      }
    });

    const committed = await readCommitted(this.h.app.db, this.lastSeq);
    this.lastSeq = committed.lastSeq;

    // Every committed row belongs to a request of this batch.
    const settleOps = new Map<string, Extract<Concrete, { kind: 'settle' }>>();
    const refundOps = new Map<string, Extract<Concrete, { kind: 'refund' }>>();
    const topUps = new Map<string, Extract<Concrete, { kind: 'topUp' }>>();
    /** By binding: the setQuota or the unbind that may hold or release its quota. */
    const quotaOps = new Map<string, Extract<Concrete, { kind: 'setQuota' | 'unbind' }>>();
    const unbinding = new Set<string>();
    ops.forEach((op, i) => {
      if (op.kind === 'setQuota') quotaOps.set(op.binding.bindingId, op);
      if (op.kind === 'unbind' && answers[i]![0]?.ok) {
        quotaOps.set(op.binding.bindingId, op);
        unbinding.add(op.binding.bindingId);
      }
      if (op.kind === 'settle') settleOps.set(`${op.institution.code}|${op.body.serialNo}`, op);
      if (op.kind === 'refund') refundOps.set(`${op.settlement.institution}|${op.refundSerialNo}`, op);
      if (op.kind === 'topUp') topUps.set(op.member.personId, op);
    });
    const settlementRows = new Map<string, CommittedSettlement>();
    for (const row of committed.settlements) {
      const key = `${row.institution_code}|${row.serial_no}`;
      this.check(settleOps.has(key) && !settlementRows.has(key), () => `a settlement for ${key} that no new request of this batch asked for (or twice): one bill settled twice?`);
      settlementRows.set(key, row);
    }
    const refundRows = new Map<string, CommittedRefund>();
    for (const row of committed.refunds) {
      const key = `${row.institution_code}|${row.refund_serial_no}`;
      this.check(refundOps.has(key) && !refundRows.has(key), () => `a refund ${key} that no new request of this batch asked for (or twice)`);
      refundRows.set(key, row);
    }
    const entriesBySettlement = new Map<string, CommittedEntry[]>();
    const entriesByRefund = new Map<string, CommittedEntry[]>();
    const topUpEntries = new Map<string, CommittedEntry>();
    const quotaEntries = new Map<string, CommittedEntry>();
    const newSettlementIds = new Set(committed.settlements.map((s) => s.settlement_id));
    for (const entry of committed.entries) {
      if (entry.kind === 'self_pay' || entry.kind === 'mulaid_pay') {
        this.check(entry.settlement_id !== null && newSettlementIds.has(entry.settlement_id), () => `debit ${entry.entry_id} for settlement ${entry.settlement_id}, not one settled in this batch: money moved twice?`);
        entriesBySettlement.set(entry.settlement_id!, [...(entriesBySettlement.get(entry.settlement_id!) ?? []), entry]);
      } else if (entry.kind === 'refund') {
        entriesByRefund.set(entry.refund_id!, [...(entriesByRefund.get(entry.refund_id!) ?? []), entry]);
      } else if (entry.kind === 'quota_hold' || entry.kind === 'quota_release') {
        const op = quotaOps.get(entry.binding_id ?? '');
        this.check(
          op !== undefined && entry.delta_fen === 0n && !quotaEntries.has(entry.binding_id!) && entry.person_id === op.binding.sharerId,
          () => `a ${entry.kind} entry of ${entry.held_delta_fen} on binding ${entry.binding_id} without a setQuota or unbind asking for it (or twice)`,
        );
        if (entry.binding_id) quotaEntries.set(entry.binding_id, entry);
      } else {
        this.check(topUps.has(entry.person_id) && !topUpEntries.has(entry.person_id), () => `a ${entry.kind} entry on ${entry.person_id} without a creditAccount asking for it`);
        topUpEntries.set(entry.person_id, entry);
      }
    }

    // Replay in commit order.
    type Event =
      | { seq: bigint; kind: 'settle'; row: CommittedSettlement; op: Extract<Concrete, { kind: 'settle' }> }
      | { seq: bigint; kind: 'refund'; row: CommittedRefund; op: Extract<Concrete, { kind: 'refund' }> }
      | { seq: bigint; kind: 'topUp'; entry: CommittedEntry; op: Extract<Concrete, { kind: 'topUp' }> }
      | { seq: bigint; kind: 'quota'; entry: CommittedEntry; op: Extract<Concrete, { kind: 'setQuota' | 'unbind' }> };
    const events: Event[] = [];
    for (const [key, row] of settlementRows) {
      const op = settleOps.get(key);
      if (op) events.push({ seq: row.seq, kind: 'settle', row, op });
    }
    for (const [key, row] of refundRows) {
      const op = refundOps.get(key);
      if (op) events.push({ seq: row.seq, kind: 'refund', row, op });
    }
    for (const [personId, entry] of topUpEntries) {
      const op = topUps.get(personId);
      if (op) events.push({ seq: entry.seq, kind: 'topUp', entry, op });
    }
    for (const [bindingId, entry] of quotaEntries) {
      const op = quotaOps.get(bindingId);
      if (op) events.push({ seq: entry.seq, kind: 'quota', entry, op });
    }
    events.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));

    // Each account's FREE balance along the batch (corrections and new quotas may take only that).
    const trajectory = new Map<string, bigint[]>();
    const move = (personId: string, delta: bigint, heldDelta = 0n) => {
      const freeBefore = freeOf(this.money, personId);
      const next = (this.balances.get(personId) ?? 0n) + delta;
      const held = (this.held.get(personId) ?? 0n) + heldDelta;
      this.balances.set(personId, next);
      this.held.set(personId, held);
      trajectory.set(personId, [...(trajectory.get(personId) ?? [freeBefore]), next - held]);
      this.check(next >= held && held >= 0n, () => `the model's account ${personId} broke balance ≥ held ≥ 0 (${next}, held ${held})`);
    };
    const shiftQuota = (bindingId: string, delta: bigint) => {
      const left = (this.quotaLeft.get(bindingId) ?? 0n) + delta;
      this.check(left >= 0n, () => `the model's quota of ${bindingId} went below zero (${left})`);
      this.quotaLeft.set(bindingId, left);
    };
    // What each setQuota of the batch faced at every point of the commit order: spent, left, free balance.
    const setQuotaOps = ops.filter((op): op is Extract<Concrete, { kind: 'setQuota' }> => op.kind === 'setQuota');
    const quotaPaths = new Map<string, Array<{ spent: bigint; left: bigint; free: bigint }>>();
    const snapshot = () => {
      for (const op of setQuotaOps) {
        const left = this.quotaLeft.get(op.binding.bindingId) ?? 0n;
        const point = { spent: (this.quotaFen.get(op.binding.bindingId) ?? 0n) - left, left, free: freeOf(this.money, op.binding.sharerId) };
        quotaPaths.set(op.binding.bindingId, [...(quotaPaths.get(op.binding.bindingId) ?? []), point]);
      }
    };
    snapshot();
    const released = new Set<string>();
    const structuresFor = (group: number): Structure[] => (changedGroups.has(group) ? [before, after] : [before]);

    for (const event of events) {
      if (event.kind === 'quota') this.replayQuota(event.entry, event.op, move, released);
      else if (event.kind === 'settle') {
        const { row, op } = event;
        const amount = BigInt(op.body.amountFen);
        const candidates = structuresFor(op.group.index).map((s) => expectedSettle(s, this.world.persons, this.money, op.patient.personId, amount));
        const matches = (e: SettleOutcome) =>
          e.selfPay === row.self_pay_fen &&
          e.mulaidPay === row.mulaid_pay_fen &&
          e.cashPay === row.cash_pay_fen &&
          e.failure === row.mulaid_failure &&
          (e.payer?.bindingId ?? null) === row.binding_id &&
          e.source === row.mulaid_source &&
          (e.payer?.sharerId ?? null) === row.sharer_id;
        const match = candidates.find(matches);
        this.check(match !== undefined, () => {
          const pool = eligibleBindings(before, this.world.persons, op.patient.personId).map(
            (b) => `${b.sharerId.slice(0, 8)}=${freeOf(this.money, b.sharerId)}${this.quotaLeft.has(b.bindingId) ? `/quota ${this.quotaLeft.get(b.bindingId)}` : ''}`,
          );
          return (
            `settlement ${row.serial_no} (${fen(amount)} fen for ${op.patient.name}, own ${this.balances.get(op.patient.personId) ?? '-'}): ` +
            `system self=${row.self_pay_fen} mulaid=${row.mulaid_pay_fen} cash=${row.cash_pay_fen} failure=${row.mulaid_failure} sharer=${row.sharer_id}; ` +
            `model ${candidates.map((c) => `self=${c.selfPay} mulaid=${c.mulaidPay} failure=${c.failure} sharer=${c.payer?.sharerId ?? null} source=${c.source}`).join(' or ')}; eligible before: ${pool.join(', ')}`
          );
        });
        if (row.self_pay_fen > 0n) move(op.patient.personId, -row.self_pay_fen);
        const fromQuota = row.mulaid_source === 'quota';
        if (row.mulaid_pay_fen > 0n && row.sharer_id) move(row.sharer_id, -row.mulaid_pay_fen, fromQuota ? -row.mulaid_pay_fen : 0n);
        if (row.mulaid_pay_fen > 0n && fromQuota && row.binding_id) shiftQuota(row.binding_id, -row.mulaid_pay_fen);
        if (row.mulaid_pay_fen > 0n) this.outcome(fromQuota ? 'settle: paid from a quota' : 'settle: paid from a free balance');
        this.totals.self_pay += row.self_pay_fen;
        this.totals.mulaid_pay += row.mulaid_pay_fen;
        this.outcome(
          row.mulaid_failure === 'NO_SHARER'
            ? 'settle: no sharer'
            : row.mulaid_failure === 'INSUFFICIENT_BALANCE'
              ? 'settle: insufficient balance'
              : row.mulaid_pay_fen > 0n
                ? row.cash_pay_fen > 0n
                  ? 'settle: partial mutual aid'
                  : 'settle: paid by mutual aid'
                : 'settle: own account only',
        );
        // The settlement's debits: exactly the ones its answer promises.
        const entries = entriesBySettlement.get(row.settlement_id) ?? [];
        const self = entries.filter((e) => e.kind === 'self_pay');
        const mulaid = entries.filter((e) => e.kind === 'mulaid_pay');
        this.check(
          self.length === (row.self_pay_fen > 0n ? 1 : 0) && (self[0] === undefined || (self[0].delta_fen === -row.self_pay_fen && self[0].person_id === row.patient_id)),
          () => `settlement ${row.serial_no}: own-account debits ${JSON.stringify(self, jsonBig)} for ${row.self_pay_fen}`,
        );
        this.check(
          mulaid.length === (row.mulaid_pay_fen > 0n ? 1 : 0) &&
            (mulaid[0] === undefined ||
              (mulaid[0].delta_fen === -row.mulaid_pay_fen &&
                mulaid[0].person_id === row.sharer_id &&
                mulaid[0].entry_id === row.mulaid_entry_id &&
                mulaid[0].held_delta_fen === (fromQuota ? -row.mulaid_pay_fen : 0n))),
          () => `settlement ${row.serial_no}: mutual-aid debits ${JSON.stringify(mulaid, jsonBig)} for ${row.mulaid_pay_fen}`,
        );
        const state: SettlementState = {
          settlementId: row.settlement_id,
          institution: row.institution_code,
          serialNo: row.serial_no,
          patientId: row.patient_id,
          kind: op.body.kind,
          amountFen: op.body.amountFen,
          sharerId: row.sharer_id,
          bindingId: row.binding_id,
          fromQuota,
          mulaidLeft: row.mulaid_pay_fen,
          selfLeft: row.self_pay_fen,
          answer: undefined,
        };
        this.settlements.push(state);
        this.settlementByKey.set(`${row.institution_code}|${row.serial_no}`, state);
        this.settlementById.set(row.settlement_id, state);
      } else if (event.kind === 'refund') {
        const { row, op } = event;
        const settlement = op.settlement;
        const expected = expectedRefund(settlement, op.amount);
        this.check(
          expected !== null && expected.toMulaid === row.to_mulaid_fen && expected.toSelf === row.to_self_fen && row.settlement_id === settlement.settlementId,
          () => `refund ${row.refund_serial_no} of ${settlement.serialNo} (${op.amount}, left mulaid ${settlement.mulaidLeft} self ${settlement.selfLeft}): system ${row.to_mulaid_fen}/${row.to_self_fen}, model ${expected ? `${expected.toMulaid}/${expected.toSelf}` : 'refused'}`,
        );
        settlement.mulaidLeft -= row.to_mulaid_fen;
        settlement.selfLeft -= row.to_self_fen;
        if (row.to_mulaid_fen > 0n && settlement.sharerId) {
          // Back into the quota while the binding lives (SPEC 2.2 refund, 2.11); to the free balance once it has ended.
          const credit = (entriesByRefund.get(row.refund_id) ?? []).find((e) => e.person_id === settlement.sharerId);
          const into = credit !== undefined && credit.held_delta_fen > 0n;
          const live = settlement.fromQuota && settlement.bindingId !== null && this.quotaLeft.has(settlement.bindingId) && !released.has(settlement.bindingId);
          const mustInto = live && !unbinding.has(settlement.bindingId!);
          this.check(
            credit !== undefined && (into ? live && credit.held_delta_fen === row.to_mulaid_fen : !mustInto && credit.held_delta_fen === 0n),
            () => `refund ${row.refund_serial_no} of ${row.to_mulaid_fen} to the sharer: held ${credit?.held_delta_fen}, the model says ${mustInto ? 'into the quota' : live ? 'either' : 'to the free balance'}`,
          );
          move(settlement.sharerId, row.to_mulaid_fen, into ? row.to_mulaid_fen : 0n);
          if (into) {
            shiftQuota(settlement.bindingId!, row.to_mulaid_fen);
            this.outcome('refund: back into a quota');
          }
        }
        if (row.to_self_fen > 0n) move(settlement.patientId, row.to_self_fen);
        this.totals.refund += row.amount_fen;
        const credits = entriesByRefund.get(row.refund_id) ?? [];
        const expectCredits = [
          ...(row.to_mulaid_fen > 0n ? [`${settlement.sharerId}:${row.to_mulaid_fen}`] : []),
          ...(row.to_self_fen > 0n ? [`${settlement.patientId}:${row.to_self_fen}`] : []),
        ].sort();
        this.check(
          isDeepStrictEqual(credits.map((e) => `${e.person_id}:${e.delta_fen}`).sort(), expectCredits) && credits.every((e) => e.settlement_id === settlement.settlementId),
          () => `refund ${row.refund_serial_no}: credits ${JSON.stringify(credits, jsonBig)}, expected ${expectCredits.join(', ')}`,
        );
        this.outcome(row.to_self_fen > 0n ? 'refund: reached own account' : 'refund: mutual aid only');
      } else {
        const { entry, op } = event;
        const current = this.balances.get(op.member.personId) ?? 0n;
        const delta = op.credit === 'contribution' ? BigInt(op.amount) : -BigInt(op.amount);
        this.check(
          entry.kind === (op.credit === 'contribution' ? 'credit' : 'correction') && entry.delta_fen === delta && entry.balance_after_fen === current + delta,
          () => `${op.credit} of ${op.amount} for ${op.member.name}: entry ${entry.kind} ${entry.delta_fen} → ${entry.balance_after_fen}, model balance before ${current}`,
        );
        move(op.member.personId, entry.delta_fen);
        if (entry.delta_fen > 0n) this.totals.credit += entry.delta_fen;
        else this.totals.correction -= entry.delta_fen;
        this.outcome(entry.delta_fen > 0n ? 'top-up: credit' : 'top-up: correction');
      }
      snapshot();
    }
    // A setQuota that wrote nothing: the same amount again, or refused at some point of the batch.
    ops.forEach((op, i) => {
      const envelope = answers[i]![0];
      if (op.kind !== 'setQuota' || !envelope || quotaEntries.has(op.binding.bindingId)) return;
      const path = quotaPaths.get(op.binding.bindingId) ?? [];
      const quota = this.quotaFen.get(op.binding.bindingId);
      if (envelope.ok) {
        this.check(quota === op.amount, () => `setQuota ${op.binding.bindingId} to ${op.amount} answered ok but held nothing (quota ${quota})`);
        this.outcome('setQuota: same amount, nothing written');
      } else if (envelope.error.code === 'INVALID_INPUT') {
        this.check(path.some((p) => op.amount < p.spent), () => `setQuota ${op.binding.bindingId} to ${op.amount} refused below what was paid, but paid ${path.map((p) => p.spent).join(' → ')}`);
        this.outcome('setQuota: below what the quota paid, refused');
      } else {
        this.check(
          path.some((p) => op.amount >= p.spent && op.amount - p.spent - p.left > p.free),
          () => `setQuota ${op.binding.bindingId} to ${op.amount} refused above the free balance, but along the batch ${path.map((p) => `spent ${p.spent} left ${p.left} free ${p.free}`).join(' → ')}`,
        );
        this.outcome('setQuota: above the free balance, refused');
      }
    });
    // A credit that wrote nothing was a correction refused when the balance was below it.
    for (const op of topUps.values()) {
      if (topUpEntries.has(op.member.personId)) continue;
      const path = trajectory.get(op.member.personId) ?? [freeOf(this.money, op.member.personId)];
      this.check(
        op.credit === 'correction' && path.some((balance) => balance < BigInt(op.amount)),
        () => `${op.credit} of ${op.amount} for ${op.member.name} wrote no entry, but the balance was never below it (${path.join(' → ')})`,
      );
      this.outcome('top-up: correction refused');
    }

    // The ledger alone, in commit order: every entry continues its account, and every
    // mutual-aid payment came from the largest balance among the sharers eligible for it.
    this.replayLedger(committed.entries, new Map([...settlementRows.values()].map((r) => [r.settlement_id, r])), changedGroups, before, after);

    // Answers.
    ops.forEach((op, i) => this.checkAnswers(op, answers[i]!, settlementRows, refundRows));

    // Every end releases what is left of the quota: an ended binding holds nothing and leaves the model's quotas.
    for (const [id, b] of after.bindings) {
      if (b.status === 'active' || !this.quotaLeft.has(id)) continue;
      this.check(this.quotaLeft.get(id) === 0n, () => `binding ${id} ended still holding ${this.quotaLeft.get(id)} of its quota`);
      this.quotaLeft.delete(id);
      this.quotaFen.delete(id);
    }

    // Balances: model = database = ledger, and money adds up.
    await this.compareBalances();
    for (const [id, b] of after.bindings) {
      if (b.status === 'active') continue;
      this.endedBindings.set(id, b.status);
      after.bindings.delete(id);
    }
    this.structure = after;
  }

  /**
   * A quota_hold or quota_release in commit order: a setQuota (left = amount − what the quota
   * already paid, held by the difference, never above the free balance) or an unbind releasing
   * what is left.
   */
  private replayQuota(
    entry: CommittedEntry,
    op: Extract<Concrete, { kind: 'setQuota' | 'unbind' }>,
    move: (personId: string, delta: bigint, heldDelta?: bigint) => void,
    released: Set<string>,
  ): void {
    const id = op.binding.bindingId;
    const left = this.quotaLeft.get(id) ?? 0n;
    if (op.kind === 'unbind') {
      this.check(
        entry.kind === 'quota_release' && entry.held_delta_fen === -left && left > 0n,
        () => `unbind of ${id}: ${entry.kind} of ${entry.held_delta_fen}, the model has ${left} left`,
      );
      move(op.binding.sharerId, 0n, entry.held_delta_fen);
      this.quotaLeft.set(id, 0n);
      released.add(id);
      this.outcome('unbind: released a quota');
      return;
    }
    const spent = (this.quotaFen.get(id) ?? 0n) - left;
    const next = op.amount - spent;
    const delta = next - left;
    const free = freeOf(this.money, op.binding.sharerId);
    this.check(
      next >= 0n && delta !== 0n && entry.held_delta_fen === delta && entry.kind === (delta > 0n ? 'quota_hold' : 'quota_release') && delta <= free,
      () => `setQuota ${id} to ${op.amount}: ${entry.kind} of ${entry.held_delta_fen}; the model has spent ${spent}, left ${left}, free ${free}`,
    );
    move(op.binding.sharerId, 0n, entry.held_delta_fen);
    this.quotaFen.set(id, op.amount);
    this.quotaLeft.set(id, left + entry.held_delta_fen);
    this.outcome(op.first ? 'setQuota: first quota held' : delta > 0n ? 'setQuota: raised' : 'setQuota: lowered');
  }

  private expectedBind(s: Structure, sharer: Member, patient: Member, group: Group): 'ok' | string {
    if (!s.sharerActive.get(sharer.personId)) return 'SHARER_NOT_EMPLOYEE';
    const policy = s.policies.get(group.province)!;
    const relationship = group.relationship(sharer, patient);
    if (policy.relativeScope === 'close' && !['spouse', 'child'].includes(relationship)) return 'RELATIONSHIP_NOT_ALLOWED';
    if (policy.sharingScope === 'region' && sharer.region !== patient.region) return 'OUT_OF_REGION';
    if (s.blocked.has(`${sharer.personId}:${patient.personId}`)) return 'BINDING_BLOCKED';
    return 'ok';
  }

  private checkAnswers(op: Concrete, envelopes: Array<Envelope<any>>, settlementRows: Map<string, CommittedSettlement>, refundRows: Map<string, CommittedRefund>): void {
    const first = envelopes[0];
    if (!first) return;
    // Every delivery of one request answers the same. A refusal is not stored, so its message
    // may tell a different amount left; its code and field may not differ.
    const sameAnswer = (e: Envelope<any>) =>
      first.ok ? isDeepStrictEqual(e, first) : !e.ok && e.error.code === first.error.code && e.error.field === first.error.field;
    this.check(
      envelopes.every(sameAnswer),
      () => `${op.kind}: ${envelopes.length} deliveries answered differently: ${envelopes.map((e) => JSON.stringify(e)).join(' | ')}`,
    );
    switch (op.kind) {
      case 'settle': {
        const row = settlementRows.get(`${op.institution.code}|${op.body.serialNo}`);
        if (!this.check(first.ok && row !== undefined, () => `settle ${op.body.serialNo}: ${JSON.stringify(first)}, committed: ${row !== undefined}`) || !first.ok) return;
        const data = first.data as SettleData;
        const payer = row!.sharer_id ? this.world.persons.get(row!.sharer_id) : undefined;
        this.check(
          data.settlementId === row!.settlement_id &&
            data.selfAcctPay === Number(row!.self_pay_fen) &&
            data.acctMulaidPay === Number(row!.mulaid_pay_fen) &&
            data.acctPay === data.selfAcctPay + data.acctMulaidPay &&
            data.cashPay === Number(row!.cash_pay_fen) &&
            data.acctPay + data.cashPay === op.body.amountFen &&
            data.mulaidFailure === row!.mulaid_failure &&
            ((data as { mulaidSource?: string | null }).mulaidSource ?? null) === row!.mulaid_source &&
            (payer ? data.sharer?.idNumberMasked === maskIdNumber(payer.idNumber) : data.sharer === undefined),
          () => `settle ${op.body.serialNo}: answer ${JSON.stringify(data)} vs committed ${JSON.stringify(row, jsonBig)}`,
        );
        const state = this.settlementByKey.get(`${op.institution.code}|${op.body.serialNo}`);
        if (state) state.answer = data;
        if (envelopes.length > 1) this.outcome('settle: concurrent duplicates agreed');
        break;
      }
      case 'settleAgain': {
        if (op.conflict) {
          this.check(!first.ok && first.error.code === 'IDEMPOTENCY_CONFLICT', () => `settle ${op.body.serialNo} with another amount: ${JSON.stringify(first)}`);
          this.outcome('settle: conflicting body refused');
        } else {
          this.check(first.ok && isDeepStrictEqual(first.data, op.original.answer), () => `settle ${op.body.serialNo} again: ${JSON.stringify(first)} ≠ first answer ${JSON.stringify(op.original.answer)}`);
          this.outcome('settle: replayed first answer');
        }
        break;
      }
      case 'refund': {
        const row = refundRows.get(`${op.settlement.institution}|${op.refundSerialNo}`);
        if (row) {
          this.check(
            first.ok && first.data.refundId === row.refund_id && first.data.toMulaid === Number(row.to_mulaid_fen) && first.data.toSelf === Number(row.to_self_fen),
            () => `refund ${op.refundSerialNo}: answer ${JSON.stringify(first)} vs committed ${JSON.stringify(row, jsonBig)}`,
          );
          if (first.ok) {
            this.refunds.push({
              institution: op.settlement.institution,
              refundSerialNo: op.refundSerialNo,
              serialNo: op.settlement.serialNo,
              amountFen: Number(op.amount),
              answer: first.data as RefundData,
            });
          }
        } else {
          // Refused: what was left only shrinks, so it must exceed what is left now.
          const left = op.settlement.mulaidLeft + op.settlement.selfLeft;
          this.check(
            !first.ok && first.error.code === 'REFUND_EXCEEDS_PAID' && op.amount > left,
            () => `refund ${op.refundSerialNo} of ${op.amount} (left after the batch: ${left}): ${JSON.stringify(first)}`,
          );
          this.outcome('refund: above what is left, refused');
        }
        if (envelopes.length > 1) this.outcome('refund: concurrent duplicates agreed');
        break;
      }
      case 'refundAgain':
        this.check(first.ok && isDeepStrictEqual(first.data, op.refund.answer), () => `refund ${op.refund.refundSerialNo} again: ${JSON.stringify(first)} ≠ ${JSON.stringify(op.refund.answer)}`);
        this.outcome('refund: replayed first answer');
        break;
      case 'refundUnknown':
        this.check(!first.ok && first.error.code === 'NOT_FOUND', () => `refund of an unknown bill: ${JSON.stringify(first)}`);
        break;
      default:
        break;
    }
  }

  /**
   * Replays ledger entries in commit order on the ledger's own balances: each entry continues
   * its account (balance_after = previous + delta ≥ 0), and for each mutual-aid payment no
   * sharer eligible for that patient (under every structure the settlement may have read)
   * had more than the payer just before it, nor as much with an earlier binding.
   */
  private replayLedger(
    entries: CommittedEntry[],
    settlements: Map<string, CommittedSettlement>,
    changedGroups: Set<number> = new Set(),
    before?: Structure,
    after?: Structure,
  ): void {
    for (const entry of entries) {
      const previous = this.ledgerBalance.get(entry.person_id) ?? 0n;
      const heldBefore = this.ledgerHeld.get(entry.person_id) ?? 0n;
      const heldAfter = heldBefore + (entry.held_delta_fen ?? 0n);
      this.check(
        previous + entry.delta_fen === entry.balance_after_fen && entry.balance_after_fen >= heldAfter && heldAfter >= 0n,
        () => `entry ${entry.entry_id} (${entry.kind} ${entry.delta_fen}, held ${entry.held_delta_fen}) on ${entry.person_id}: after ${entry.balance_after_fen}, previous ${previous}, held ${heldAfter}`,
      );
      // The largest-amount rule between free balances (a quota's rest is checked by the model's own replay).
      const quotaInvolved = (patientId: string) =>
        [before, after].some((s) => s !== undefined && [...s.bindings.values()].some((b) => b.patientId === patientId && (b.hasQuota || this.quotaLeft.has(b.bindingId))));
      if (entry.kind === 'mulaid_pay' && before && after && (entry.held_delta_fen ?? 0n) === 0n) {
        const settlement = settlements.get(entry.settlement_id ?? '');
        const patient = settlement ? this.world.persons.get(settlement.patient_id) : undefined;
        if (settlement && patient && !quotaInvolved(patient.personId)) {
          const payerBefore = entry.balance_after_fen - entry.delta_fen - heldBefore;
          const structures = changedGroups.has(patient.group) ? [before, after] : [before];
          const eligibleEverywhere = eligibleBindings(structures[0]!, this.world.persons, patient.personId).filter((b) =>
            structures.every((s) => eligibleBindings(s, this.world.persons, patient.personId).some((x) => x.bindingId === b.bindingId)),
          );
          const payerBinding = structures.map((s) => s.bindings.get(settlement.binding_id ?? '')).find((b) => b !== undefined);
          this.check(
            payerBinding !== undefined && structures.some((s) => eligibleBindings(s, this.world.persons, patient.personId).some((b) => b.bindingId === payerBinding.bindingId)),
            () => `payment ${settlement.serial_no} by binding ${settlement.binding_id}, which was not eligible`,
          );
          for (const other of eligibleEverywhere) {
            if (!payerBinding || other.sharerId === entry.person_id) continue;
            const theirs = (this.ledgerBalance.get(other.sharerId) ?? 0n) - (this.ledgerHeld.get(other.sharerId) ?? 0n);
            const earlier = other.createdAt < payerBinding.createdAt || (other.createdAt === payerBinding.createdAt && other.bindingId < payerBinding.bindingId);
            this.check(
              theirs < payerBefore || (theirs === payerBefore && !earlier),
              () => `payment ${settlement.serial_no}: payer had ${payerBefore}, eligible sharer ${other.sharerId} had ${theirs}${earlier ? ' with an earlier binding' : ''}`,
            );
          }
        }
      }
      this.ledgerBalance.set(entry.person_id, entry.balance_after_fen);
      this.ledgerHeld.set(entry.person_id, heldAfter);
      const size = entry.delta_fen < 0n ? -entry.delta_fen : entry.delta_fen;
      if (entry.kind !== 'quota_hold' && entry.kind !== 'quota_release') this.ledgerTotals[entry.kind] += size;
    }
  }

  private async compareBalances(): Promise<void> {
    const rows = await this.h.app.db.query<{ person_id: string; balance_fen: bigint; held_fen: bigint }>('SELECT person_id, balance_fen, held_fen FROM accounts');
    const actual = new Map(rows.map((r) => [r.person_id, r]));
    // Σ what is left of each sharer's live quotas.
    const quotas = new Map<string, bigint>();
    for (const [id, left] of this.quotaLeft) {
      const b = this.structure.bindings.get(id);
      if (b) quotas.set(b.sharerId, (quotas.get(b.sharerId) ?? 0n) + left);
    }
    for (const [personId, expected] of this.balances) {
      const inDb = actual.get(personId);
      const inLedger = this.ledgerBalance.get(personId) ?? 0n;
      this.check(inDb?.balance_fen === expected && inLedger === expected && expected >= 0n, () => `balance of ${personId}: database ${inDb?.balance_fen}, ledger ${inLedger}, model ${expected}`);
      // SPEC 2.11: balance = free + Σ quotas, free ≥ 0 — in the model, the database and the ledger.
      const held = this.held.get(personId) ?? 0n;
      const ledgerHeld = this.ledgerHeld.get(personId) ?? 0n;
      this.check(
        inDb?.held_fen === held && ledgerHeld === held && held === (quotas.get(personId) ?? 0n) && expected - held >= 0n && held >= 0n,
        () => `held by ${personId}: database ${inDb?.held_fen}, ledger ${ledgerHeld}, model ${held}, Σ live quotas ${quotas.get(personId) ?? 0n}, balance ${expected}`,
      );
    }
    const quotaRows = await this.h.app.db.query<{ binding_id: string; quota_fen: bigint; quota_left_fen: bigint }>(
      "SELECT binding_id, quota_fen, quota_left_fen FROM bindings WHERE quota_fen IS NOT NULL AND status IN ('active', 'pending')",
    );
    const inDbQuotas = new Map(quotaRows.map((r) => [r.binding_id, r]));
    this.check(inDbQuotas.size === this.quotaLeft.size, () => `${inDbQuotas.size} live quotas in the database, ${this.quotaLeft.size} in the model`);
    for (const [id, left] of this.quotaLeft) {
      const row = inDbQuotas.get(id);
      this.check(row?.quota_left_fen === left && row.quota_fen === this.quotaFen.get(id), () => `quota of ${id}: database ${row?.quota_fen}/${row?.quota_left_fen} left, model ${this.quotaFen.get(id)}/${left}`);
    }
    const sum = [...this.balances.values()].reduce((a, b) => a + b, 0n);
    this.check(sum === totalBalance(this.totals), () => `the model's balances add up to ${sum}, its movements to ${totalBalance(this.totals)}`);
    for (const kind of Object.keys(this.totals) as Array<keyof Totals>) {
      this.check(this.ledgerTotals[kind] === this.totals[kind], () => `total ${kind}: ledger ${this.ledgerTotals[kind]}, model ${this.totals[kind]}`);
    }
  }

  /** A full sweep of the database: the SQL invariants, the totals by kind, and the bindings. */
  async sweep(): Promise<void> {
    const db = this.h.app.db;
    for (const problem of await databaseInvariants(db)) this.check(false, () => `database sweep: ${problem}`);
    this.stats.checks += 1;
    const byKind = await db.query<{ kind: keyof Totals; total: bigint }>('SELECT kind, sum(abs(delta_fen))::bigint AS total FROM ledger_entries GROUP BY kind');
    for (const kind of Object.keys(this.totals) as Array<keyof Totals>) {
      const inDb = byKind.find((r) => r.kind === kind)?.total ?? 0n;
      this.check(inDb === this.totals[kind], () => `database total ${kind} ${inDb}, model ${this.totals[kind]}`);
    }
    const logged = await db.query<{ kind: string; n: bigint }>('SELECT kind, count(*) AS n FROM reliability_commit_log GROUP BY kind');
    const counted = await db.query<{ s: bigint; r: bigint; e: bigint }>(
      'SELECT (SELECT count(*) FROM settlements) AS s, (SELECT count(*) FROM refunds) AS r, (SELECT count(*) FROM ledger_entries) AS e',
    );
    const n = (kind: string) => logged.find((r) => r.kind === kind)?.n ?? 0n;
    this.check(
      n('settlement') === counted[0]!.s && n('refund') === counted[0]!.r && n('entry') === counted[0]!.e,
      () => `commit log incomplete: ${JSON.stringify(logged, jsonBig)} vs ${JSON.stringify(counted, jsonBig)}`,
    );
    const bindings = await db.query<{ binding_id: string; status: string }>('SELECT binding_id, status FROM bindings');
    const inDb = new Map(bindings.map((b) => [b.binding_id, b.status]));
    for (const b of this.structure.bindings.values()) {
      this.check(inDb.get(b.bindingId) === b.status, () => `binding ${b.bindingId}: database ${inDb.get(b.bindingId)}, model ${b.status}`);
    }
    for (const [id, status] of this.endedBindings) this.check(inDb.get(id) === status, () => `binding ${id}: database ${inDb.get(id)}, model ${status}`);
    const modelled = this.structure.bindings.size + this.endedBindings.size;
    this.check(inDb.size === modelled, () => `${inDb.size} bindings in the database, ${modelled} in the model`);
    this.stats.sweeps += 1;
  }

  async finish(): Promise<void> {
    this.batchLabel = 'final sweep';
    await this.sweep();
    this.throwIfViolated();
  }
}

export function jsonBig(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
