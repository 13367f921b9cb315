import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { click } from '../../../../tests/ui/helpers';
import ListState, { ListFooter } from '../index';

describe('ListState', () => {
  it('says it is loading while the first page comes', () => {
    render(<ListState status='loading' count={0} emptyText='空' />);
    expect(screen.getByText('加载中…')).toBeTruthy();
  });

  it('shows the error and retries on a tap', async () => {
    const retry = vi.fn();
    const { container } = render(<ListState status='error' count={0} emptyText='空' errorText='网络异常，请稍后重试' onRetry={retry} />);
    expect(screen.getByText('网络异常，请稍后重试')).toBeTruthy();
    await click(container.querySelector('.list-state__retry')!);
    expect(retry).toHaveBeenCalled();
  });

  it('says the list is empty, with a hint', () => {
    render(<ListState status='ready' count={0} emptyText='还没有添加共济亲属' emptyHint='添加后……' />);
    expect(screen.getByText('还没有添加共济亲属')).toBeTruthy();
    expect(screen.getByText('添加后……')).toBeTruthy();
  });

  it('shows the items, and keeps them while it reloads', () => {
    const { rerender } = render(
      <ListState status='ready' count={1} emptyText='空'>
        <span>一项</span>
      </ListState>,
    );
    expect(screen.getByText('一项')).toBeTruthy();
    rerender(
      <ListState status='loading' count={1} emptyText='空'>
        <span>一项</span>
      </ListState>,
    );
    expect(screen.getByText('一项')).toBeTruthy();
  });
});

describe('ListFooter', () => {
  it.each([
    ['more', '加载更多'],
    ['loading', '加载中…'],
    ['end', '没有更多了'],
  ] as const)('in state %s says %s', (state, text) => {
    render(<ListFooter state={state} />);
    expect(screen.getByText(text)).toBeTruthy();
  });

  it('loads more on a tap', async () => {
    const more = vi.fn();
    const { container } = render(<ListFooter state='more' onMore={more} />);
    await click(container.querySelector('.list-footer')!);
    expect(more).toHaveBeenCalled();
  });
});
