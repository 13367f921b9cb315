import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import type { Message } from '@/services/cloud/types';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';
import { reachBottom } from '../../../../../tests/ui/taro-mock';
import { message, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../../tests/ui/helpers';
import MessagesPage, { MESSAGES_PAGE_SIZE, messageTarget } from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const PAID = message({ messageId: id(1), readAt: null, ref: { bindingId: 'b1', settlementId: 's1' } });
const ASKED = message({ messageId: id(2), kind: 'binding_requested', title: '有人申请为您开通家庭共济', body: '张*申请……', readAt: null });
const OLD = message({ messageId: id(3), kind: 'identity_linked', title: '实名认证成功', body: '您已通过预留手机号验证完成实名认证，可以使用家庭共济。', readAt: '2026-02-01T00:00:00Z' });

async function renderPage() {
  const view = render(<MessagesPage />);
  await settle();
  await settle();
  return view;
}

describe('the message centre', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    vi.mocked(callFunction).mockClear();
  });

  it('lists the messages as the server orders them (newest first), the unread ones marked in words', async () => {
    programCloud(callFunction, {
      listMessages: () => ok({ items: [PAID, ASKED, OLD], nextCursor: null, unread: 2 }),
      markMessagesRead: (event) => ok({ marked: event.messageIds?.length ?? 0 }),
    });
    const { container } = await renderPage();
    const titles = Array.from(container.querySelectorAll('.message__title')).map((t) => t.textContent);
    expect(titles).toEqual([PAID.title, ASKED.title, OLD.title]);
    const marks = Array.from(container.querySelectorAll('.message')).map((m) => m.querySelector('.message__new')?.textContent ?? '');
    expect(marks).toEqual(['未读', '未读', '']);
    expect(container.querySelector('.messages__count')?.textContent).toBe('2 条未读');
    expect(container.textContent).toContain('2026年3月1日 10:00');
  });

  it('marks what it shows as read on the server, and only that', async () => {
    const cloud = programCloud(callFunction, {
      listMessages: () => ok({ items: [PAID, ASKED, OLD], nextCursor: 'c2', unread: 5 }),
      markMessagesRead: (event) => ok({ marked: event.messageIds?.length ?? 0 }),
    });
    const { container } = await renderPage();
    expect(cloud).toHaveBeenCalledWith('listMessages', { limit: MESSAGES_PAGE_SIZE });
    expect(cloud).toHaveBeenCalledWith('markMessagesRead', { messageIds: [PAID.messageId, ASKED.messageId] });
    // Two shown and still marked here, three more on later pages.
    expect(container.querySelector('.messages__count')?.textContent).toBe('5 条未读');
  });

  it('loads the next page by cursor at the bottom, and marks that page too', async () => {
    const later = message({ messageId: id(9), title: '更早的消息', readAt: null });
    const cloud = programCloud(callFunction, {
      listMessages: (event) =>
        event.cursor === 'c2' ? ok({ items: [later], nextCursor: null, unread: 1 }) : ok({ items: [PAID], nextCursor: 'c2', unread: 2 }),
      markMessagesRead: (event) => ok({ marked: event.messageIds?.length ?? 0 }),
    });
    const { container } = await renderPage();
    expect(container.querySelector('.list-footer--more')).not.toBeNull();
    await reachBottom();
    await settle();
    await settle();
    expect(cloud).toHaveBeenCalledWith('listMessages', { cursor: 'c2', limit: MESSAGES_PAGE_SIZE });
    expect(cloud).toHaveBeenCalledWith('markMessagesRead', { messageIds: [later.messageId] });
    expect(container.querySelectorAll('.message')).toHaveLength(2);
    expect(container.querySelector('.list-footer--end')).not.toBeNull();
  });

  it('marks everything read with 全部已读', async () => {
    const cloud = programCloud(callFunction, {
      listMessages: () => ok({ items: [PAID], nextCursor: 'c2', unread: 4 }),
      markMessagesRead: (event) => ok({ marked: event.messageIds?.length ?? 3 }),
    });
    const { container } = await renderPage();
    await click(buttonOf(container, 'messages-read-all'));
    await settle();
    expect(cloud).toHaveBeenLastCalledWith('markMessagesRead', {});
    expect(container.querySelector('.message--unread')).toBeNull();
    expect(container.querySelector('.messages__count')?.textContent).toBe('没有未读消息');
    expect(container.querySelector('.messages-read-all')).toBeNull();
  });

  it('says when there is nothing', async () => {
    programCloud(callFunction, { listMessages: () => ok({ items: [], nextCursor: null, unread: 0 }) });
    const { container } = await renderPage();
    expect(container.querySelector('.list-state--empty')?.textContent).toContain('还没有消息');
  });

  it.each<[Message, string | null]>([
    [ASKED, ROUTES.covered],
    [message({ kind: 'family_member_requested' }), ROUTES.familyAccount],
    [PAID, `${ROUTES.relativeDetail}?bindingId=b1`],
    [OLD, null],
  ])('leads from a message to where it matters (%#)', async (item, url) => {
    const target = messageTarget(item);
    if (url === null) {
      expect(target).toBeNull();
      return;
    }
    programCloud(callFunction, { listMessages: () => ok({ items: [item], nextCursor: null, unread: 0 }) });
    const { container } = await renderPage();
    await click(container.querySelector('.message')!);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url });
  });
});
