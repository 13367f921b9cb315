import { useMemo, useState } from 'react';
import { View, Text } from '@tarojs/components';
import Taro, { useLoad, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import Amount from '@/components/amount';
import FilterChips, { type ChipOption } from '@/components/filter-chips';
import ListState, { ListFooter } from '@/components/list-state';
import RecordItem from '@/components/record-item';
import { useSignedIn } from '@/hooks/useSignedIn';
import { usePagedRecords } from '@/hooks/usePagedRecords';
import { bindingStatusLabel } from '@/rules/payability';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import type { ListRecordsEvent } from '@/services/cloud/types';
import { useMembers } from '@/stores/members';
import { formatMonth, monthRange, recentMonths } from '@/utils/date';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import { replaceQuery } from '@/services/pageUrl';
import './index.scss';

const ALL = 'all';

/** Every payment from my account, filtered by relative and month, with the total. */
export default function RecordsPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const { asSharer, load } = useMembers();
  // The filters live in the URL (H5): a reload or a shared link shows the same records.
  const params = useRouter().params;
  const [bindingId, setBindingIdState] = useState(params.bindingId ?? ALL);
  const [month, setMonthState] = useState(params.month && /^\d{4}-\d{2}$/.test(params.month) ? params.month : ALL);
  const setBindingId = (value: string) => {
    setBindingIdState(value);
    replaceQuery({ bindingId: value === ALL ? undefined : value });
  };
  const setMonth = (value: string) => {
    setMonthState(value);
    replaceQuery({ month: value === ALL ? undefined : value });
  };

  useLoad(() => {
    if (useMembers.getState().status === 'idle') void load();
  });

  const filter = useMemo<ListRecordsEvent>(
    () => ({
      role: 'sharer',
      ...(bindingId !== ALL ? { bindingId } : {}),
      ...(month !== ALL ? monthRange(month) : {}),
    }),
    [bindingId, month],
  );
  const records = usePagedRecords(filter);

  usePullDownRefresh(async () => {
    await records.refresh();
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void records.more());

  const relativeOptions: ChipOption[] = [
    { value: ALL, label: '全部亲属' },
    // A request that waits or was refused never paid: nothing to filter by.
    ...asSharer
      .filter((b) => b.status !== 'pending' && b.status !== 'declined')
      .map((b) => ({
        value: b.bindingId,
        label: `${b.relative.name}（${RELATIONSHIP_LABELS[b.relationship]}${b.status === 'active' ? '' : `，${bindingStatusLabel(b)}`}）`,
      })),
  ];
  const monthOptions: ChipOption[] = [
    { value: ALL, label: '全部时间' },
    ...recentMonths(new Date(), 12).map((m) => ({ value: m, label: formatMonth(m) })),
  ];
  const who = relativeOptions.find((o) => o.value === bindingId)?.label ?? '全部亲属';

  return (
    <View className={`page records ${rootClass}`}>
      <TitleBar title='共济支付记录' />
      <FilterChips name='relative' options={relativeOptions} value={bindingId} onChange={setBindingId} />
      <FilterChips name='month' options={monthOptions} value={month} onChange={setMonth} />
      <View className='card records-total'>
        <Text className='records-total__caption'>
          {month === ALL ? '全部时间' : formatMonth(month)} · {who} · 共济合计（已扣除退款）
        </Text>
        {records.status === 'ready' ? (
          <Amount fen={records.totalFen} size='large' tone='brand' className='records-total__amount' />
        ) : (
          <Text className='records-total__placeholder'>—</Text>
        )}
      </View>
      <View className='records__list'>
        <ListState
          status={records.status}
          count={records.items.length}
          emptyText='没有符合条件的共济支付记录'
          emptyHint='换个亲属或月份看看'
          errorText={records.error?.message}
          onRetry={() => void records.refresh()}
        >
          {records.items.map((record) => (
            <RecordItem key={record.recordId} record={record} role='sharer' />
          ))}
          <ListFooter state={records.footer} errorText={records.error?.message} onMore={() => void records.more()} />
        </ListState>
      </View>
    </View>
  );
}
