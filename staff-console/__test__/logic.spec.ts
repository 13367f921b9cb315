import { describe, expect, test } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { maskIdNumber } from '@/rules/mask';
import { checkAct, checkEvidence, checkIdNumber, checkReason, describeAct, formatInstant, normalizeLookup } from '../src/logic';
import type { ActRequest, Binding, LookupAnswer, PaymentRecord } from '../src/types';

const ELDER = { name: '赵德明', idNumberMasked: '1301**********1570' };
const DAUGHTER_ID = makeIdNumber('130100', '1976-09-12', 268);
const FULL_ID = /\d{17}[\dX]/;

const binding: Binding = {
  bindingId: 'b1',
  status: 'pending',
  canPay: false,
  blockedBy: null,
  relationship: 'child',
  createdAt: '2026-12-01T08:00:00.000Z',
  sharer: { name: '赵德明', idNumberMasked: ELDER.idNumberMasked },
  relative: { name: '赵小梅', idNumberMasked: maskIdNumber(DAUGHTER_ID), insuranceType: 'resident', poolingRegion: '130100' },
  spentFen: 0,
};

function record(id: string, paidAt: string): PaymentRecord {
  return {
    recordId: id,
    settlementId: `s-${id}`,
    paidAt,
    kind: 'outpatient',
    institutionName: '河北医科大学第二医院',
    amountFen: 1000,
    refundedFen: 0,
    bindingId: 'b1',
    relationship: 'child',
    sharer: binding.sharer,
    relative: binding.relative,
  };
}

describe('what an act will do, said before it happens', () => {
  const evidence = { kind: 'id_card' as const, ref: 'SFZ-01' };
  test.each<[string, ActRequest, RegExp]>([
    ['linking names the phone and the reclaim', { action: 'linkIdentity', fields: { phone: '13912348801' } }, /13912348801[\s\S]*解除关联/],
    ['binding names the relative, the relationship and whose account pays', { action: 'bindRelative', fields: { name: '赵小梅', idNumber: DAUGHTER_ID, relationship: 'child' } }, /赵小梅.*子女[\s\S]*赵德明 的职工医保个人账户/],
    ['confirming says it pays at once', { action: 'confirmBinding', fields: { bindingId: 'b1' } }, /同意[\s\S]*立即生效/],
    ['declining as not my relative says it blocks for 180 days', { action: 'declineBinding', fields: { bindingId: 'b1', notMyRelative: true } }, /180 天/],
    ['unbinding says payments stop and records stay', { action: 'unbindRelative', fields: { bindingId: 'b1' } }, /停止共济支付.*记录保留/],
    ['adding a family member says no balance is used', { action: 'addFamilyMember', fields: { name: '赵小梅', idNumber: DAUGHTER_ID, relationship: 'child' } }, /不会使用任何人的个人账户余额/],
    ['removing a family member names them', { action: 'removeFamilyMember', fields: { memberId: 'm1' } }, /移除 赵小梅/],
  ])('%s', (_name, request, words) => {
    const text = describeAct(ELDER, request, evidence, { binding, memberName: '赵小梅' }).join('\n');
    expect(text).toMatch(words);
    expect(text).toContain('身份证（本人到场），编号 SFZ-01');
    expect(text).toContain('审计记录');
    expect(text).not.toMatch(FULL_ID);
  });

  test('shows a typed ID number masked in the dialog', () => {
    const text = describeAct(ELDER, { action: 'bindRelative', fields: { name: '赵小梅', idNumber: DAUGHTER_ID, relationship: 'child' } }, { kind: 'undertaking', ref: 'CNS-1' }).join('');
    expect(text).toContain(maskIdNumber(DAUGHTER_ID));
    expect(text).toContain('纸质承诺书，编号 CNS-1');
  });
});

describe('form checks', () => {
  test('refuses a phone that is not 11 digits starting with 1', () => {
    expect(checkAct({ action: 'linkIdentity', fields: { phone: '2391234880' } })).toMatch(/11 位手机号/);
    expect(checkAct({ action: 'linkIdentity', fields: { phone: '13912348801' } })).toBeNull();
  });

  test('refuses a relative with a malformed ID number, naming the field', () => {
    expect(checkAct({ action: 'bindRelative', fields: { name: '赵小梅', idNumber: '130100197609122681', relationship: 'child' } })).toMatch(/^亲属身份证号：/);
    expect(checkAct({ action: 'bindRelative', fields: { name: '', idNumber: DAUGHTER_ID, relationship: 'child' } })).toMatch(/姓名/);
  });

  test('requires a reason and an evidence reference', () => {
    expect(checkReason(' ')).toMatch(/查询事由/);
    expect(checkReason('来电咨询')).toBeNull();
    expect(checkEvidence({ kind: 'undertaking', ref: ' ' })).toMatch(/承诺书的编号/);
    expect(checkEvidence({ kind: 'id_card', ref: 'SFZ-1' })).toBeNull();
  });

  test('accepts a lower-case x and spaces around an ID number', () => {
    const id = makeIdNumber('110105', '1949-12-31', 2);
    const typed = ` ${id.toLowerCase()} `;
    expect(checkIdNumber(typed, '2026-12-01')).toEqual({ ok: true, value: id });
  });
});

describe('the lookup answer', () => {
  test('merges records split by side, newest first, each once', () => {
    const answer = {
      person: { name: '赵德明', idNumberMasked: ELDER.idNumberMasked, insuranceType: 'employee', status: 'active', poolingRegion: '130100' },
      asSharer: [binding],
      asRelative: [],
      records: { asSharer: [record('r1', '2026-11-01T00:00:00Z'), record('r2', '2026-11-20T00:00:00Z')], asRelative: [record('r2', '2026-11-20T00:00:00Z')] },
      familyAccount: { members: [] },
      findings: [],
      risks: [],
    } as LookupAnswer;
    const data = normalizeLookup(answer);
    expect(data.records.map((r) => r.recordId)).toEqual(['r2', 'r1']);
    expect(data.familyAccount.asMember).toEqual([]);
    expect(data.staffActs).toEqual([]);
  });

  test('shows instants in Asia/Shanghai', () => {
    expect(formatInstant('2026-12-01T16:05:00.000Z')).toBe('2026-12-02 00:05');
  });
});
