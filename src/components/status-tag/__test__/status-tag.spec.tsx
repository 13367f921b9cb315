import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import StatusTag from '../index';

describe('StatusTag', () => {
  it.each([
    ['active', '生效'],
    ['pending', '待确认'],
    ['unbound', '已解绑'],
  ] as const)('shows %s as %s', (status, label) => {
    const { container } = render(<StatusTag status={status} />);
    expect(container.textContent).toBe(label);
    expect(container.firstElementChild?.className).toContain(`status-tag--${status}`);
  });
});
