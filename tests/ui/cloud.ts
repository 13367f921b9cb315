import { vi } from 'vitest';
import type { Binding, CloudError, DataOf, Envelope, EventOf, FunctionName, PaymentRecord } from '@/services/cloud/types';

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
    relationship: 'spouse',
    createdAt: '2026-01-10T02:00:00.000Z',
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
