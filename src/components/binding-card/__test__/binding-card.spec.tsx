import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { binding } from '../../../../tests/ui/cloud';
import BindingCard from '../index';

describe('BindingCard', () => {
  it("shows my relative, the status and what was spent this month and in total", () => {
    const { container } = render(<BindingCard binding={binding()} role='sharer' />);
    expect(container.querySelector('.binding-card__name')?.textContent).toBe('李娜');
    expect(container.querySelector('.binding-card__relation')?.textContent).toBe('配偶');
    expect(container.querySelector('.status-tag')?.textContent).toBe('生效');
    const amounts = Array.from(container.querySelectorAll('.amount')).map((a) => a.textContent);
    expect(amounts).toEqual(['¥35.00', '¥163.50']);
    expect(container.textContent).toContain('1301**********2424');
    expect(container.textContent).toContain('2026年1月10日 开通');
  });

  it('shows who pays for me when I am the relative', () => {
    const { container } = render(
      <BindingCard binding={binding({ sharer: { name: '张*', idNumberMasked: '1301**********131X' } })} role='relative' />,
    );
    expect(container.querySelector('.binding-card__name')?.textContent).toBe('张*');
    expect(container.querySelector('.binding-card__relation')?.textContent).toBe('您是其配偶');
  });

  it.each([
    ['pending', '待确认'],
    ['unbound', '已解绑'],
  ] as const)('labels a %s binding %s', (status, label) => {
    const { container } = render(
      <BindingCard binding={binding({ status, endedAt: status === 'unbound' ? '2026-02-01T01:00:00Z' : undefined })} role='sharer' />,
    );
    expect(container.querySelector('.status-tag')?.textContent).toBe(label);
    if (status === 'unbound') expect(container.textContent).toContain('2026年2月1日 解除');
  });
});
