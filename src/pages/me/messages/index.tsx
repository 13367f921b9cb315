import { useRef, useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useLoad, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import Banner from '@/components/banner';
import ListState, { ListFooter, type FooterState, type ListStatus } from '@/components/list-state';
import { useSignedIn } from '@/hooks/useSignedIn';
import { callFunction } from '@/services/cloud';
import type { CloudError, Message } from '@/services/cloud/types';
import { ROUTES, go, type Route } from '@/services/routes';
import { formatDateTime } from '@/utils/date';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

export const MESSAGES_PAGE_SIZE = 20;

/** Where a message leads, if anywhere: the request to answer, the family account, or the binding. */
export function messageTarget(message: Message): { route: Route; params?: Record<string, string> } | null {
  if (message.kind === 'binding_requested') return { route: ROUTES.covered };
  if (message.kind === 'family_member_requested' || message.kind === 'family_member_confirmed') return { route: ROUTES.familyAccount };
  if (message.ref?.bindingId) return { route: ROUTES.relativeDetail, params: { bindingId: message.ref.bindingId } };
  return null;
}

/**
 * The message centre (SPEC 2.8): newest first, paged by cursor. What is shown is marked read on
 * the server at once; it keeps its 未读 mark here until the page is left, so that the person can
 * see what is new. 全部已读 marks the rest too, pages not loaded yet included.
 */
export default function MessagesPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const [items, setItems] = useState<Message[]>([]);
  /** Unread when they were shown. */
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  /** Unread messages not shown yet (on later pages). */
  const [unreadElsewhere, setUnreadElsewhere] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<ListStatus>('loading');
  const [pageState, setPageState] = useState<'idle' | 'loading' | 'error'>('idle');
  const [error, setError] = useState<CloudError | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [markingAll, setMarkingAll] = useState(false);
  const generation = useRef(0);

  /** Tells the server that these were shown; returns how many it marked. */
  const markShown = async (page: readonly Message[]): Promise<number> => {
    const messageIds = page.filter((m) => m.readAt === null).map((m) => m.messageId);
    if (messageIds.length === 0) return 0;
    const answer = await callFunction('markMessagesRead', { messageIds });
    return answer.ok ? messageIds.length : 0;
  };

  const refresh = async () => {
    generation.current += 1;
    const mine = generation.current;
    setStatus('loading');
    setError(null);
    setPageState('idle');
    const answer = await callFunction('listMessages', { limit: MESSAGES_PAGE_SIZE });
    if (mine !== generation.current) return;
    if (!answer.ok) {
      setItems([]);
      setCursor(null);
      setError(answer.error);
      setStatus('error');
      return;
    }
    const { items: page, nextCursor, unread } = answer.data;
    setItems(page);
    setFresh(new Set(page.filter((m) => m.readAt === null).map((m) => m.messageId)));
    setCursor(nextCursor);
    setStatus('ready');
    const marked = await markShown(page);
    if (mine === generation.current) setUnreadElsewhere(Math.max(0, unread - marked));
  };

  const more = async () => {
    if (!cursor || pageState === 'loading' || status !== 'ready') return;
    const mine = generation.current;
    setPageState('loading');
    const answer = await callFunction('listMessages', { cursor, limit: MESSAGES_PAGE_SIZE });
    if (mine !== generation.current) return;
    if (!answer.ok) {
      setError(answer.error);
      setPageState('error');
      return;
    }
    const page = answer.data.items.filter((m) => !items.some((shown) => shown.messageId === m.messageId));
    setItems((previous) => [...previous, ...page]);
    setFresh((previous) => new Set([...previous, ...page.filter((m) => m.readAt === null).map((m) => m.messageId)]));
    setCursor(answer.data.nextCursor);
    setPageState('idle');
    const marked = await markShown(page);
    if (mine === generation.current) setUnreadElsewhere(Math.max(0, answer.data.unread - marked));
  };

  const markAll = async () => {
    setMarkingAll(true);
    setBanner(null);
    const answer = await callFunction('markMessagesRead', {});
    setMarkingAll(false);
    if (!answer.ok) {
      setBanner(answer.error.message);
      return;
    }
    setFresh(new Set());
    setUnreadElsewhere(0);
    void Taro.showToast({ title: '已全部标为已读', icon: 'success' });
  };

  useLoad(() => void refresh());
  usePullDownRefresh(async () => {
    await refresh();
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void more());

  const unread = fresh.size + unreadElsewhere;
  let footer: FooterState = 'none';
  if (status === 'ready' && items.length > 0) {
    footer = pageState === 'loading' ? 'loading' : pageState === 'error' ? 'error' : cursor ? 'more' : 'end';
  }

  return (
    <View className={`page messages ${rootClass}`}>
      <TitleBar title='消息中心' />
      <Banner message={banner} />
      <View className='messages__head'>
        <Text className='messages__count'>{unread > 0 ? `${unread} 条未读` : '没有未读消息'}</Text>
        {unread > 0 && (
          <Button className='messages-read-all' loading={markingAll} disabled={markingAll || undefined} onClick={() => void markAll()}>
            全部已读
          </Button>
        )}
      </View>
      <ListState
        status={status}
        count={items.length}
        emptyText='还没有消息'
        emptyHint='有人申请为您开通共济、共济账户付款或退款、共济关系变化时，都会在这里通知您。'
        errorText={error?.message}
        onRetry={() => void refresh()}
      >
        {items.map((message) => {
          const isNew = fresh.has(message.messageId);
          const target = messageTarget(message);
          return (
            <View
              key={message.messageId}
              className={`message message--${message.kind}${isNew ? ' message--unread' : ''}`}
              onClick={target ? () => go(target.route, target.params) : undefined}
            >
              <View className='message__head'>
                {isNew && <Text className='message__new'>未读</Text>}
                <Text className='message__title'>{message.title}</Text>
              </View>
              <Text className='message__body'>{message.body}</Text>
              <View className='message__foot'>
                <Text className='message__time'>{formatDateTime(message.createdAt)}</Text>
                {target && <Text className='message__more'>查看 ›</Text>}
              </View>
            </View>
          );
        })}
        <ListFooter state={footer} errorText={error?.message} onMore={() => void more()} />
      </ListState>
    </View>
  );
}
