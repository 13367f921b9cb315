import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { DIAGNOSIS_TEXT } from '@/rules/diagnosis';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { useSession } from '@/stores/session';
import { binding, fail, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, isDisabled, settle, typeInto } from '../../../../../tests/ui/helpers';
import DiagnosePage, { parseBillAmount, sortFindings } from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const finding = (code: keyof typeof DIAGNOSIS_TEXT) => ({ code, ...DIAGNOSIS_TEXT[code] });
const MEMBER = {
  memberId: '00000000-0000-4000-8000-00000000c001',
  name: '张建国',
  idNumberMasked: '1301**********6117',
  relationship: 'parent' as const,
  insuranceType: 'resident' as const,
  poolingRegion: '130100',
  createdAt: '2026-01-01T00:00:00Z',
  hasMutualAid: false,
  consent: 'not_needed' as const,
};

describe('why mutual aid did not work', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
    useRelativeDraft.getState().reset();
  });

  it('puts findings in the order of SPEC 2.4', () => {
    const sorted = sortFindings([finding('BINDING_PENDING'), finding('NOT_INSURED'), finding('OUT_OF_REGION')]);
    expect(sorted.map((f) => f.code)).toEqual(['NOT_INSURED', 'OUT_OF_REGION', 'BINDING_PENDING']);
  });

  it.each([
    ['', {}],
    ['1280.5', { fen: 128_050 }],
    ['¥1,280.50', { fen: 128_050 }],
    ['0', { error: '金额至少为 ¥0.01' }],
    ['12.345', { error: '请输入正确的金额，例如 1280 或 1280.50' }],
    ['1000000.01', { error: '金额不能超过 ¥1,000,000.00' }],
  ])('reads the bill amount %j', (text, expected) => {
    expect(parseBillAmount(text)).toEqual(expected);
  });

  it('diagnoses a family-account member with the bill and offers to set up mutual aid', async () => {
    const cloud = programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listFamilyAccount: () => ok({ members: [MEMBER], asMember: [] }),
      diagnose: () => ok({ findings: [finding('BINDING_UNBOUND'), finding('FAMILY_ACCOUNT_ONLY')] }),
    });
    const { container } = render(<DiagnosePage />);
    await settle();
    const chip = Array.from(container.querySelectorAll('.filter-chip')).find((c) => c.textContent === '张建国（亲情账户）')!;
    await click(chip);
    await typeInto(container, 'diagnose-amount', '88.8');
    await click(buttonOf(container, 'diagnose-run'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('diagnose', { memberId: MEMBER.memberId, amountFen: 8_880 });
    const shown = Array.from(container.querySelectorAll('.finding')).map((f) => f.className.match(/finding--([A-Z_]+)/)?.[1]);
    expect(shown).toEqual(['FAMILY_ACCOUNT_ONLY', 'BINDING_UNBOUND']);
    expect(container.querySelector('.finding--FAMILY_ACCOUNT_ONLY')?.textContent).toContain(DIAGNOSIS_TEXT.FAMILY_ACCOUNT_ONLY.action);
    await click(container.querySelector('.finding--FAMILY_ACCOUNT_ONLY .finding-setup')!);
    expect(useRelativeDraft.getState()).toMatchObject({ name: '张建国', relationship: 'parent', idNumber: '' });
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.relativeAdd });
  });

  it('checks myself by default, without an amount', async () => {
    const cloud = programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listFamilyAccount: () => ok({ members: [], asMember: [] }),
      diagnose: () => ok({ findings: [finding('OK')] }),
    });
    const { container } = render(<DiagnosePage />);
    await settle();
    await click(buttonOf(container, 'diagnose-run'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('diagnose', {});
    expect(container.querySelector('.finding--ok')?.textContent).toContain('未发现影响家庭共济支付的问题');
  });

  it('refuses a malformed amount before asking the server', async () => {
    programCloud(callFunction, { listMembers: () => ok({ asSharer: [], asRelative: [] }), listFamilyAccount: () => ok({ members: [], asMember: [] }) });
    const { container } = render(<DiagnosePage />);
    await typeInto(container, 'diagnose-amount', '12.345');
    expect(isDisabled(buttonOf(container, 'diagnose-run'))).toBe(true);
    expect(container.querySelector('.field-error')?.textContent).toBe('请输入正确的金额，例如 1280 或 1280.50');
  });

  it("shows the server's amount complaint at the amount field", async () => {
    programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listFamilyAccount: () => ok({ members: [], asMember: [] }),
      diagnose: () => fail('INVALID_INPUT', 'amountFen：金额超过单笔上限', 'amountFen'),
    });
    const { container } = render(<DiagnosePage />);
    await typeInto(container, 'diagnose-amount', '100');
    await click(buttonOf(container, 'diagnose-run'));
    await settle();
    expect(container.querySelector('.field-error')?.textContent).toContain('金额超过单笔上限');
  });

  it.each(['BINDING_DECLINED', 'BINDING_EXPIRED', 'QUOTA_SPENT'] as const)('explains %s with what to do', async (code) => {
    programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [binding()], asRelative: [] }),
      listFamilyAccount: () => ok({ members: [], asMember: [] }),
      diagnose: () => ok({ findings: [finding(code)] }),
    });
    const { container } = render(<DiagnosePage />);
    await settle();
    await click(Array.from(container.querySelectorAll('.filter-chip')).find((c) => c.textContent === '李娜（配偶）')!);
    await click(buttonOf(container, 'diagnose-run'));
    await settle();
    const shown = container.querySelector(`.finding--${code}`);
    expect(shown?.className).toContain('finding--problem');
    expect(shown?.querySelector('.finding__message')?.textContent).toBe(DIAGNOSIS_TEXT[code].message);
    expect(shown?.querySelector('.finding__action')?.textContent).toBe(`怎么办：${DIAGNOSIS_TEXT[code].action}`);
    // An expired binding is set up again; a declined one is the relative's choice.
    expect(shown?.querySelector('.finding-setup') !== null).toBe(code === 'BINDING_EXPIRED');
  });

  it('says when diagnosis was asked too often', async () => {
    programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listFamilyAccount: () => ok({ members: [], asMember: [] }),
      diagnose: () => fail('RATE_LIMITED', '查询过于频繁，请稍后再试'),
    });
    const { container } = render(<DiagnosePage />);
    await settle();
    await click(buttonOf(container, 'diagnose-run'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe('查询过于频繁，请稍后再试');
    expect(container.querySelector('.finding')).toBeNull();
  });
});
