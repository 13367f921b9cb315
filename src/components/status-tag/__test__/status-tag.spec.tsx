import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BLOCKER_SHORT } from '@/rules/notices';
import type { StatusTagProps } from '../index';
import StatusTag from '../index';

describe('StatusTag', () => {
  it.each<[StatusTagProps, string, string]>([
    [{ status: 'active', canPay: true, blockedBy: null }, '生效', 'success'],
    [{ status: 'active', canPay: false, blockedBy: 'BALANCE_ZERO' }, `暂不能支付（${BLOCKER_SHORT.BALANCE_ZERO}）`, 'warning'],
    [{ status: 'active', canPay: false, blockedBy: 'OUT_OF_REGION' }, `暂不能支付（${BLOCKER_SHORT.OUT_OF_REGION}）`, 'warning'],
    [{ status: 'pending', canPay: false, blockedBy: null }, '待确认', 'warning'],
    [{ status: 'declined', canPay: false, blockedBy: null }, '已拒绝', 'danger'],
    [{ status: 'unbound', canPay: false, blockedBy: null }, '已解绑', 'muted'],
    [{ status: 'expired', canPay: false, blockedBy: null }, '已到期', 'muted'],
  ])('says %o in words (%s), the colour only repeats it', (props, label, tone) => {
    const { container } = render(<StatusTag {...props} />);
    expect(container.textContent).toBe(label);
    expect(container.firstElementChild?.className).toContain(`status-tag--${props.status}`);
    expect(container.firstElementChild?.className).toContain(`status-tag--${tone}`);
  });
});
