import { useCallback, useEffect, useRef, useState } from 'react';
import type { FooterState, ListStatus } from '@/components/list-state';
import { callFunction } from '@/services/cloud';
import type { CloudError, ListRecordsEvent, PaymentRecord } from '@/services/cloud/types';

export const RECORDS_PAGE_SIZE = 20;

export interface PagedRecords {
  items: PaymentRecord[];
  totalFen: number;
  status: ListStatus;
  error: CloudError | null;
  footer: FooterState;
  /** From the first page again (pull-to-refresh, a new filter). */
  refresh(): Promise<void>;
  /** The next page (onReachBottom, or a tap on the footer). */
  more(): Promise<void>;
}

/**
 * listRecords paged by cursor. A new filter starts over; answers to an older filter are
 * dropped (a fast tap on another month must not mix two months).
 */
export function usePagedRecords(filter: ListRecordsEvent | null): PagedRecords {
  const [items, setItems] = useState<PaymentRecord[]>([]);
  const [totalFen, setTotalFen] = useState(0);
  const [status, setStatus] = useState<ListStatus>('loading');
  const [error, setError] = useState<CloudError | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [pageState, setPageState] = useState<'idle' | 'loading' | 'error'>('idle');
  const generation = useRef(0);
  const key = JSON.stringify(filter);

  const refresh = useCallback(async () => {
    if (!filter) return;
    generation.current += 1;
    const mine = generation.current;
    setStatus('loading');
    setError(null);
    setPageState('idle');
    const answer = await callFunction('listRecords', { ...filter, limit: RECORDS_PAGE_SIZE });
    if (mine !== generation.current) return;
    if (answer.ok) {
      setItems(answer.data.items);
      setTotalFen(answer.data.totalFen);
      setCursor(answer.data.nextCursor);
      setStatus('ready');
    } else {
      setItems([]);
      setCursor(null);
      setError(answer.error);
      setStatus('error');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const more = useCallback(async () => {
    if (!filter || !cursor || pageState === 'loading' || status !== 'ready') return;
    const mine = generation.current;
    setPageState('loading');
    const answer = await callFunction('listRecords', { ...filter, cursor, limit: RECORDS_PAGE_SIZE });
    if (mine !== generation.current) return;
    if (answer.ok) {
      setItems((previous) => [...previous, ...answer.data.items.filter((r) => !previous.some((p) => p.recordId === r.recordId))]);
      setCursor(answer.data.nextCursor);
      setPageState('idle');
    } else {
      setError(answer.error);
      setPageState('error');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cursor, pageState, status]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  let footer: FooterState = 'none';
  if (status === 'ready' && items.length > 0) {
    footer = pageState === 'loading' ? 'loading' : pageState === 'error' ? 'error' : cursor ? 'more' : 'end';
  }
  return { items, totalFen, status, error, footer, refresh, more };
}
