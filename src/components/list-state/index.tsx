import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import './index.scss';

export type ListStatus = 'loading' | 'error' | 'ready';

export interface ListStateProps {
  status: ListStatus;
  /** Items present: `ready` with none shows the empty text. */
  count: number;
  emptyText: string;
  emptyHint?: string;
  errorText?: string | null;
  onRetry?: () => void;
  children?: ReactNode;
}

/** The loading, error and empty states of a list, or the list itself. */
export default function ListState({ status, count, emptyText, emptyHint, errorText, onRetry, children }: ListStateProps) {
  if (status === 'loading' && count === 0) {
    return (
      <View className='list-state list-state--loading'>
        <Text>加载中…</Text>
      </View>
    );
  }
  if (status === 'error' && count === 0) {
    return (
      <View className='list-state list-state--error'>
        <Text className='list-state__text'>{errorText || '加载失败，请稍后重试'}</Text>
        {onRetry && (
          <Button className='list-state__retry' size='mini' onClick={onRetry}>
            重新加载
          </Button>
        )}
      </View>
    );
  }
  if (status === 'ready' && count === 0) {
    return (
      <View className='list-state list-state--empty'>
        <Text className='list-state__text'>{emptyText}</Text>
        {emptyHint && <Text className='list-state__hint'>{emptyHint}</Text>}
      </View>
    );
  }
  return <>{children}</>;
}

export type FooterState = 'more' | 'loading' | 'end' | 'error' | 'none';

/** Under a paged list: more to load (tap or scroll), loading, the end, or a failed page. */
export function ListFooter({ state, onMore, errorText }: { state: FooterState; onMore?: () => void; errorText?: string | null }) {
  if (state === 'none') return null;
  const text =
    state === 'loading' ? '加载中…' : state === 'end' ? '没有更多了' : state === 'error' ? `${errorText || '加载失败'}，点击重试` : '加载更多';
  const tappable = state === 'more' || state === 'error';
  return (
    <View className={`list-footer list-footer--${state}`} onClick={tappable ? onMore : undefined}>
      <Text>{text}</Text>
    </View>
  );
}
