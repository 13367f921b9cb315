import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import type { RegionPolicy } from '@/services/cloud/types';
import { ROUTES } from '@/services/routes';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { useSession } from '@/stores/session';
import { fail, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, isDisabled, leave, settle, typeInto } from '../../../../../tests/ui/helpers';
import RelativeAddPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const EMPLOYEE = {
  userId: 'u1',
  phone: '13800000001',
  verified: true,
  person: { name: '张伟', idNumberMasked: '1301**********131X', insuranceType: 'employee' as const, status: 'active' as const, poolingRegion: '130100', balanceFen: 300_000 },
  unreadMessages: 0,
  pendingRequests: 0,
};

const policy = (overrides: Partial<RegionPolicy> = {}): RegionPolicy => ({
  poolingRegion: '130100',
  relativeScope: 'near',
  sharingScope: 'province',
  maxRelatives: 8,
  allowPartial: false,
  consentFromAge: null,
  relationships: ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'],
  ...overrides,
});

async function renderPage() {
  const view = render(<RelativeAddPage />);
  await settle();
  return view;
}

async function fillValid(container: HTMLElement) {
  await click(container.querySelector('.relationship-option--parent')!);
  await typeInto(container, 'relative-name', '王秀兰');
  await typeInto(container, 'relative-id', '11010519491231002X');
}

describe('the add-relative form', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useProfile.getState().clear();
    useRelativeDraft.getState().reset();
    programCloud(callFunction, { me: () => ok(EMPLOYEE), myPolicy: () => ok(policy()) });
  });

  it('offers every near relationship where the region allows them', async () => {
    const { container } = await renderPage();
    expect(container.querySelectorAll('.relationship-option')).toHaveLength(6);
    expect(screen.getByText(/允许与近亲属共济/)).toBeTruthy();
  });

  it("offers only spouse, parent and child where the region's scope is close", async () => {
    programCloud(callFunction, {
      me: () => ok(EMPLOYEE),
      myPolicy: () => ok(policy({ poolingRegion: '130200', relativeScope: 'close', relationships: ['spouse', 'parent', 'child'] })),
    });
    const { container } = await renderPage();
    const labels = Array.from(container.querySelectorAll('.relationship-option')).map((o) => o.textContent);
    expect(labels).toEqual(['配偶', '父母', '子女']);
    expect(container.querySelector('.relationship-option--sibling')).toBeNull();
    expect(screen.getByText(/唐山市.*只允许与配偶、父母、子女共济/)).toBeTruthy();
  });

  it('offers all six when the policy cannot be read (the server still decides)', async () => {
    programCloud(callFunction, { me: () => ok(EMPLOYEE), myPolicy: () => fail('INTERNAL', '系统繁忙，请稍后再试') });
    const { container } = await renderPage();
    expect(container.querySelectorAll('.relationship-option')).toHaveLength(6);
  });

  it('keeps "next" disabled until relationship, name and a valid ID number are there', async () => {
    const { container } = await renderPage();
    const next = () => buttonOf(container, 'relative-next');
    expect(isDisabled(next())).toBe(true);
    await click(container.querySelector('.relationship-option--parent')!);
    await typeInto(container, 'relative-name', '王秀兰');
    expect(isDisabled(next())).toBe(true);
    await typeInto(container, 'relative-id', '110105194912310021');
    expect(isDisabled(next())).toBe(true);
    await typeInto(container, 'relative-id', '11010519491231002X');
    expect(isDisabled(next())).toBe(false);
    await click(next());
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.relativeConfirm });
  });

  it('asks for the name when the field is left empty', async () => {
    const { container } = await renderPage();
    await typeInto(container, 'relative-name', '');
    await leave(container, 'relative-name');
    expect(screen.getByText('请输入亲属的姓名')).toBeTruthy();
  });

  it('explains what is wrong with the ID number as it is typed', async () => {
    const { container } = await renderPage();
    await typeInto(container, 'relative-id', '13010019581131');
    expect(screen.getByText(/出生日期（第7至14位）不是有效日期/)).toBeTruthy();
  });

  it('shows RELATIVE_NOT_INSURED at the ID number field', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code: 'RELATIVE_NOT_INSURED', message: '未查到该亲属的有效基本医保参保信息', field: 'idNumber' });
    await settle();
    const idField = container.querySelector('.relative-id')!.closest('.text-field')!;
    expect(idField.querySelector('.field-error')?.textContent).toBe('未查到该亲属的有效基本医保参保信息');
    expect(container.querySelector('.banner--error')).toBeNull();
  });

  it('shows RELATIONSHIP_IMPOSSIBLE at the relationship', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code: 'RELATIONSHIP_IMPOSSIBLE', message: '按出生日期，该亲属不可能是您的父母', field: 'relationship' });
    await settle();
    expect(container.querySelector('.relationship-picker .field-error')?.textContent).toBe('按出生日期，该亲属不可能是您的父母');
  });

  it('shows ALREADY_BOUND (no field from the server) at the ID number', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code: 'ALREADY_BOUND', message: '已与该亲属建立共济关系，无需重复添加' });
    await settle();
    const idField = container.querySelector('.relative-id')!.closest('.text-field')!;
    expect(idField.querySelector('.field-error')?.textContent).toBe('已与该亲属建立共济关系，无需重复添加');
  });

  it.each([
    ['RATE_LIMITED', '添加亲属的尝试过于频繁，为保护参保信息安全，请一小时后再试'],
    ['LIMIT_REACHED', '您最多可为 8 位亲属开通家庭共济，请先解除不再需要的共济关系'],
    ['SHARER_NOT_EMPLOYEE', '只有参保状态正常的职工医保参保人才能为家人共济'],
  ] as const)('shows %s as a banner above the form', async (code, message) => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code, message });
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe(message);
    expect(container.querySelector('.text-field .field-error')).toBeNull();
  });

  it('clears the server error when the field is edited', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code: 'RELATIVE_NOT_INSURED', message: '未查到', field: 'idNumber' });
    await settle();
    await typeInto(container, 'relative-id', '11010519491231002');
    expect(screen.queryByText('未查到')).toBeNull();
  });

  it('warns a resident-insured user that only employees can share', async () => {
    programCloud(callFunction, {
      me: () => ok({ ...EMPLOYEE, person: { ...EMPLOYEE.person, insuranceType: 'resident', balanceFen: undefined } }),
      myPolicy: () => ok(policy()),
    });
    const { container } = await renderPage();
    expect(container.querySelector('.banner--warning')?.textContent).toContain('只有参保状态正常的职工医保参保人才能为家人共济');
  });

  it('is prefilled from a family-account member, asking for the full number', async () => {
    useRelativeDraft.getState().prefill({ name: '张建国', idNumberMasked: '1301**********6117', relationship: 'parent' });
    const { container } = await renderPage();
    expect(container.querySelector('.banner--info')?.textContent).toContain('张建国（1301**********6117）');
    expect(container.querySelector('.relationship-option--parent')?.className).toContain('relationship-option--selected');
  });

  it('takes an optional quota in yuan and refuses a malformed one at its field (SPEC 2.11)', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    await typeInto(container, 'relative-quota', '12.345');
    const quotaField = container.querySelector('.relative-quota')!.closest('.text-field')!;
    expect(quotaField.querySelector('.field-error')?.textContent).toMatch(/正确的金额/);
    expect(isDisabled(buttonOf(container, 'relative-next'))).toBe(true);
    await typeInto(container, 'relative-quota', '1000');
    expect(quotaField.querySelector('.field-error')).toBeNull();
    expect(isDisabled(buttonOf(container, 'relative-next'))).toBe(false);
    expect(useRelativeDraft.getState().quota).toBe('1000');
  });

  it('offers a quota when the relative is in another province, and shows QUOTA_EXCEEDS_BALANCE at the quota', async () => {
    const { container } = await renderPage();
    await fillValid(container);
    useRelativeDraft.getState().fail({ code: 'OUT_OF_REGION', message: '该亲属的参保地按现行政策不能与您共济' });
    await settle();
    expect(container.querySelector('.relative-add__quota-offer')?.textContent).toContain('设定一笔共济额度');
    await typeInto(container, 'relative-quota', '5000');
    useRelativeDraft.getState().fail({ code: 'QUOTA_EXCEEDS_BALANCE', message: '共济额度不能超过您个人账户的可用余额' });
    await settle();
    const quotaField = container.querySelector('.relative-quota')!.closest('.text-field')!;
    expect(quotaField.querySelector('.field-error')?.textContent).toBe('共济额度不能超过您个人账户的可用余额');
    expect(container.querySelector('.relative-add__quota-offer')).toBeNull();
  });
});
