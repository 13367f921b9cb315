import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { click } from '../../../../tests/ui/helpers';
import RelationshipPicker from '../index';

describe('RelationshipPicker', () => {
  it('offers the given relationships in Chinese and reports the choice', async () => {
    const change = vi.fn();
    const { container } = render(<RelationshipPicker options={['spouse', 'parent', 'child']} value='child' onChange={change} />);
    expect(Array.from(container.querySelectorAll('.relationship-option')).map((o) => o.textContent)).toEqual(['配偶', '父母', '子女']);
    expect(container.querySelector('.relationship-option--selected')?.textContent).toBe('子女');
    await click(container.querySelector('.relationship-option--parent')!);
    expect(change).toHaveBeenCalledWith('parent');
  });

  it('shows its error', () => {
    const { container } = render(<RelationshipPicker options={['spouse']} value={null} onChange={() => undefined} error='请选择与本人的关系' />);
    expect(container.querySelector('.field-error')?.textContent).toBe('请选择与本人的关系');
  });
});
