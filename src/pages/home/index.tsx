import { useEffect } from 'react';
import { View, Text } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import Amount from '@/components/amount';
import Banner from '@/components/banner';
import { useSignedIn } from '@/hooks/useSignedIn';
import { maskPhone } from '@/rules/mask';
import { ROUTES, go, restart, type Route } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { canShare, useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { INSURANCE_TYPE_LABELS, PERSON_STATUS_LABELS, regionLabel } from '@/utils/labels';
import './index.scss';

interface Entry {
  key: string;
  route: Route;
  title: string;
  text: string;
}

const ENTRIES: Entry[] = [
  { key: 'members', route: ROUTES.members, title: '家庭共济', text: '添加亲属，查看每位亲属花了多少' },
  { key: 'records', route: ROUTES.records, title: '共济支付记录', text: '我的账户为亲属支付的每一笔' },
  { key: 'covered', route: ROUTES.covered, title: '为我支付的共济', text: '谁的账户在为我付费，确认或退出' },
  { key: 'diagnose', route: ROUTES.diagnose, title: '为什么共济不成功？', text: '逐项检查，告诉您该怎么办' },
  { key: 'family-account', route: ROUTES.familyAccount, title: '亲情账户与家庭共济', text: '两者有什么不同？出示亲属医保码' },
];

export default function HomePage() {
  const signedIn = useSignedIn();
  const verified = useSession((s) => s.verified);
  const { me, status, error, load } = useProfile();

  useDidShow(() => {
    if (signedIn) void load();
  });
  usePullDownRefresh(async () => {
    await load();
    void Taro.stopPullDownRefresh();
  });

  useEffect(() => {
    if (signedIn && (!verified || (me && !me.verified))) void Taro.redirectTo({ url: ROUTES.verify });
  }, [signedIn, verified, me]);

  const logout = () => {
    useSession.getState().signOut();
    useProfile.getState().clear();
    useMembers.getState().clear();
    restart(ROUTES.login);
  };

  const person = me?.person;
  return (
    <View className='page home'>
      {status === 'error' && <Banner message={error?.message} />}
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
              </View>
            ) : (
              <Text className='home-account__nobalance'>居民医保没有个人账户</Text>
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

      {me && person && !canShare(me) && (
        <Banner
          tone='info'
          message={
            person.insuranceType === 'employee'
              ? '您的职工医保目前不是正常参保状态，个人账户暂时不能为家人支付。'
              : '您没有职工医保个人账户，不能为家人共济；参加职工医保的家人可以添加您，用他们的个人账户为您付费。'
          }
        />
      )}

      <View className='home-entries'>
        {ENTRIES.map((entry) => (
          <View key={entry.key} className={`home-entry home-entry--${entry.key}`} onClick={() => go(entry.route)}>
            <View className='home-entry__text'>
              <Text className='home-entry__title'>{entry.title}</Text>
              <Text className='home-entry__desc'>{entry.text}</Text>
            </View>
            <Text className='home-entry__arrow'>›</Text>
          </View>
        ))}
      </View>
      <View className='home__footer'>
        {me && <Text className='home__phone'>登录手机号：{maskPhone(me.phone)}</Text>}
        <Text className='text-button home-logout' onClick={logout}>
          退出登录
        </Text>
      </View>
    </View>
  );
}
