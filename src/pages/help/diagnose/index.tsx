import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import { useLoad, useRouter } from '@tarojs/taro';
import Banner from '@/components/banner';
import FilterChips, { type ChipOption } from '@/components/filter-chips';
import TextField from '@/components/text-field';
import { useSignedIn } from '@/hooks/useSignedIn';
import { DIAGNOSIS_CODES, type DiagnosisCode } from '@/rules/diagnosis';
import { formatFen, MAX_AMOUNT_FEN, parseYuanToFen } from '@/rules/money';
import { RELATIONSHIP_LABELS, type Relationship } from '@/rules/relationship';
import { callFunction } from '@/services/cloud';
import type { FamilyMember, Finding } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { placeError } from '@/utils/formErrors';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';
import './index.scss';

const SELF = 'self';

/** The findings in the order of SPEC 2.4, whatever order they arrive in. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (code: DiagnosisCode) => DIAGNOSIS_CODES.indexOf(code);
  return [...findings].sort((a, b) => rank(a.code) - rank(b.code));
}

/** What a person typed as a bill amount: empty (no amount), fen, or what is wrong with it. */
export function parseBillAmount(text: string): { fen?: number; error?: string } {
  if (text.trim() === '') return {};
  const fen = parseYuanToFen(text);
  if (fen === null) return { error: '请输入正确的金额，例如 1280 或 1280.50' };
  if (fen < 1n) return { error: '金额至少为 ¥0.01' };
  if (fen > BigInt(MAX_AMOUNT_FEN)) return { error: `金额不能超过 ${formatFen(MAX_AMOUNT_FEN)}` };
  return { fen: Number(fen) };
}

interface Patient {
  value: string;
  label: string;
  event: { bindingId?: string; memberId?: string };
  /** For the follow-up "set up mutual aid" link. */
  prefill?: { name: string; idNumberMasked: string; relationship: Relationship };
  /** I am the relative of this binding (the follow-up is to confirm it). */
  mine?: boolean;
}

const TONE: Record<DiagnosisCode, 'ok' | 'problem'> = {
  NOT_INSURED: 'problem',
  FAMILY_ACCOUNT_ONLY: 'problem',
  NO_BINDING: 'problem',
  BALANCE_ZERO: 'problem',
  BALANCE_LOW: 'problem',
  OUT_OF_REGION: 'problem',
  BINDING_UNBOUND: 'problem',
  BINDING_PENDING: 'problem',
  SHARER_NOT_ELIGIBLE: 'problem',
  BINDING_DECLINED: 'problem',
  BINDING_EXPIRED: 'problem',
  QUOTA_SPENT: 'problem',
  OK: 'ok',
};

export default function DiagnosePage() {
  const { rootClass } = useDisplay();
  useSignedIn();
  const params = useRouter().params;
  const { asSharer, asRelative, load } = useMembers();
  const [familyMembers, setFamilyMembers] = useState<FamilyMember[]>([]);
  const [choice, setChoice] = useState(params.bindingId ? `b:${params.bindingId}` : params.memberId ? `m:${params.memberId}` : SELF);
  const [amount, setAmount] = useState('');
  const [running, setRunning] = useState(false);
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [errors, setErrors] = useState<{ amountFen?: string }>({});
  const [banner, setBanner] = useState<string | null>(null);

  useLoad(() => {
    void load();
    void callFunction('listFamilyAccount', {}).then((answer) => {
      if (answer.ok) setFamilyMembers(answer.data.members);
    });
  });

  const patients: Patient[] = [
    { value: SELF, label: '我自己', event: {} },
    ...asRelative.map((b) => ({
      value: `b:${b.bindingId}`,
      label: `我自己（${b.sharer.name}的共济）`,
      event: { bindingId: b.bindingId },
      mine: true,
    })),
    ...asSharer.map((b) => ({
      value: `b:${b.bindingId}`,
      label: `${b.relative.name}（${RELATIONSHIP_LABELS[b.relationship]}）`,
      event: { bindingId: b.bindingId },
      prefill: { name: b.relative.name, idNumberMasked: b.relative.idNumberMasked, relationship: b.relationship },
    })),
    ...familyMembers.map((m) => ({
      value: `m:${m.memberId}`,
      label: `${m.name}（亲情账户）`,
      event: { memberId: m.memberId },
      prefill: { name: m.name, idNumberMasked: m.idNumberMasked, relationship: m.relationship },
    })),
  ];
  const patient = patients.find((p) => p.value === choice) ?? patients[0]!;
  const bill = parseBillAmount(amount);
  const amountError = errors.amountFen ?? bill.error;

  const run = async () => {
    if (bill.error || running) return;
    setRunning(true);
    setBanner(null);
    setErrors({});
    const answer = await callFunction('diagnose', { ...patient.event, ...(bill.fen !== undefined ? { amountFen: bill.fen } : {}) });
    setRunning(false);
    if (!answer.ok) {
      const placed = placeError(answer.error, ['amountFen'] as const);
      setErrors(placed.fields);
      setBanner(placed.banner);
      setFindings(null);
      return;
    }
    setFindings(sortFindings(answer.data.findings));
  };

  const setUpMutualAid = () => {
    if (!patient.prefill) return;
    useRelativeDraft.getState().prefill(patient.prefill);
    go(ROUTES.relativeAdd);
  };

  const followUp = (code: DiagnosisCode) => {
    const setUp: readonly DiagnosisCode[] = ['FAMILY_ACCOUNT_ONLY', 'NO_BINDING', 'BINDING_UNBOUND', 'BINDING_EXPIRED'];
    if (setUp.includes(code) && patient.prefill) {
      return (
        <Text className='text-button finding-setup' onClick={setUpMutualAid}>
          为{patient.prefill.name}开通家庭共济 ›
        </Text>
      );
    }
    if (code === 'BINDING_PENDING' && (patient.mine || patient.value === SELF)) {
      return (
        <Text className='text-button finding-confirm' onClick={() => go(ROUTES.covered)}>
          去确认共济 ›
        </Text>
      );
    }
    if (code === 'FAMILY_ACCOUNT_ONLY') {
      return (
        <Text className='text-button finding-compare' onClick={() => go(ROUTES.familyAccount)}>
          亲情账户和家庭共济有什么不同？ ›
        </Text>
      );
    }
    return null;
  };

  return (
    <View className={`page diagnose ${rootClass}`}>
      <TitleBar title='为什么共济不成功？' />
      <Text className='diagnose__intro'>选择就医的人，可以填上这次的费用，我们按顺序逐项检查，告诉您原因和办法。</Text>
      <Text className='section-title'>谁看病买药？</Text>
      <FilterChips
        name='patient'
        options={patients.map<ChipOption>((p) => ({ value: p.value, label: p.label }))}
        value={patient.value}
        onChange={(value) => {
          setChoice(value);
          setFindings(null);
        }}
      />
      <View className='card'>
        <Banner message={banner} />
        <TextField
          label='本次需要个人账户支付的金额（元，可不填）'
          value={amount}
          onInput={(value) => {
            setAmount(value);
            setErrors({});
          }}
          inputClassName='diagnose-amount'
          type='digit'
          maxlength={13}
          placeholder='例如 1280.50'
          error={amountError}
        />
        <Button className={`primary-button diagnose-run${running || bill.error ? ' primary-button--disabled' : ''}`} disabled={(running || Boolean(bill.error)) || undefined} loading={running} onClick={run}>
          开始检查
        </Button>
      </View>

      {findings && (
        <View className='diagnose-result'>
          <Text className='section-title'>检查结果（{patient.label}）</Text>
          {findings.map((finding, index) => (
            <View key={finding.code} className={`finding finding--${finding.code} finding--${TONE[finding.code]}`}>
              <View className='finding__head'>
                <Text className='finding__index'>{TONE[finding.code] === 'ok' ? '✓' : index + 1}</Text>
                <Text className='finding__message'>{finding.message}</Text>
              </View>
              <Text className='finding__action'>怎么办：{finding.action}</Text>
              {followUp(finding.code)}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
