import { vi } from 'vitest';
import type {
  Binding,
  CloudError,
  DataOf,
  Envelope,
  EventOf,
  FamilyMember,
  FunctionName,
  MeData,
  Membership,
  Message,
  PaymentRecord,
} from '@/services/cloud/types';

type Handler<N extends FunctionName> = (event: EventOf<N>) => Envelope<DataOf<N>> | Promise<Envelope<DataOf<N>>>;
export type CloudHandlers = { [N in FunctionName]?: Handler<N> };

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data });
export const fail = (code: CloudError['code'], message: string, field?: string): Envelope<never> => ({
  ok: false,
  error: { code, message, ...(field ? { field } : {}) },
});

/**
 * Programs the mocked `callFunction` (each spec does `vi.mock('@/services/cloud')` and passes the
 * mock here): unprogrammed functions answer NOT_FOUND. Returns the calls, for assertions.
 */
export function programCloud(mock: unknown, handlers: CloudHandlers) {
  const fn = mock as ReturnType<typeof vi.fn>;
  fn.mockImplementation(async (name: FunctionName, event: unknown) => {
    const handler = handlers[name] as ((event: unknown) => unknown) | undefined;
    if (!handler) return fail('NOT_FOUND', '未找到相关记录，请刷新后重试');
    return handler(event);
  });
  return fn;
}

export function binding(overrides: Partial<Binding> = {}): Binding {
  return {
    bindingId: '00000000-0000-4000-8000-000000000001',
    status: 'active',
    canPay: true,
    blockedBy: null,
    relationship: 'spouse',
    createdAt: '2026-01-10T02:00:00.000Z',
    viewerRole: 'sharer',
    canLeave: true,
    sharer: { name: '张伟', idNumberMasked: '1301**********131X' },
    relative: { name: '李娜', idNumberMasked: '1301**********2424', insuranceType: 'resident', poolingRegion: '130100' },
    spentFen: 16_350,
    spentThisMonthFen: 3_500,
    ...overrides,
  };
}

export function record(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    recordId: '00000000-0000-4000-8000-0000000000a1',
    settlementId: '00000000-0000-4000-8000-0000000000b1',
    paidAt: '2026-03-01T16:30:00.000Z',
    kind: 'pharmacy',
    institutionName: '石家庄乐仁堂大药房',
    amountFen: 123_456,
    refundedFen: 0,
    bindingId: '00000000-0000-4000-8000-000000000001',
    relationship: 'spouse',
    sharer: { name: '张伟', idNumberMasked: '1301**********131X' },
    relative: { name: '李娜', idNumberMasked: '1301**********2424' },
    ...overrides,
  };
}

/** A binding that waits for me, the relative: the sharer's name masked, nothing paid. */
export function request(overrides: Partial<Binding> = {}): Binding {
  return binding({
    bindingId: '00000000-0000-4000-8000-0000000000f1',
    status: 'pending',
    canPay: false,
    viewerRole: 'relative',
    sharer: { name: '马*', idNumberMasked: '1303**********1135' },
    relative: { name: '马小龙', idNumberMasked: '1303**********2235', insuranceType: 'resident', poolingRegion: '130300' },
    relationship: 'child',
    spentFen: 0,
    spentThisMonthFen: 0,
    ...overrides,
  });
}

export function me(overrides: Partial<MeData> = {}): MeData {
  return {
    userId: 'u1',
    phone: '13800000001',
    verified: true,
    person: { name: '张伟', idNumberMasked: '1301**********131X', insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: 300_000 },
    unreadMessages: 0,
    pendingRequests: 0,
    ...overrides,
  };
}

export function member(overrides: Partial<FamilyMember> = {}): FamilyMember {
  return {
    memberId: '00000000-0000-4000-8000-00000000c001',
    consent: 'not_needed',
    name: '张建国',
    idNumberMasked: '1301**********6117',
    relationship: 'parent',
    insuranceType: 'resident',
    poolingRegion: '130100',
    createdAt: '2026-01-01T00:00:00Z',
    hasMutualAid: false,
    ...overrides,
  };
}

/** A family account in which I am the member. */
export function membership(overrides: Partial<Membership> = {}): Membership {
  return {
    memberId: '00000000-0000-4000-8000-00000000d001',
    owner: { name: '黄*', idNumberMasked: '1301**********3335' },
    relationship: 'child',
    consent: 'pending',
    createdAt: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}

export function message(overrides: Partial<Message> = {}): Message {
  return {
    messageId: '00000000-0000-4000-8000-00000000e001',
    kind: 'mulaid_paid',
    title: '共济账户支付提醒',
    body: '您的职工医保个人账户为李娜支付了 ¥35.00（石家庄乐仁堂大药房，药店购药）。',
    createdAt: '2026-03-01T02:00:00.000Z',
    readAt: null,
    ...overrides,
  };
}
