import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useLoad, usePullDownRefresh } from '@tarojs/taro';
import Banner from '@/components/banner';
import ConfirmDialog from '@/components/confirm-dialog';
import ConsentRequest from '@/components/consent-request';
import FamilyCode from '@/components/family-code';
import IdNumberField, { idNumberReady } from '@/components/id-number-field';
import ListState, { type ListStatus } from '@/components/list-state';
import RelationshipPicker from '@/components/relationship-picker';
import TextField from '@/components/text-field';
import { useRequestAnswers } from '@/hooks/useRequestAnswers';
import { useSignedIn } from '@/hooks/useSignedIn';
import { RELATIONSHIP_LABELS, RELATIONSHIPS, type Relationship } from '@/rules/relationship';
import { callFunction } from '@/services/cloud';
import type { CloudError, FamilyCode as FamilyCodeData, FamilyMember, Membership } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { placeError } from '@/utils/formErrors';
import { INSURANCE_TYPE_LABELS } from '@/utils/labels';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

/** SPEC 2.5: a family account holds at most 5 relatives. */
const FAMILY_ACCOUNT_LIMIT = 5;
const FIELDS = ['relationship', 'name', 'idNumber'] as const;

const COMPARISON: Array<{ aspect: string; family: string; mutual: string }> = [
  { aspect: '花谁的钱', family: '家人自己的医保待遇', mutual: '您的职工医保个人账户余额' },
  { aspect: '怎么用', family: '替家人出示其本人的医保码', mutual: '家人结算时自动从您的账户扣款' },
  { aspect: '谁能开通', family: '实名认证的用户', mutual: '参保正常的职工医保参保人' },
  { aspect: '最多几人', family: `${FAMILY_ACCOUNT_LIMIT}人`, mutual: '按参保地政策，一般8人' },
];

/** The difference between 亲情账户 and 家庭共济; family-account members and their short-lived codes. */
export default function FamilyAccountPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const [members, setMembers] = useState<FamilyMember[]>([]);
  /** Family accounts of others in which I am the member. */
  const [asMember, setAsMember] = useState<Membership[]>([]);
  const [status, setStatus] = useState<ListStatus>('loading');
  const [error, setError] = useState<CloudError | null>(null);
  const [shown, setShown] = useState<{ memberId: string; code: FamilyCodeData } | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<FamilyMember | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const [adding, setAdding] = useState(false);
  const [relationship, setRelationship] = useState<Relationship | null>(null);
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [formError, setFormError] = useState<CloudError | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const load = async () => {
    setStatus('loading');
    const answer = await callFunction('listFamilyAccount', {});
    if (answer.ok) {
      setMembers(answer.data.members);
      setAsMember(answer.data.asMember);
      setError(null);
      setStatus('ready');
    } else {
      setError(answer.error);
      setStatus('error');
    }
  };

  const answers = useRequestAnswers(() => void load());

  useLoad(() => void load());
  usePullDownRefresh(async () => {
    await load();
    void Taro.stopPullDownRefresh();
  });

  const showCode = async (memberId: string) => {
    setCodeError(null);
    const answer = await callFunction('showFamilyCode', { memberId });
    if (answer.ok) setShown({ memberId, code: answer.data });
    else setCodeError(answer.error.message);
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setDialogError(null);
    const answer = await callFunction('removeFamilyAccount', { memberId: removing.memberId });
    setBusy(false);
    if (!answer.ok) {
      setDialogError(answer.error.message);
      return;
    }
    setMembers((list) => list.filter((m) => m.memberId !== removing.memberId));
    if (shown?.memberId === removing.memberId) setShown(null);
    setRemoving(null);
  };

  const setUpMutualAid = (member: FamilyMember) => {
    useRelativeDraft.getState().prefill({ name: member.name, idNumberMasked: member.idNumberMasked, relationship: member.relationship });
    go(ROUTES.relativeAdd);
  };

  const placed = placeError(formError, FIELDS, { RELATIVE_NOT_INSURED: 'idNumber', SELF_BINDING: 'idNumber', ALREADY_BOUND: 'idNumber' });
  const ready = relationship !== null && name.trim() !== '' && idNumberReady(idNumber) && !submitting;

  const add = async () => {
    if (!ready || !relationship) return;
    setSubmitting(true);
    setFormError(null);
    const answer = await callFunction('addFamilyAccount', { name: name.trim(), idNumber, relationship });
    setSubmitting(false);
    if (!answer.ok) {
      setFormError(answer.error);
      return;
    }
    setMembers((list) => [...list, answer.data.member]);
    setAdding(false);
    setRelationship(null);
    setName('');
    setIdNumber('');
    void Taro.showToast({ title: '已添加到亲情账户', icon: 'success' });
  };

  return (
    <View className={`page family-account ${rootClass}`}>
      <TitleBar title='亲情账户与家庭共济' />
      <View className='card fa-explain'>
        <Text className='fa-explain__text'>
          亲情账户只是帮家人出示他们自己的医保码，看病花的是家人自己的医保待遇，您的个人账户一分钱也不会动。
        </Text>
        <Text className='fa-explain__text'>
          家庭共济才是用您的职工医保个人账户余额为家人付费；只加了亲情账户、没开通家庭共济，结算时就不会用您的钱。
        </Text>
      </View>

      <View className='fa-compare'>
        <View className='fa-compare__col fa-compare__col--family'>
          <Text className='fa-compare__title'>亲情账户</Text>
          <View className='fa-flow'>
            <Text className='fa-flow__box'>您的手机</Text>
            <Text className='fa-flow__arrow'>出示 ↓</Text>
            <Text className='fa-flow__box'>家人本人的医保码</Text>
            <Text className='fa-flow__arrow'>↓</Text>
            <Text className='fa-flow__box'>家人自己的待遇支付</Text>
          </View>
          <Text className='fa-compare__money'>您的账户：不动</Text>
        </View>
        <View className='fa-compare__col fa-compare__col--mutual'>
          <Text className='fa-compare__title'>家庭共济</Text>
          <View className='fa-flow'>
            <Text className='fa-flow__box'>您的个人账户</Text>
            <Text className='fa-flow__arrow'>扣款 ↓</Text>
            <Text className='fa-flow__box'>家人的医药费</Text>
            <Text className='fa-flow__arrow'>↓</Text>
            <Text className='fa-flow__box'>每笔记录可查</Text>
          </View>
          <Text className='fa-compare__money'>您的账户：付钱</Text>
        </View>
      </View>
      <View className='card fa-table'>
        {COMPARISON.map((row) => (
          <View key={row.aspect} className='fa-table__row'>
            <Text className='fa-table__aspect'>{row.aspect}</Text>
            <Text className='fa-table__cell'>{row.family}</Text>
            <Text className='fa-table__cell fa-table__cell--mutual'>{row.mutual}</Text>
          </View>
        ))}
      </View>

      <Text className='section-title'>我的亲情账户（最多{FAMILY_ACCOUNT_LIMIT}人）</Text>
      <Banner message={codeError} />
      <ListState
        status={status}
        count={members.length}
        emptyText='亲情账户里还没有家人'
        errorText={error?.message}
        onRetry={() => void load()}
      >
        {members.map((member) => (
          <View key={member.memberId} className='card fa-member'>
            <View className='fa-member__head'>
              <Text className='fa-member__name'>{member.name}</Text>
              <Text className='fa-member__relation'>{RELATIONSHIP_LABELS[member.relationship]}</Text>
              <Text className={`fa-member__tag fa-member__tag--${member.hasMutualAid ? 'mutual' : 'only'}`}>
                {member.hasMutualAid ? '已开通家庭共济' : '未开通家庭共济'}
              </Text>
            </View>
            <Text className='fa-member__id'>
              {member.idNumberMasked} · {INSURANCE_TYPE_LABELS[member.insuranceType]}
            </Text>
            {!member.hasMutualAid && (
              <Text className='fa-member__hint'>只在亲情账户中：{member.name}看病时不会使用您的个人账户。</Text>
            )}
            {member.consent === 'pending' && (
              <Text className='fa-member__consent'>{member.name}已满规定年龄，需本人在小程序中同意后，您才能为其出示医保码。</Text>
            )}
            <View className='fa-member__actions'>
              <Button className='small-button small-button--plain member-remove' onClick={() => setRemoving(member)}>
                移除
              </Button>
              {!member.hasMutualAid && (
                <Button className='small-button small-button--plain member-mutual' onClick={() => setUpMutualAid(member)}>
                  开通家庭共济
                </Button>
              )}
              {member.consent === 'pending' ? (
                <Text className='fa-member__waiting member-waiting'>待对方同意</Text>
              ) : (
                <Button className='small-button small-button--primary member-code' onClick={() => void showCode(member.memberId)}>
                  出示医保码
                </Button>
              )}
            </View>
            {shown?.memberId === member.memberId && (
              <FamilyCode code={shown.code} onRefresh={() => void showCode(member.memberId)} onClose={() => setShown(null)} />
            )}
          </View>
        ))}
      </ListState>

      {asMember.length > 0 && (
        <View className='fa-as-member'>
          <Text className='section-title'>把我加入的亲情账户</Text>
          {asMember.map((membership) =>
            membership.consent === 'pending' ? (
              <ConsentRequest key={membership.memberId} request={{ kind: 'membership', membership }} answers={answers} />
            ) : (
              <View key={membership.memberId} className='card fa-membership'>
                <View className='fa-member__head'>
                  <Text className='fa-member__name'>{membership.owner.name}</Text>
                  <Text className='fa-member__relation'>您是其{RELATIONSHIP_LABELS[membership.relationship]}</Text>
                  <Text className='fa-member__tag fa-member__tag--agreed'>{membership.consent === 'confirmed' ? '您已同意' : '无需您同意'}</Text>
                </View>
                <Text className='fa-member__id'>{membership.owner.idNumberMasked} · 可为您出示您本人的医保码</Text>
              </View>
            ),
          )}
        </View>
      )}

      {!adding ? (
        members.length < FAMILY_ACCOUNT_LIMIT && (
          <Button className='secondary-button fa-open-add' onClick={() => setAdding(true)}>
            添加亲情账户成员
          </Button>
        )
      ) : (
        <View className='card fa-form'>
          <Text className='fa-form__title'>添加亲情账户成员</Text>
          <Banner message={placed.banner} />
          <RelationshipPicker
            options={RELATIONSHIPS}
            value={relationship}
            onChange={(value) => {
              setRelationship(value);
              setFormError(null);
            }}
            error={placed.fields.relationship}
          />
          <TextField
            label='姓名'
            value={name}
            onInput={(value) => {
              setName(value);
              setFormError(null);
            }}
            inputClassName='fa-name'
            placeholder='与身份证一致的姓名'
            maxlength={64}
            error={placed.fields.name}
          />
          <IdNumberField
            value={idNumber}
            onInput={(value) => {
              setIdNumber(value);
              setFormError(null);
            }}
            inputClassName='fa-id'
            serverError={placed.fields.idNumber}
          />
          <Button className={`primary-button fa-submit${ready ? '' : ' primary-button--disabled'}`} disabled={(!ready) || undefined} loading={submitting} onClick={add}>
            添加到亲情账户
          </Button>
          <Text className='text-button fa-cancel' onClick={() => setAdding(false)}>
            取消
          </Text>
        </View>
      )}

      <ConfirmDialog
        open={removing !== null}
        title={`把${removing?.name ?? ''}移出亲情账户？`}
        confirmText='确认移除'
        tone='danger'
        busy={busy}
        error={dialogError}
        onConfirm={() => void remove()}
        onCancel={() => {
          setRemoving(null);
          setDialogError(null);
        }}
      >
        <Text>移除后不能再为{removing?.name}出示医保码。家庭共济不受影响：如已开通，仍会照常支付。</Text>
      </ConfirmDialog>
    </View>
  );
}
