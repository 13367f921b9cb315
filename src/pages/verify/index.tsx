import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Banner from '@/components/banner';
import ConfirmDialog from '@/components/confirm-dialog';
import IdNumberField, { idNumberReady } from '@/components/id-number-field';
import TextField from '@/components/text-field';
import { useLogout } from '@/hooks/useLogout';
import { useSignedIn } from '@/hooks/useSignedIn';
import { renderNotice } from '@/rules/notices';
import { callFunction } from '@/services/cloud';
import type { CloudError, FaceCheckStart, IdentityProof, PersonView } from '@/services/cloud/types';
import { runFaceCheck } from '@/services/faceCheck';
import { useRouter } from '@tarojs/taro';
import { ROUTES, restart, restartAt, safeRedirect } from '@/services/routes';
import { useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { placeError } from '@/utils/formErrors';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

const FIELDS = ['name', 'idNumber'] as const;
type Field = (typeof FIELDS)[number];

/** The answers after which a face check proves it is me (SPEC 2.7). */
type ProofCase = 'PROOF_REQUIRED' | 'IDENTITY_IN_USE' | 'FACE_CHECK_FAILED';

export const PROOF_EXPLAINED: Readonly<Record<ProofCase, { title: string; text: string }>> = {
  PROOF_REQUIRED: {
    title: '需要证明是您本人',
    text: '您登录用的手机号不是医保部门登记的预留手机号，只凭姓名和身份证号码不能确认是您本人。请做一次人脸核验；也可以退出后改用预留手机号登录。',
  },
  IDENTITY_IN_USE: {
    title: '这个身份已被其他账号认证',
    text: '如果您就是本人，请做一次人脸核验：通过后身份转到您的账号，原来的账号会被解除关联并退出登录，双方都会收到通知。如果不是您本人，请不要继续。',
  },
  FACE_CHECK_FAILED: {
    title: '人脸核验没有通过',
    text: '请在光线充足的地方、正对手机，重新做一次人脸核验。',
  },
};

function isProofCase(code: CloudError['code']): code is ProofCase {
  return code === 'PROOF_REQUIRED' || code === 'IDENTITY_IN_USE' || code === 'FACE_CHECK_FAILED';
}

export const SIMULATED_TITLE = '模拟人脸核验（开发环境，不是真实核验）';

export default function VerifyPage() {
  const { rootClass } = useDisplay();
  const redirect = safeRedirect(useRouter().params.redirect);
  useSignedIn();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [nameTouched, setNameTouched] = useState(false);
  /** Why a face check is needed, once the server said so. */
  const [proofCase, setProofCase] = useState<ProofCase | null>(null);
  const [checking, setChecking] = useState(false);
  /** The development provider's check, waiting for the person to simulate its pass. */
  const [simulated, setSimulated] = useState<FaceCheckStart | null>(null);
  const [done, setDone] = useState<{ person: PersonView; proof: IdentityProof } | null>(null);
  const { logout, busy: leaving } = useLogout();

  const nameError = errors.name ?? (nameTouched && name.trim() === '' ? '请输入姓名' : null);
  const formReady = name.trim() !== '' && idNumberReady(idNumber);
  const busy = submitting || checking;
  const canSubmit = formReady && !busy;
  const identity = () => ({ name: name.trim(), idNumber });

  const showError = (error: CloudError) => {
    if (isProofCase(error.code)) {
      setProofCase(error.code);
      // The panel explains PROOF_REQUIRED and IDENTITY_IN_USE; a failed check also says the server's why.
      if (error.code === 'FACE_CHECK_FAILED') setBanner(error.message);
      return;
    }
    const placed = placeError(error, FIELDS);
    setErrors(placed.fields);
    setBanner(placed.banner);
  };

  /** verifyIdentity, with the face check that proves it when there is one. */
  const verify = async (faceCheckId?: string) => {
    setSubmitting(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('verifyIdentity', { ...identity(), ...(faceCheckId ? { faceCheckId } : {}) });
    setSubmitting(false);
    if (!answer.ok) {
      showError(answer.error);
      return;
    }
    setProofCase(null);
    setSimulated(null);
    useSession.getState().setVerified(true);
    useProfile.getState().clear();
    setDone(answer.data);
  };

  const submit = () => {
    if (canSubmit) void verify();
  };

  const faceCheck = async () => {
    if (!formReady || busy) return;
    setChecking(true);
    setBanner(null);
    const started = await callFunction('startFaceCheck', identity());
    if (!started.ok) {
      setChecking(false);
      showError(started.error);
      return;
    }
    const check = started.data;
    if (check.simulated) {
      setChecking(false);
      setSimulated(check);
      return;
    }
    if (!check.verifyId) {
      setChecking(false);
      setBanner('人脸核验暂时不可用，请稍后再试');
      return;
    }
    const outcome = await runFaceCheck(check.verifyId);
    setChecking(false);
    if (!outcome.ok) {
      setBanner(outcome.message);
      return;
    }
    await verify(check.faceCheckId);
  };

  const edit = (field: Field) => {
    setErrors((e) => ({ ...e, [field]: undefined }));
    // Another person's details: the explanation of the last answer no longer applies.
    setProofCase(null);
  };

  if (done) {
    const notice = renderNotice('identity_linked', { proof: done.proof });
    return (
      <View className={`page verify ${rootClass}`}>
        <TitleBar title='实名认证' />
        <View className='card verify-success'>
          <Text className='verify-success__title'>{notice.title}</Text>
          <Text className='verify-success__text verify-proof-used'>{notice.body}</Text>
          <Text className='verify-success__who'>
            {done.person.name}（{done.person.idNumberMasked}）
          </Text>
          <Button className='primary-button verify-done' onClick={() => (redirect ? restartAt(redirect) : restart(ROUTES.home))}>
            {redirect ? '继续' : '进入首页'}
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className={`page verify ${rootClass}`}>
      <TitleBar title='实名认证' />
      <View className='verify__intro'>
        <Text className='verify__title'>请完成实名认证</Text>
        <Text className='verify__text'>
          填写与医保登记一致的姓名和身份证号码。用医保登记的预留手机号登录的，提交即可；否则需要做一次人脸核验，证明是您本人。
        </Text>
      </View>
      <View className='card'>
        <Banner message={banner} />
        <TextField
          label='姓名'
          value={name}
          onInput={(value) => {
            setName(value);
            edit('name');
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
            edit('idNumber');
          }}
          inputClassName='verify-id'
          serverError={errors.idNumber}
        />
        {proofCase ? (
          <View className={`verify-proof verify-proof--${proofCase}`}>
            <Text className='verify-proof__title'>{PROOF_EXPLAINED[proofCase].title}</Text>
            <Text className='verify-proof__text'>{PROOF_EXPLAINED[proofCase].text}</Text>
            <Button className={`primary-button verify-face${!formReady || busy ? ' primary-button--disabled' : ''}`} disabled={(!formReady || busy) || undefined} loading={checking} onClick={() => void faceCheck()}>
              {proofCase === 'FACE_CHECK_FAILED' ? '重新人脸核验' : '人脸核验'}
            </Button>
          </View>
        ) : (
          <Button className={`primary-button verify-submit${canSubmit ? '' : ' primary-button--disabled'}`} disabled={(!canSubmit) || undefined} loading={submitting} onClick={submit}>
            提交认证
          </Button>
        )}
      </View>
      <View className='verify__switch'>
        <Button className='verify-switch' disabled={leaving !== null || undefined} onClick={() => void logout(false)}>
          换个手机号登录
        </Button>
      </View>

      <ConfirmDialog
        open={simulated !== null}
        title={SIMULATED_TITLE}
        confirmText='模拟核验通过'
        busy={submitting}
        onConfirm={() => simulated && void verify(simulated.faceCheckId)}
        onCancel={() => setSimulated(null)}
      >
        <Text className='facecheck-simulated'>
          这里是开发和演示环境：不会打开摄像头，也不会核对真人，按“模拟核验通过”即当作本人核验成功。正式环境中，这一步由微信人脸核身完成。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
