import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import Amount from '../index';

describe('Amount', () => {
  it.each([
    [123456, '¥1,234.56'],
    [0, '¥0.00'],
    [5, '¥0.05'],
    [100_000_000, '¥1,000,000.00'],
  ])('shows %i fen as %s', (fen, text) => {
    const { container } = render(<Amount fen={fen} />);
    expect(container.textContent).toBe(text);
  });

  it('says a refunded amount is a refund', () => {
    const { container } = render(<Amount fen={1230} tone='refund' />);
    expect(container.textContent).toBe('已退 ¥12.30');
  });

  it('carries its size and tone as classes', () => {
    const { container } = render(<Amount fen={1} size='large' tone='brand' className='home-balance' />);
    expect(container.firstElementChild?.className).toContain('amount--large');
    expect(container.firstElementChild?.className).toContain('amount--brand');
    expect(container.firstElementChild?.className).toContain('home-balance');
  });
});
