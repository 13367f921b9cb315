import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import Taro from '@tarojs/taro';
import ConfirmDialog from '@/components/confirm-dialog';
import { formatFen } from '@/rules/money';
import { callFunction } from '@/services/cloud';
import type { Binding, PremiumOffer } from '@/services/cloud/types';
import './index.scss';

export interface PremiumCardProps {
  /** An active binding of mine as its sharer, whose relative is resident-insured or uninsured. */
  binding: Binding & { premium: PremiumOffer };
  /** After a payment: reload what changed (balances, records). */
  onPaid: () => void;
}

/** `09-01..12-31` → `9月1日至12月31日` */
export function windowText(window: string): string {
  const [from, to] = window.split('..');
  const day = (mmdd: string | undefined) => {
    const [m, d] = (mmdd ?? '').split('-').map(Number);
    return `${m}月${d}日`;
  };
  return `${day(from)}至${day(to)}`;
}

/**
 * 代缴 (SPEC 2.12): pay a relative's resident premium of the year from my account, after a
 * confirmation that says the amount, the year and where the money comes from.
 */
export default function PremiumCard({ binding, onPaid }: PremiumCardProps) {
  const { premium } = binding;
  const name = binding.relative.name;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [paid, setPaid] = useState(premium.paid);
  const source = typeof binding.quotaLeftFen === 'number' ? '从您为其设定的共济额度（不足时从可用余额）中支付' : '从您个人账户的可用余额中支付';

  const pay = async () => {
    setBusy(true);
    setError(null);
    const answer = await callFunction('payPremium', { bindingId: binding.bindingId, year: premium.year });
    setBusy(false);
    if (!answer.ok) {
      setError(answer.error.message);
      if (answer.error.code === 'PREMIUM_ALREADY_PAID') setPaid(true);
      return;
    }
    setPaid(true);
    setOpen(false);
    void Taro.showToast({ title: `已代缴 ${formatFen(answer.data.amountFen)}`, icon: 'success' });
    onPaid();
  };

  return (
    <View className='card premium-card'>
      <Text className='premium-card__title'>代缴{premium.year}年度城乡居民医保费</Text>
      <Text className='premium-card__text'>
        {name}参加的是居民医保（或尚未参保）。您可以用职工医保个人账户为其缴纳{premium.year}年度的个人缴费 {formatFen(premium.amountFen)}；
        参保地的缴费期为每年{windowText(premium.window)}。
      </Text>
      {paid ? (
        <Text className='premium-card__state premium-paid'>{premium.year}年度的居民医保费已缴纳，无需重复缴费。</Text>
      ) : premium.open ? (
        <Button className='small-button premium-pay' onClick={() => setOpen(true)}>
          为{name}代缴 {formatFen(premium.amountFen)}
        </Button>
      ) : (
        <Text className='premium-card__state premium-closed'>现在不在缴费期内，请在{windowText(premium.window)}之间再来代缴。</Text>
      )}
      <ConfirmDialog
        open={open}
        title={`为${name}代缴${premium.year}年度居民医保费？`}
        confirmText={`确认代缴 ${formatFen(premium.amountFen)}`}
        busy={busy}
        error={error}
        onConfirm={() => void pay()}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
      >
        <Text className='premium-card__confirm'>
          将{source} {formatFen(premium.amountFen)}，缴纳后不能撤回；每人每年只能缴纳一次，你们双方都会收到通知，并在支付记录中看到这笔代缴。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
