import { useState } from 'react';
import { View, Text, Picker } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useLoad } from '@tarojs/taro';
import Banner from '@/components/banner';
import { ageOn, isValidDate, shanghaiToday } from '@/rules/age';
import { parseIdNumber } from '@/rules/idNumber';
import { maskIdNumber } from '@/rules/mask';
import { PAYMENT_RULE_TEXT } from '@/rules/payability';
import { formatFen } from '@/rules/money';
import { QUOTA_EXPLAIN, readQuota } from '@/rules/quota';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import { UNDERTAKING } from '@/rules/undertaking';
import { useSignedIn } from '@/hooks/useSignedIn';
import { callFunction } from '@/services/cloud';
import type { CloudError } from '@/services/cloud/types';
import { ROUTES, urlOf } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { formatCalendarDay } from '@/utils/date';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first day an end date may name: tomorrow (Asia/Shanghai). */
export function firstEndDate(now: Date): string {
  return shanghaiToday(new Date(now.getTime() + DAY_MS));
}

/** Errors about this page's own parts stay here; the rest concern the form and go back to it. */
function belongsHere(error: CloudError): boolean {
  // A quota above the free balance is the form's field (the amount is typed there).
  return error.code === 'UNDERTAKING_REQUIRED' || error.field === 'endsOn' || error.field === 'acceptUndertaking';
}

/**
 * Step 2 of 2: exactly what will be shared, the undertaking (承诺书) to accept, an optional end
 * date, then bindRelative. Errors about the relative go back to the form, at their field.
 */
export default function RelativeConfirmPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const draft = useRelativeDraft();
  const policy = useProfile((s) => s.policy);
  const [submitting, setSubmitting] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [endsOn, setEndsOn] = useState<string | null>(null);
  const [banner, setBanner] = useState<string | null>(null);

  const now = new Date();
  const today = shanghaiToday(now);
  const earliestEnd = firstEndDate(now);
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
  const quota = readQuota(draft.quota, { optional: true });
  const quotaFen = quota?.ok ? quota.fen : undefined;

  const backToForm = () => {
    if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
    else void Taro.redirectTo({ url: ROUTES.relativeAdd });
  };

  const pickEnd = (value: string) => {
    if (isValidDate(value) && value > today) {
      setEndsOn(value);
      setBanner(null);
    } else {
      setBanner(`共济有效期须晚于今天，请选择 ${formatCalendarDay(earliestEnd)} 或以后的日期`);
    }
  };

  const submit = async () => {
    if (submitting || !accepted || !draft.relationship) return;
    setSubmitting(true);
    setBanner(null);
    const answer = await callFunction('bindRelative', {
      name,
      idNumber: parsed.info.idNumber,
      relationship: draft.relationship,
      acceptUndertaking: true,
      ...(endsOn ? { endsOn } : {}),
      ...(quotaFen !== undefined ? { quotaFen } : {}),
    });
    setSubmitting(false);
    if (!answer.ok) {
      if (belongsHere(answer.error)) {
        setBanner(answer.error.message);
        return;
      }
      draft.fail(answer.error);
      backToForm();
      return;
    }
    const { binding } = answer.data;
    useMembers.getState().upsert(binding);
    // The form behind this page is done: back from the result goes to the members list.
    draft.finish();
    void Taro.showToast({ title: binding.status === 'pending' ? '已提交，待亲属确认' : '已开通家庭共济', icon: 'success' });
    void Taro.redirectTo({ url: urlOf(ROUTES.relativeDetail, { bindingId: binding.bindingId }) });
  };

  return (
    <View className={`page relative-confirm ${rootClass}`}>
      <TitleBar title='确认开通家庭共济' />
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
        {quotaFen !== undefined && (
          <View className='confirm-row'>
            <Text className='confirm-row__label'>共济额度</Text>
            <Text className='confirm-row__value confirm-quota'>{formatFen(quotaFen)}</Text>
          </View>
        )}
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
        {quotaFen !== undefined ? (
          <View className='confirm-term confirm-term--quota'>
            <Text>
              将从您的个人账户中冻结 {formatFen(quotaFen)} 作为{name}的共济额度。{QUOTA_EXPLAIN}
            </Text>
          </View>
        ) : (
          <View className='confirm-term confirm-term--rule'>
            <Text>{PAYMENT_RULE_TEXT}</Text>
          </View>
        )}
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

      <View className='card confirm-ends'>
        <Text className='confirm-terms__title'>共济有效期（可不填）</Text>
        <Picker mode='date' value={endsOn ?? earliestEnd} start={earliestEnd} end='2099-12-31' onChange={(event) => pickEnd(String(event.detail.value))}>
          <View className='confirm-ends__row confirm-ends-pick'>
            <Text className='confirm-ends__label'>共济有效期至</Text>
            <Text className='confirm-ends__value'>{endsOn ? formatCalendarDay(endsOn) : '长期有效（点此设定）'}</Text>
          </View>
        </Picker>
        {endsOn && (
          <View className='confirm-ends__clear'>
            <Text className='confirm-ends__hint'>从这一天起共济关系到期，不再支付。</Text>
            <Button className='confirm-ends-clear' onClick={() => setEndsOn(null)}>
              不设有效期
            </Button>
          </View>
        )}
      </View>

      <View className='card undertaking'>
        <Text className='undertaking__title'>{UNDERTAKING.title}</Text>
        {UNDERTAKING.paragraphs.map((paragraph) => (
          <Text key={paragraph} className='undertaking__paragraph'>
            {paragraph}
          </Text>
        ))}
        <View
          className={`undertaking-accept${accepted ? ' undertaking-accept--checked' : ''}`}
          role='checkbox'
          aria-checked={accepted}
          onClick={() => {
            setAccepted((value) => !value);
            setBanner(null);
          }}
        >
          <Text className='undertaking-accept__box'>{accepted ? '✓' : ''}</Text>
          <Text className='undertaking-accept__text'>我已阅读并同意以上承诺</Text>
        </View>
      </View>

      <Banner message={banner} className='confirm-banner' />
      {!accepted && <Text className='confirm-need-accept'>请先阅读承诺书并勾选“我已阅读并同意以上承诺”</Text>}
      <Button className={`primary-button confirm-submit${submitting || !accepted ? ' primary-button--disabled' : ''}`} loading={submitting} disabled={(submitting || !accepted) || undefined} onClick={submit}>
        确认开通
      </Button>
      <Button className='secondary-button confirm-back' disabled={submitting || undefined} onClick={backToForm}>
        返回修改
      </Button>
    </View>
  );
}
