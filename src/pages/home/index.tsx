import { useEffect, useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import Amount from '@/components/amount';
import Banner from '@/components/banner';
import ConfirmDialog from '@/components/confirm-dialog';
import ConsentRequest, { requestId, type PendingRequest } from '@/components/consent-request';
import { useLogout } from '@/hooks/useLogout';
import { useRequestAnswers } from '@/hooks/useRequestAnswers';
import { useSignedIn } from '@/hooks/useSignedIn';
import { maskPhone } from '@/rules/mask';
import { formatFen } from '@/rules/money';
import { callFunction } from '@/services/cloud';
import type { MeData, Membership } from '@/services/cloud/types';
import { ROUTES, go, type Route } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { canShare, useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { useSettings } from '@/stores/settings';
import { callHelpLine, HELP_LINE } from '@/services/helpLine';
import { INSURANCE_TYPE_LABELS, PERSON_STATUS_LABELS, regionLabel } from '@/utils/labels';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

interface Entry {
  key: string;
  route: Route;
  title: string;
  text: string;
}

const SHARER_ENTRIES: Entry[] = [
  { key: 'members', route: ROUTES.members, title: '家庭共济', text: '添加亲属，查看每位亲属花了多少' },
  { key: 'records', route: ROUTES.records, title: '共济支付记录', text: '我的账户为亲属支付的每一笔' },
];

const EVERYONE_ENTRIES: Entry[] = [
  { key: 'covered', route: ROUTES.covered, title: '为我支付的共济', text: '谁的账户在为我付费，每一笔记录' },
  { key: 'diagnose', route: ROUTES.diagnose, title: '为什么没有用共济支付？', text: '逐项检查，告诉您该怎么办' },
  { key: 'family-account', route: ROUTES.familyAccount, title: '亲情账户与家庭共济', text: '两者有什么不同？出示亲属医保码' },
];

/**
 * The entries that fit the person: an employee-insured person shares (their relatives and
 * records; a suspended one keeps seeing them); everyone sees who pays for them, why mutual aid
 * did not pay, and the family account.
 */
export function entriesFor(me: MeData | null): Entry[] {
  if (me?.person?.insuranceType !== 'employee') return EVERYONE_ENTRIES;
  if (canShare(me)) return [...SHARER_ENTRIES, ...EVERYONE_ENTRIES];
  const [members, records] = SHARER_ENTRIES as [Entry, Entry];
  return [{ ...members, text: '查看已有的共济亲属（暂不能添加）' }, records, ...EVERYONE_ENTRIES];
}

/** Why this person cannot add relatives, and what they can do instead; null for a sharer. */
export function cannotShareText(me: MeData | null): string | null {
  const person = me?.person;
  if (!person || canShare(me)) return null;
  if (person.insuranceType === 'employee') {
    return '您的职工医保目前不是正常参保状态，个人账户暂时不能为家人支付，也不能添加共济亲属。您仍可以查看已有的共济亲属和记录。';
  }
  const why = person.insuranceType === 'resident' ? '您参加的是居民医保，没有个人账户' : '您目前没有参加基本医保，没有个人账户';
  return `${why}，所以不能添加共济亲属、不能为家人付费。您可以：查看谁的账户在为您付费；查一查为什么看病时没有用共济支付；用亲情账户出示家人的医保码。`;
}

export default function HomePage() {
  const { rootClass, elder } = useDisplay();
  const setElder = useSettings((s) => s.setElder);
  const signedIn = useSignedIn();
  const verified = useSession((s) => s.verified);
  const { me, status, error, load } = useProfile();
  const asRelative = useMembers((s) => s.asRelative);
  const [memberships, setMemberships] = useState<Membership[]>([]);
  const [askAll, setAskAll] = useState(false);
  const { busy: loggingOut, error: logoutError, logout } = useLogout();

  /** `me`, and when something waits for my answer, what it is. */
  const refresh = async () => {
    await load();
    const fresh = useProfile.getState().me;
    if (!fresh || fresh.pendingRequests === 0) return;
    await Promise.all([
      useMembers.getState().load(),
      callFunction('listFamilyAccount', {}).then((answer) => {
        if (answer.ok) setMemberships(answer.data.asMember);
      }),
    ]);
  };
  const answers = useRequestAnswers(() => void refresh());

  useDidShow(() => {
    if (signedIn) void refresh();
  });
  usePullDownRefresh(async () => {
    await refresh();
    void Taro.stopPullDownRefresh();
  });

  useEffect(() => {
    if (signedIn && (!verified || (me && !me.verified))) void Taro.redirectTo({ url: ROUTES.verify });
  }, [signedIn, verified, me]);

  const requests: PendingRequest[] =
    me && me.pendingRequests > 0
      ? [
          ...asRelative.filter((b) => b.status === 'pending').map((binding) => ({ kind: 'binding' as const, binding })),
          ...memberships.filter((m) => m.consent === 'pending').map((membership) => ({ kind: 'membership' as const, membership })),
        ]
      : [];
  const person = me?.person;
  const why = cannotShareText(me);
  const unread = me?.unreadMessages ?? 0;

  return (
    <View className={`page home ${rootClass}`}>
      <TitleBar title='医保家庭共济' root />
      {status === 'error' && <Banner message={error?.message} />}

      {requests.length > 0 && (
        <View className='home-requests'>
          <Text className='home-requests__title'>有 {requests.length} 条申请等您确认</Text>
          {requests.map((request) => (
            <ConsentRequest key={requestId(request)} request={request} answers={answers} />
          ))}
        </View>
      )}

      <View className='home-account'>
        {person ? (
          <>
            <View className='home-account__row'>
              <Text className='home-account__name'>{person.name}</Text>
              <Text className='home-account__type'>{INSURANCE_TYPE_LABELS[person.insuranceType]}</Text>
            </View>
            <Text className='home-account__id'>{person.idNumberMasked}</Text>
            {person.balanceFen !== undefined ? (
              <View className='home-account__balance'>
                <Text className='home-account__caption'>个人账户余额</Text>
                <Amount fen={person.balanceFen} size='large' className='home-balance' />
                {person.freeBalanceFen !== undefined && person.freeBalanceFen < person.balanceFen && (
                  <Text className='home-account__held home-free-balance'>
                    其中可用 {formatFen(person.freeBalanceFen)}，另有 {formatFen(person.balanceFen - person.freeBalanceFen)} 已冻结为亲属的共济额度
                  </Text>
                )}
              </View>
            ) : (
              <Text className='home-account__nobalance'>
                {person.insuranceType === 'resident' ? '居民医保没有个人账户' : '没有职工医保个人账户'}
              </Text>
            )}
            <View className='home-account__facts'>
              <Text className='home-region'>参保地：{regionLabel(person.poolingRegion)}</Text>
              <Text className='home-status'>状态：{PERSON_STATUS_LABELS[person.status]}</Text>
            </View>
          </>
        ) : (
          <Text className='home-account__loading'>{status === 'error' ? '账户信息加载失败，下拉刷新重试' : '加载中…'}</Text>
        )}
      </View>

      <Button
        className={`home-elder-switch${elder ? ' home-elder-switch--on' : ''}`}
        aria-pressed={elder}
        onClick={() => setElder(!elder)}
      >
        {elder ? '长辈模式：已开启（点此关闭）' : '开启长辈模式（大字、大按钮）'}
      </Button>

      {elder ? (
        <View className='home-elder'>
          <Button className='primary-button home-elder-covered' onClick={() => go(ROUTES.covered)}>
            谁在为我付费
          </Button>
          <Button className='primary-button home-elder-code' onClick={() => go(ROUTES.familyAccount)}>
            出示医保码
          </Button>
          <Button className='secondary-button home-elder-help' onClick={callHelpLine}>
            打电话求助 {HELP_LINE}
          </Button>
          <Text className='home-elder__note'>不会操作？可以请家人帮忙，或拨打医保服务热线 {HELP_LINE}，也可以到医保经办大厅办理。</Text>
          <Button className='secondary-button home-settings' onClick={() => go(ROUTES.settings)}>
            设置
          </Button>
        </View>
      ) : (
      <>
      <View className={`home-messages${unread > 0 ? ' home-messages--unread' : ''}`} onClick={() => go(ROUTES.messages)}>
        <Text className='home-messages__title'>消息中心</Text>
        <Text className='home-messages__badge'>{unread > 0 ? `${unread} 条未读` : '没有未读消息'}</Text>
        <Text className='home-entry__arrow'>›</Text>
      </View>

      {why && <Banner tone='info' className='home-cannot-share' message={why} />}

      <View className='home-entries'>
        {entriesFor(me).map((entry) => (
          <View key={entry.key} className={`home-entry home-entry--${entry.key}`} onClick={() => go(entry.route)}>
            <View className='home-entry__text'>
              <Text className='home-entry__title'>{entry.title}</Text>
              <Text className='home-entry__desc'>{entry.text}</Text>
            </View>
            <Text className='home-entry__arrow'>›</Text>
          </View>
        ))}
      </View>

      </>
      )}

      <View className='home__footer'>
        {!elder && (
          <Button className='secondary-button home-settings' onClick={() => go(ROUTES.settings)}>
            设置
          </Button>
        )}
        {me && <Text className='home__phone'>登录手机号：{maskPhone(me.phone)}</Text>}
        <Banner message={askAll ? null : logoutError} />
        {!elder && (
        <View className='home__logout'>
          <Button className='home-logout' loading={loggingOut === 'device'} disabled={loggingOut !== null || undefined} onClick={() => void logout(false)}>
            退出登录
          </Button>
          <Button className='home-logout-all' disabled={loggingOut !== null || undefined} onClick={() => setAskAll(true)}>
            退出所有设备
          </Button>
        </View>
        )}
      </View>

      <ConfirmDialog
        open={askAll}
        title='退出所有设备上的登录？'
        confirmText='全部退出'
        tone='danger'
        busy={loggingOut === 'all'}
        error={logoutError}
        onConfirm={() => void logout(true)}
        onCancel={() => setAskAll(false)}
      >
        <Text className='logout-all-explain'>
          这台手机和其他所有登录过本账号的手机、电脑都会退出，需要重新用短信验证码登录。如果怀疑别人登录了您的账号，请这样做。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
