import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import Amount from '@/components/amount';
import Banner from '@/components/banner';
import BindingCard from '@/components/binding-card';
import ListState from '@/components/list-state';
import { useSignedIn } from '@/hooks/useSignedIn';
import { bindingStatusLabel } from '@/rules/payability';
import type { Binding } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { countByStatus, sortForList, useMembers, type StatusGroup } from '@/stores/members';
import { canShare, useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

const label = (status: Binding['status'], canPay = false) => bindingStatusLabel({ status, canPay, blockedBy: null });

/** The header's groups: 生效 always, the others when there are any. */
const GROUPS: ReadonlyArray<{ group: StatusGroup; label: string; always?: boolean }> = [
  { group: 'payable', label: label('active', true), always: true },
  { group: 'blocked', label: '暂不能支付' },
  { group: 'pending', label: label('pending') },
  { group: 'declined', label: label('declined') },
  { group: 'unbound', label: label('unbound') },
  { group: 'expired', label: label('expired') },
];

/** `生效 2 人 · 待确认 1 人`. */
export function countsText(bindings: readonly Binding[]): string {
  const counts = countByStatus(bindings);
  return GROUPS.filter((g) => g.always || counts[g.group] > 0)
    .map((g) => `${g.label} ${counts[g.group]} 人`)
    .join(' · ');
}

/** The sharer's relatives: status, spent this month and in total; add one; open one. */
export default function MembersPage() {
  const { rootClass } = useDisplay();
  const signedIn = useSignedIn();
  const { asSharer, status, error, load } = useMembers();
  const me = useProfile((s) => s.me);
  // Unknown until `me` answers: offer nothing that may turn out impossible.
  const sharer = me !== null && canShare(me);

  useDidShow(() => {
    if (!signedIn) return;
    void load();
    if (!useProfile.getState().me) void useProfile.getState().load();
  });
  usePullDownRefresh(async () => {
    await load();
    void Taro.stopPullDownRefresh();
  });

  const ordered = sortForList(asSharer);
  const monthTotal = asSharer.reduce((sum, b) => sum + b.spentThisMonthFen, 0);
  const total = asSharer.reduce((sum, b) => sum + b.spentFen, 0);

  const add = () => {
    useRelativeDraft.getState().reset();
    go(ROUTES.relativeAdd);
  };

  return (
    <View className={`page members ${rootClass}`}>
      <TitleBar title='家庭共济' />
      <View className='card members-summary'>
        <View className='members-summary__numbers'>
          <View className='members-summary__number'>
            <Text className='members-summary__caption'>本月共济</Text>
            <Amount fen={monthTotal} size='medium' tone='brand' />
          </View>
          <View className='members-summary__number'>
            <Text className='members-summary__caption'>累计共济</Text>
            <Amount fen={total} size='medium' />
          </View>
        </View>
        <Text className='members-summary__counts'>{countsText(asSharer)}</Text>
        {sharer && (
          <Button className='primary-button members-add' onClick={add}>
            添加共济亲属
          </Button>
        )}
      </View>
      {me && !sharer && (
        <Banner
          tone='info'
          className='members-cannot-add'
          message='只有参保状态正常的职工医保参保人才能添加共济亲属：居民医保没有个人账户。已有的共济亲属和支付记录仍可在这里查看。'
        />
      )}

      <Text className='section-title'>我的共济亲属</Text>
      <ListState
        status={status === 'idle' ? 'loading' : status}
        count={asSharer.length}
        emptyText='还没有添加共济亲属'
        emptyHint='添加后，亲属看病买药时可以用您的职工医保个人账户余额支付。'
        errorText={error?.message}
        onRetry={() => void load()}
      >
        {ordered.map((binding) => (
          <BindingCard
            key={binding.bindingId}
            binding={binding}
            onTap={() => go(ROUTES.relativeDetail, { bindingId: binding.bindingId })}
          />
        ))}
      </ListState>
      <View className='members__links'>
        <Text className='text-button members-records' onClick={() => go(ROUTES.records)}>
          查看全部支付记录
        </Text>
      </View>
    </View>
  );
}
