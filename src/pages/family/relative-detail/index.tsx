import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useLoad, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import BindingCard from '@/components/binding-card';
import ConsentRequest from '@/components/consent-request';
import ConfirmDialog from '@/components/confirm-dialog';
import ListState from '@/components/list-state';
import PremiumCard from '@/components/premium-card';
import QuotaDialog from '@/components/quota-dialog';
import RecordSection from '@/components/record-section';
import { useSignedIn } from '@/hooks/useSignedIn';
import { usePagedRecords } from '@/hooks/usePagedRecords';
import { useRequestAnswers } from '@/hooks/useRequestAnswers';
import { callFunction } from '@/services/cloud';
import { ROUTES, go } from '@/services/routes';
import { findBinding, useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import NotFound from '@/components/not-found';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

/**
 * One binding, from either side: its status, its payments (paged), leaving it with a plain
 * confirmation when I may. A request waiting for me shows my answers instead.
 */
export default function RelativeDetailPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const bindingId = useRouter().params.bindingId ?? '';
  const members = useMembers();
  const found = findBinding(members, bindingId);
  const role = found?.binding.viewerRole ?? 'sharer';
  // Nothing was ever paid under a request that waits or was refused; a sharer may not see a pending one's anyway.
  const paysOrPaid = found !== null && found.binding.status !== 'pending' && found.binding.status !== 'declined';
  const records = usePagedRecords(bindingId && paysOrPaid ? { role, bindingId } : null);
  const answers = useRequestAnswers();
  const [dialog, setDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [quotaOpen, setQuotaOpen] = useState(false);
  const freeBalanceFen = useProfile((s) => s.me?.person?.freeBalanceFen);

  useLoad(() => {
    if (!findBinding(useMembers.getState(), bindingId)) void useMembers.getState().load();
    // The free balance bounds a quota (SPEC 2.11).
    if (!useProfile.getState().me) void useProfile.getState().load();
  });
  usePullDownRefresh(async () => {
    await Promise.all([members.load(), records.refresh()]);
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void records.more());

  if (!found) {
    const missing = members.status === 'ready' || members.status === 'error';
    if (missing && members.status === 'ready') {
      return (
        <View className={`page relative-detail-missing ${rootClass}`}>
          <TitleBar title='共济亲属' />
          <NotFound message='没有找到这条共济关系：它可能已被解除，或者不属于您的账号。' />
        </View>
      );
    }
    return (
      <View className={`page ${rootClass}`}>
        <TitleBar title='共济亲属' />
        <ListState
          status={members.status === 'error' ? 'error' : 'loading'}
          count={0}
          emptyText='未找到该共济关系，可能已被删除或不属于您'
          errorText={members.error?.message}
          onRetry={() => void members.load()}
        />
      </View>
    );
  }

  const { binding } = found;
  const other = role === 'sharer' ? binding.relative.name : binding.sharer.name;
  const pending = binding.status === 'pending';

  const unbind = async () => {
    setBusy(true);
    setDialogError(null);
    const answer = await callFunction('unbindRelative', { bindingId });
    setBusy(false);
    if (!answer.ok) {
      setDialogError(answer.error.message);
      return;
    }
    members.upsert(answer.data.binding);
    setDialog(false);
    void Taro.showToast({ title: pending ? '已撤回申请' : role === 'sharer' ? '已解除共济' : '已退出共济', icon: 'success' });
  };

  const awaitsMe = role === 'relative' && binding.status === 'pending';
  const mayQuota = role === 'sharer' && binding.status === 'active';
  const hasQuota = typeof binding.quotaFen === 'number';
  const premium = role === 'sharer' && binding.status === 'active' ? binding.premium ?? null : null;
  const leaveText = pending ? '撤回申请' : role === 'sharer' ? '解除共济' : '退出共济';

  return (
    <View className={`page relative-detail ${rootClass}`}>
      <TitleBar title='共济亲属' />
      {awaitsMe ? <ConsentRequest request={{ kind: 'binding', binding }} answers={answers} /> : <BindingCard binding={binding} />}
      {role === 'sharer' && pending && (
        <Text className='relative-detail__remind'>请提醒{other}本人登录“医保家庭共济”，完成实名认证后，在首页的申请上点“同意”。</Text>
      )}
      {!awaitsMe && (
        <View className='relative-detail__actions'>
          {!pending && (
            <Button className='small-button small-button--plain detail-diagnose' onClick={() => go(ROUTES.diagnose, { bindingId })}>
              支付不成功？
            </Button>
          )}
          {mayQuota && (
            <Button className='small-button small-button--plain detail-quota' onClick={() => setQuotaOpen(true)}>
              {hasQuota ? '调整共济额度' : '设定共济额度'}
            </Button>
          )}
          {binding.canLeave && (
            <Button className='small-button small-button--danger detail-unbind' onClick={() => setDialog(true)}>
              {leaveText}
            </Button>
          )}
        </View>
      )}
      {role === 'relative' && !binding.canLeave && (binding.status === 'active' || pending) && (
        <Text className='relative-detail__note detail-cannot-leave'>未满规定年龄的亲属不能自行退出共济，如需解除，请由共济人或到医保经办大厅办理。</Text>
      )}

      {premium && (
        <PremiumCard
          binding={{ ...binding, premium }}
          onPaid={() => {
            void members.load();
            void records.refresh();
            void useProfile.getState().load();
          }}
        />
      )}

      {paysOrPaid && (
        <RecordSection
          title='支付记录'
          records={records}
          role={role}
          emptyText={role === 'sharer' ? `您的账户还没有为${other}支付过` : '还没有为您支付的记录'}
        />
      )}

      {mayQuota && (
        <QuotaDialog
          open={quotaOpen}
          binding={binding}
          freeBalanceFen={freeBalanceFen}
          onCancel={() => setQuotaOpen(false)}
          onDone={(changed) => {
            members.upsert(changed);
            setQuotaOpen(false);
            void useProfile.getState().load();
            void Taro.showToast({ title: '共济额度已更新', icon: 'success' });
          }}
        />
      )}

      <ConfirmDialog
        open={dialog}
        title={pending ? `撤回对${other}的共济申请？` : role === 'sharer' ? `解除与${other}的家庭共济？` : `退出${other}的家庭共济？`}
        confirmText={pending ? '确认撤回' : role === 'sharer' ? '确认解除' : '确认退出'}
        tone='danger'
        busy={busy}
        error={dialogError}
        onConfirm={() => void unbind()}
        onCancel={() => {
          setDialog(false);
          setDialogError(null);
        }}
      >
        <Text className='unbind-explain'>
          {pending
            ? `撤回后申请作废，${other}不会再看到这条申请。如需共济，需要重新添加。`
            : `${
                role === 'sharer'
                  ? `解除后立即生效：${other}今后看病买药不能再使用您的个人账户支付${
                      hasQuota && binding.status === 'active' ? '；剩余的共济额度立即退回您的可用余额' : ''
                    }。`
                  : `退出后立即生效：${other}的个人账户今后不再为您支付。`
              }已经发生的支付记录会保留，你们双方仍然可以查看。如需再次共济，需要重新添加。`}
        </Text>
      </ConfirmDialog>
    </View>
  );
}
