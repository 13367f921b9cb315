import { useEffect, useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
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

/** Cells of a picture-like code drawn from the code's characters (the real code comes from the national platform). */
function cells(code: string): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < 121; i += 1) {
    const c = code.charCodeAt(i % code.length) + i * 7;
    out.push(c % 3 !== 0);
  }
  return out;
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
  return (
    <View className={`family-code${expired ? ' family-code--expired' : ''}`}>
      <Text className='family-code__who'>
        {code.name} {code.idNumberMasked}
      </Text>
      <Text className='family-code__note'>出示给医院或药店扫码，使用的是{code.name}本人的医保待遇</Text>
      <View className='family-code__grid'>
        {cells(code.code).map((on, i) => (
          <View key={i} className={`family-code__cell${on && !expired ? ' family-code__cell--on' : ''}`} />
        ))}
      </View>
      <Text className='family-code__text'>{expired ? '医保码已过期' : code.code.replace(/(.{4})/g, '$1 ').trim()}</Text>
      {expired ? (
        <Button className='family-code-refresh' onClick={onRefresh}>
          刷新医保码
        </Button>
      ) : (
        <Text className='family-code__countdown'>{formatCountdown(left)} 后失效</Text>
      )}
      <Text className='family-code-close' onClick={onClose}>
        关闭
      </Text>
    </View>
  );
}
