import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import Taro, { useLoad } from '@tarojs/taro';
import { ageOn, shanghaiToday } from '@/rules/age';
import { parseIdNumber } from '@/rules/idNumber';
import { maskIdNumber } from '@/rules/mask';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import { useSignedIn } from '@/hooks/useSignedIn';
import { callFunction } from '@/services/cloud';
import { ROUTES, urlOf } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import './index.scss';

/** Step 2 of 2: exactly what will be shared, then bindRelative. Errors go back to the form, at their field. */
export default function RelativeConfirmPage() {
  useSignedIn();
  const draft = useRelativeDraft();
  const policy = useProfile((s) => s.policy);
  const [submitting, setSubmitting] = useState(false);

  const today = shanghaiToday(new Date());
  const parsed = parseIdNumber(draft.idNumber, today);

  useLoad(() => {
    const state = useRelativeDraft.getState();
    if (!state.relationship || !state.name || !parseIdNumber(state.idNumber, today).ok) {
      void Taro.redirectTo({ url: ROUTES.relativeAdd });
    }
  });

  if (!draft.relationship || !parsed.ok) return <View className='page' />;

  const name = draft.name.trim();
  const relation = RELATIONSHIP_LABELS[draft.relationship];
  const age = ageOn(parsed.info.birthDate, today);
  const needsConsent = policy?.consentFromAge != null && age >= policy.consentFromAge;
  const [y, m, d] = parsed.info.birthDate.split('-').map(Number);

  const backToForm = () => {
    if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
    else void Taro.redirectTo({ url: ROUTES.relativeAdd });
  };

  const submit = async () => {
    if (submitting || !draft.relationship) return;
    setSubmitting(true);
    const answer = await callFunction('bindRelative', { name, idNumber: parsed.info.idNumber, relationship: draft.relationship });
    setSubmitting(false);
    if (!answer.ok) {
      draft.fail(answer.error);
      backToForm();
      return;
    }
    const { binding } = answer.data;
    useMembers.getState().upsert(binding, 'sharer');
    draft.reset();
    void Taro.showToast({ title: binding.status === 'pending' ? '已提交，待亲属确认' : '已开通家庭共济', icon: 'success' });
    void Taro.redirectTo({ url: urlOf(ROUTES.relativeDetail, { bindingId: binding.bindingId }) });
  };

  return (
    <View className='page relative-confirm'>
      <View className='card confirm-summary'>
        <Text className='confirm-summary__title'>为这位亲属开通家庭共济</Text>
        <View className='confirm-row'>
          <Text className='confirm-row__label'>关系</Text>
          <Text className='confirm-row__value confirm-relationship'>{relation}</Text>
        </View>
        <View className='confirm-row'>
          <Text className='confirm-row__label'>姓名</Text>
          <Text className='confirm-row__value confirm-name'>{name}</Text>
        </View>
        <View className='confirm-row'>
          <Text className='confirm-row__label'>身份证号码</Text>
          <Text className='confirm-row__value confirm-id'>{maskIdNumber(parsed.info.idNumber)}</Text>
        </View>
        <View className='confirm-row'>
          <Text className='confirm-row__label'>出生日期</Text>
          <Text className='confirm-row__value'>
            {y}年{m}月{d}日（{age}岁）
          </Text>
        </View>
      </View>

      <View className='card confirm-terms'>
        <Text className='confirm-terms__title'>开通后会共享什么</Text>
        <View className='confirm-term confirm-term--shared'>
          <Text>
            共享的只有您职工医保个人账户的余额：{name}在定点医院、药店看病买药时，个人需要负担的医保费用可以从您的个人账户扣款。
          </Text>
        </View>
        <View className='confirm-term'>
          <Text>不共享：您的统筹基金待遇、余额数字和其他人的支付记录。{name}只能看到为其本人支付的记录（显示您的姓氏和关系）。</Text>
        </View>
        <View className='confirm-term'>
          <Text>每笔费用只从一个共济账户支付；余额不足以支付整笔费用时，本笔不使用共济，不会合并多人的余额。</Text>
        </View>
        <View className='confirm-term'>
          <Text>您可以随时查看每一笔支付，也可以随时解除；解除立即生效，已发生的记录会保留。</Text>
        </View>
        {needsConsent && (
          <View className='confirm-term confirm-term--consent'>
            <Text>
              按您参保地政策，{policy?.consentFromAge}岁及以上的亲属需本人登录小程序确认后才生效，确认前不会支付任何费用。
            </Text>
          </View>
        )}
      </View>

      <Button className='primary-button confirm-submit' loading={submitting} disabled={submitting || undefined} onClick={submit}>
        确认开通
      </Button>
      <Button className='secondary-button confirm-back' disabled={submitting || undefined} onClick={backToForm}>
        返回修改
      </Button>
    </View>
  );
}
