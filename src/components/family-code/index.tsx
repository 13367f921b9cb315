import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import QrCode from '@/components/qr-code';
import type { FamilyCode as FamilyCodeData } from '@/services/cloud/types';
import { formatCountdown, secondsUntil } from '@/utils/date';
import './index.scss';

export interface FamilyCodeProps {
  code: FamilyCodeData;
  onRefresh: () => void;
  onClose: () => void;
  /** For tests: the clock. */
  now?: () => number;
}

/** A family-account member's short-lived medical code with a countdown; then it expires. */
export default function FamilyCode({ code, onRefresh, onClose, now = Date.now }: FamilyCodeProps) {
  const [left, setLeft] = useState(() => secondsUntil(code.expiresAt, now()));
  useEffect(() => {
    setLeft(secondsUntil(code.expiresAt, now()));
    const timer = setInterval(() => setLeft(secondsUntil(code.expiresAt, now())), 1000);
    return () => clearInterval(timer);
  }, [code.expiresAt, now]);
  const expired = left <= 0;
  // Shown below the member's row: bring it into view, whole.
  useEffect(() => {
    void Taro.pageScrollTo({ selector: '.family-code', duration: 200 }).catch(() => undefined);
  }, [code.code]);
  return (
    <View className={`family-code${expired ? ' family-code--expired' : ''}`}>
      <Text className='family-code__who'>
        {code.name} {code.idNumberMasked}
      </Text>
      <Text className='family-code__note'>出示给医院或药店扫码，使用的是{code.name}本人的医保待遇</Text>
      {expired ? (
        <View className='family-code__expired'>已过期</View>
      ) : (
        <QrCode value={code.code} label={`${code.name}的医保码，${code.code}`} />
      )}
      <Text className='family-code__text'>{expired ? '医保码已过期' : code.code.replace(/(.{4})/g, '$1 ').trim()}</Text>
      {expired ? (
        <Button className='family-code-refresh' onClick={onRefresh}>
          刷新医保码
        </Button>
      ) : (
        <Text className='family-code__countdown'>{formatCountdown(left)} 后失效</Text>
      )}
      <Button className='small-button small-button--plain family-code-close' onClick={onClose}>
        关闭
      </Button>
    </View>
  );
}
