import { useEffect, useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro, { useDidShow, useLoad } from '@tarojs/taro';
import Banner from '@/components/banner';
import IdNumberField, { idNumberReady } from '@/components/id-number-field';
import RelationshipPicker from '@/components/relationship-picker';
import TextField from '@/components/text-field';
import { useSignedIn } from '@/hooks/useSignedIn';
import { QUOTA_CROSS_PROVINCE, QUOTA_EXPLAIN, readQuota } from '@/rules/quota';
import { RELATIONSHIP_LABELS, RELATIONSHIPS, type Relationship } from '@/rules/relationship';
import type { RegionPolicy } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { canShare, useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { placeError } from '@/utils/formErrors';
import { regionLabel } from '@/utils/labels';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

export const RELATIVE_FIELDS = ['relationship', 'name', 'idNumber', 'quotaFen'] as const;

/** Where the add-relative errors that name no field belong. */
export const RELATIVE_ERROR_FIELDS = {
  RELATIONSHIP_NOT_ALLOWED: 'relationship',
  RELATIONSHIP_IMPOSSIBLE: 'relationship',
  INVALID_ID_NUMBER: 'idNumber',
  SELF_BINDING: 'idNumber',
  RELATIVE_NOT_INSURED: 'idNumber',
  OUT_OF_REGION: 'idNumber',
  ALREADY_BOUND: 'idNumber',
  QUOTA_EXCEEDS_BALANCE: 'quotaFen',
} as const;

export function relationshipNote(policy: RegionPolicy | null): string | null {
  if (!policy) return null;
  const labels = policy.relationships.map((r) => RELATIONSHIP_LABELS[r]).join('、');
  const scope = policy.relativeScope === 'close' ? `只允许与${labels}共济` : `允许与近亲属共济：${labels}`;
  return `按您参保地${regionLabel(policy.poolingRegion)}的政策，${scope}；最多 ${policy.maxRelatives} 位亲属。`;
}

/** The form whose binding was made: to the members list behind it (or opened in its place). */
function leaveFinishedForm(): void {
  useRelativeDraft.getState().reset();
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack();
  else void Taro.redirectTo({ url: ROUTES.members });
}

/** Step 1 of 2: who the relative is. Step 2 (relative-confirm) says what will be shared and submits. */
export default function RelativeAddPage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const draft = useRelativeDraft();
  const { me, policy, load, loadPolicy } = useProfile();
  const [policyLoaded, setPolicyLoaded] = useState(policy !== null);
  const [nameTouched, setNameTouched] = useState(false);

  useLoad(() => {
    // Opened again from history after its binding was made (also after a reload): done, leave.
    if (useRelativeDraft.getState().finished) leaveFinishedForm();
    if (!useProfile.getState().me) void load();
    void loadPolicy().then(() => setPolicyLoaded(true));
  });

  // Back from the new binding's page: this form is done, the members list is behind it.
  useDidShow(() => {
    if (useRelativeDraft.getState().finished) leaveFinishedForm();
  });

  const options: readonly Relationship[] = policy?.relationships ?? RELATIONSHIPS;

  // A prefilled relationship the region does not allow is not a choice.
  useEffect(() => {
    if (policyLoaded && draft.relationship && !options.includes(draft.relationship)) draft.update({ relationship: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [policyLoaded, options]);

  const placed = placeError(draft.serverError, RELATIVE_FIELDS, RELATIVE_ERROR_FIELDS);
  const nameError = placed.fields.name ?? (nameTouched && draft.name.trim() === '' ? '请输入亲属的姓名' : null);
  const quota = readQuota(draft.quota, { optional: true });
  const quotaError = placed.fields.quotaFen ?? (quota && !quota.ok ? quota.message : null);
  // Out of region: with a quota the relative may be anywhere in the country (SPEC 2.1 check 8, 2.11).
  const outOfRegion = draft.serverError?.code === 'OUT_OF_REGION' && draft.quota.trim() === '';
  const ready = draft.relationship !== null && draft.name.trim() !== '' && idNumberReady(draft.idNumber) && (quota === null || quota.ok);

  const next = () => {
    if (!ready) return;
    go(ROUTES.relativeConfirm);
  };

  return (
    <View className={`page relative-add ${rootClass}`}>
      <TitleBar title='添加共济亲属' />
      {me && !canShare(me) && (
        <Banner tone='warning' message='只有参保状态正常的职工医保参保人才能为家人共济；居民医保没有个人账户。' />
      )}
      {draft.prefilledFrom && (
        <Banner
          tone='info'
          message={`为亲情账户成员 ${draft.prefilledFrom.name}（${draft.prefilledFrom.idNumberMasked}）开通家庭共济：请输入其完整的身份证号码。`}
        />
      )}
      <View className='card'>
        <Banner message={placed.banner} className='relative-add__banner' />
        <RelationshipPicker
          options={options}
          value={draft.relationship}
          onChange={(relationship) => draft.update({ relationship })}
          error={placed.fields.relationship}
          note={relationshipNote(policy)}
        />
        <TextField
          label='亲属姓名'
          value={draft.name}
          onInput={(name) => draft.update({ name })}
          onBlur={() => setNameTouched(true)}
          inputClassName='relative-name'
          placeholder='与身份证一致的姓名'
          maxlength={64}
          error={nameError}
        />
        <IdNumberField
          label='亲属身份证号码'
          value={draft.idNumber}
          onInput={(idNumber) => draft.update({ idNumber })}
          inputClassName='relative-id'
          serverError={placed.fields.idNumber}
        />
        <TextField
          label='共济额度（元，选填）'
          value={draft.quota}
          onInput={(value) => draft.update({ quota: value })}
          inputClassName='relative-quota'
          type='digit'
          placeholder='外省亲属必填，例如 1000'
          maxlength={12}
          error={quotaError}
          hint={<Text className='relative-add__quota-hint'>{QUOTA_CROSS_PROVINCE}</Text>}
        />
        {outOfRegion && (
          <Banner tone='info' className='relative-add__quota-offer' message={`如果${draft.name.trim() || '这位亲属'}在外省参保，可以设定一笔共济额度后再提交：${QUOTA_EXPLAIN}`} />
        )}
        <Button className={`primary-button relative-next${ready ? '' : ' primary-button--disabled'}`} disabled={(!ready) || undefined} onClick={next}>
          下一步
        </Button>
      </View>
      <Text className='relative-add__note'>
        亲属须已参加职工医保或居民医保，且参保状态正常。下一步会告诉您开通后共享什么，确认后才会提交。
      </Text>
    </View>
  );
}
