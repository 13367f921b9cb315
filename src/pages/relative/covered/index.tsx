import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import BindingCard from '@/components/binding-card';
import ConfirmDialog from '@/components/confirm-dialog';
import ConsentRequest from '@/components/consent-request';
import ListState from '@/components/list-state';
import RecordSection from '@/components/record-section';
import { useSignedIn } from '@/hooks/useSignedIn';
import { usePagedRecords } from '@/hooks/usePagedRecords';
import { useRequestAnswers } from '@/hooks/useRequestAnswers';
import { callFunction } from '@/services/cloud';
import type { Binding } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { sortForList, useMembers } from '@/stores/members';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

const RELATIVE_FILTER = { role: 'relative' } as const;

/**
 * As a relative: requests that wait for my answer, whose accounts pay for me (with their
 * status), every payment made for me; leave a binding when I may.
 */
export default function CoveredPage() {
  const { rootClass } = useDisplay();
  const signedIn = useSignedIn();
  const { asRelative, status, error, load, upsert } = useMembers();
  const records = usePagedRecords(RELATIVE_FILTER);
  const answers = useRequestAnswers(() => void records.refresh());
  const [leaving, setLeaving] = useState<Binding | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  useDidShow(() => {
    if (signedIn) void load();
  });
  usePullDownRefresh(async () => {
    await Promise.all([load(), records.refresh()]);
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void records.more());

  const leave = async () => {
    if (!leaving) return;
    setBusy(true);
    setDialogError(null);
    const answer = await callFunction('unbindRelative', { bindingId: leaving.bindingId });
    setBusy(false);
    if (!answer.ok) {
      setDialogError(answer.error.message);
      return;
    }
    upsert(answer.data.binding);
    setLeaving(null);
    void Taro.showToast({ title: '已退出共济', icon: 'success' });
  };

  const requests = asRelative.filter((b) => b.status === 'pending');
  const others = sortForList(asRelative.filter((b) => b.status !== 'pending'));

  return (
    <View className={`page covered ${rootClass}`}>
      <TitleBar title='为我支付的共济' />
      {requests.length > 0 && (
        <>
          <Text className='section-title covered-requests-title'>等您确认的申请（{requests.length}）</Text>
          {requests.map((binding) => (
            <ConsentRequest key={binding.bindingId} request={{ kind: 'binding', binding }} answers={answers} />
          ))}
        </>
      )}
      <Text className='section-title'>为我付费的家人</Text>
      <ListState
        status={status === 'idle' ? 'loading' : status}
        count={others.length + requests.length}
        emptyText='还没有家人为您开通家庭共济'
        emptyHint='参加职工医保的家人可以在“家庭共济”中添加您。'
        errorText={error?.message}
        onRetry={() => void load()}
      >
        {others.length === 0 && <Text className='covered__none'>确认申请后，对方会显示在这里。</Text>}
        {others.map((binding) => (
          <BindingCard
            key={binding.bindingId}
            binding={binding}
            actions={
              binding.status === 'active' ? (
                <>
                  <Button className='small-button small-button--plain covered-diagnose' onClick={() => go(ROUTES.diagnose, { bindingId: binding.bindingId })}>
                    支付不成功？
                  </Button>
                  {binding.canLeave ? (
                    <Button className='small-button small-button--danger covered-leave' disabled={busy || undefined} onClick={() => setLeaving(binding)}>
                      退出共济
                    </Button>
                  ) : (
                    <Text className='covered-cannot-leave'>未满规定年龄不能自行退出</Text>
                  )}
                </>
              ) : undefined
            }
          />
        ))}
      </ListState>

      <RecordSection title='为我支付的记录' records={records} role='relative' emptyText='还没有家人的账户为您支付过' />

      <ConfirmDialog
        open={leaving !== null}
        title='退出这条家庭共济？'
        confirmText='确认退出'
        tone='danger'
        busy={busy}
        error={dialogError}
        onConfirm={() => void leave()}
        onCancel={() => {
          setLeaving(null);
          setDialogError(null);
        }}
      >
        <Text className='leave-explain'>
          退出后立即生效：{leaving?.sharer.name}的个人账户今后不再为您支付。已经发生的支付记录会保留，你们双方仍然可以查看。如需再次共济，需要对方重新添加。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
