import { useEffect, useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import { useLoad, useRouter } from '@tarojs/taro';
import Banner from '@/components/banner';
import TextField from '@/components/text-field';
import WechatPhoneLogin from '@/components/wechat-phone-login';
import { callFunction } from '@/services/cloud';
import type { CloudError, DemoGuide, Envelope, LoginData } from '@/services/cloud/types';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import { ROUTES, restartAt, safeRedirect, urlOf } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { isSignedIn, useSession } from '@/stores/session';
import { placeError } from '@/utils/formErrors';
import './index.scss';

const PHONE = /^1[3-9]\d{9}$/;
const CODE = /^\d{6}$/;
const FIELDS = ['phone', 'code'] as const;
type Field = (typeof FIELDS)[number];

export default function LoginPage() {
  const { rootClass } = useDisplay();
  // A deep link opened while logged out comes back here (useSignedIn): return to it afterwards.
  const redirect = safeRedirect(useRouter().params.redirect);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [cooldown, setCooldown] = useState(0);
  const [sending, setSending] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [devCode, setDevCode] = useState<string | null>(null);
  const [guide, setGuide] = useState<DemoGuide | null>(null);

  useLoad(() => {
    if (isSignedIn(useSession.getState())) {
      restartAt(redirect ?? ROUTES.home);
      return;
    }
    useProfile.getState().clear();
    useMembers.getState().clear();
    // Development only: the gateway answers FORBIDDEN in production, and then there is no hint.
    void callFunction('demoGuide', {}).then((answer) => {
      if (answer.ok) setGuide(answer.data);
    });
  });

  useEffect(() => {
    if (cooldown <= 0) return undefined;
    const timer = setTimeout(() => setCooldown((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);

  const phoneValid = PHONE.test(phone);
  const canSubmit = phoneValid && CODE.test(code) && !submitting;

  const showError = (error: CloudError) => {
    const placed = placeError(error, FIELDS, { INVALID_CODE: 'code' });
    setErrors(placed.fields);
    setBanner(placed.banner);
  };

  const sendCode = async () => {
    if (!phoneValid) {
      setErrors({ phone: '请输入11位中国大陆手机号码' });
      return;
    }
    if (cooldown > 0 || sending) return;
    setSending(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('sendCode', { phone });
    setSending(false);
    if (!answer.ok) {
      showError(answer.error);
      return;
    }
    setCooldown(answer.data.cooldownSeconds);
    if (answer.data.devCode) {
      setDevCode(answer.data.devCode);
      setCode(answer.data.devCode);
    }
  };

  const finish = (answer: Envelope<LoginData>) => {
    if (!answer.ok) {
      showError(answer.error);
      return;
    }
    useSession.getState().signIn(answer.data);
    if (answer.data.user.verified) restartAt(redirect ?? ROUTES.home);
    else restartAt(redirect ? urlOf(ROUTES.verify, { redirect }) : ROUTES.verify);
  };

  const login = async () => {
    if (!canSubmit) return;
    setSubmitting(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('login', { phone, code });
    setSubmitting(false);
    finish(answer);
  };

  const loginByWechat = async (phoneCode: string) => {
    setSubmitting(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('loginByWechatPhone', { phoneCode });
    setSubmitting(false);
    finish(answer);
  };

  return (
    <View className={`page login ${rootClass}`}>
      <TitleBar title='登录' root />
      <View className='login__hero'>
        <Text className='login__title'>医保家庭共济</Text>
        <Text className='login__subtitle'>用职工医保个人账户，为家人看病买药付费</Text>
      </View>
      <View className='card'>
        <Banner message={banner} />
        <TextField
          label='手机号'
          value={phone}
          onInput={(value) => {
            setPhone(value.replace(/\D/g, ''));
            setErrors((e) => ({ ...e, phone: undefined }));
          }}
          inputClassName='login-phone'
          type='number'
          maxlength={11}
          placeholder='请输入手机号'
          error={errors.phone}
        />
        <TextField
          label='验证码'
          value={code}
          onInput={(value) => {
            setCode(value.replace(/\D/g, ''));
            setErrors((e) => ({ ...e, code: undefined }));
          }}
          inputClassName='login-code'
          type='number'
          maxlength={6}
          placeholder='6位短信验证码'
          error={errors.code}
          hint={devCode ? `开发环境验证码：${devCode}（已自动填入）` : null}
          extra={
            <Button className={`login-send${!phoneValid || cooldown > 0 || sending ? ' login-send--disabled' : ''}`} size='mini' disabled={(!phoneValid || cooldown > 0 || sending) || undefined} onClick={sendCode}>
              {cooldown > 0 ? `${cooldown}秒后重新获取` : sending ? '发送中…' : '获取验证码'}
            </Button>
          }
        />
        <Button className={`primary-button login-submit${canSubmit ? '' : ' primary-button--disabled'}`} disabled={(!canSubmit) || undefined} loading={submitting} onClick={login}>
          登录
        </Button>
        <WechatPhoneLogin
          disabled={submitting || undefined}
          onCode={(phoneCode) => void loginByWechat(phoneCode)}
          onDenied={() => setBanner('您没有授权手机号，请使用短信验证码登录')}
        />
        <Text className='login__terms'>登录即表示您同意我们按《个人信息保护法》处理您的手机号和参保信息，仅用于家庭共济服务。</Text>
      </View>

      {guide && (
        <View className='card demo-guide'>
          <Text className='demo-guide__title'>演示账号（仅开发环境显示）</Text>
          <Text className='demo-guide__hint'>点手机号即可填入，再点“获取验证码”，验证码会自动填入。</Text>
          {guide.phones.map((item) => (
            <View key={item.phone} className={`demo-phone demo-phone--${item.phone}`} onClick={() => setPhone(item.phone)}>
              <Text className='demo-phone__number'>{item.phone}</Text>
              <Text className='demo-phone__who'>{item.who}</Text>
              <Text className='demo-phone__shows'>{item.shows}</Text>
            </View>
          ))}
          {guide.relatives.length > 0 && (
            <>
              <Text className='demo-guide__subtitle'>添加亲属时可输入的演示亲属</Text>
              {guide.relatives.map((relative) => (
                <View key={relative.idNumber} className='demo-relative'>
                  <Text className='demo-relative__name'>
                    {relative.name} {relative.idNumber}
                  </Text>
                  <Text className='demo-relative__note'>{relative.note}</Text>
                </View>
              ))}
            </>
          )}
        </View>
      )}
    </View>
  );
}
