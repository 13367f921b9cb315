import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import Banner from '@/components/banner';
import IdNumberField, { idNumberReady } from '@/components/id-number-field';
import TextField from '@/components/text-field';
import { useSignedIn } from '@/hooks/useSignedIn';
import { callFunction } from '@/services/cloud';
import { ROUTES, restart } from '@/services/routes';
import { useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { placeError } from '@/utils/formErrors';
import './index.scss';

const FIELDS = ['name', 'idNumber'] as const;
type Field = (typeof FIELDS)[number];

export default function VerifyPage() {
  useSignedIn();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [nameTouched, setNameTouched] = useState(false);

  const nameError = errors.name ?? (nameTouched && name.trim() === '' ? '请输入姓名' : null);
  const canSubmit = name.trim() !== '' && idNumberReady(idNumber) && !submitting;

  const submit = async () => {
    if (!canSubmit) return;
    setSubmitting(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('verifyIdentity', { name: name.trim(), idNumber });
    setSubmitting(false);
    if (!answer.ok) {
      const placed = placeError(answer.error, FIELDS);
      setErrors(placed.fields);
      setBanner(placed.banner);
      return;
    }
    useSession.getState().setVerified(true);
    useProfile.getState().clear();
    restart(ROUTES.home);
  };

  const switchAccount = () => {
    useSession.getState().signOut();
    restart(ROUTES.login);
  };

  return (
    <View className='page verify'>
      <View className='verify__intro'>
        <Text className='verify__title'>请完成实名认证</Text>
        <Text className='verify__text'>
          填写与医保登记一致的姓名和身份证号码。认证后才能查看您的医保账户、为家人开通共济或查看家人为您支付的记录。
        </Text>
      </View>
      <View className='card'>
        <Banner message={banner} />
        <TextField
          label='姓名'
          value={name}
          onInput={(value) => {
            setName(value);
            setErrors((e) => ({ ...e, name: undefined }));
          }}
          onBlur={() => setNameTouched(true)}
          inputClassName='verify-name'
          placeholder='与身份证一致的姓名'
          maxlength={64}
          error={nameError}
        />
        <IdNumberField
          value={idNumber}
          onInput={(value) => {
            setIdNumber(value);
            setErrors((e) => ({ ...e, idNumber: undefined }));
          }}
          inputClassName='verify-id'
          serverError={errors.idNumber}
        />
        <Button className='primary-button verify-submit' disabled={(!canSubmit) || undefined} loading={submitting} onClick={submit}>
          提交认证
        </Button>
      </View>
      <View className='verify__switch'>
        <Text className='text-button verify-switch' onClick={switchAccount}>
          换个手机号登录
        </Text>
      </View>
    </View>
  );
}
