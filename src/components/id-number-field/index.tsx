import { useMemo, useState } from 'react';
import { shanghaiToday } from '@/rules/age';
import TextField from '@/components/text-field';
import { checkIdInput, type IdInputCheck } from '@/utils/idInput';
import './index.scss';

export interface IdNumberFieldProps {
  label?: string;
  value: string;
  onInput: (value: string) => void;
  inputClassName: string;
  /** The server's complaint about this field (shown until the value changes). */
  serverError?: string | null;
  placeholder?: string;
  /** Today in Asia/Shanghai; injected by tests. */
  today?: string;
}

/** Whether the typed number is complete and well formed (SPEC 2.1 check 3). */
export function idNumberReady(value: string, today = shanghaiToday(new Date())): boolean {
  return checkIdInput(value, today).state === 'valid';
}

function hintOf(check: IdInputCheck): string | null {
  if (check.state === 'typing') return `已输入 ${check.typed}/18 位`;
  if (check.state === 'valid') {
    const [y, m, d] = check.info.birthDate.split('-').map(Number);
    return `号码格式正确：出生日期 ${y}年${m}月${d}日，${check.info.sex === 'male' ? '男' : '女'}`;
  }
  return null;
}

/**
 * The ID number as it is typed, checked at every keystroke with a plain Chinese explanation of
 * what is wrong. The only place a full ID number is ever shown.
 */
export default function IdNumberField({ label = '身份证号码', value, onInput, inputClassName, serverError, placeholder, today }: IdNumberFieldProps) {
  const [blurred, setBlurred] = useState(false);
  const check = useMemo(() => checkIdInput(value, today ?? shanghaiToday(new Date())), [value, today]);
  // A number left incomplete is an error once the user leaves the field.
  const incomplete = blurred && check.state === 'typing' ? '身份证号码应为18位，请核对后重新输入' : null;
  const error = serverError || (check.state === 'invalid' ? check.message : incomplete);
  return (
    <TextField
      label={label}
      value={value}
      onInput={(next) => onInput(next.replace(/\s+/g, '').toUpperCase())}
      onBlur={() => setBlurred(true)}
      inputClassName={inputClassName}
      type='idcard'
      maxlength={18}
      placeholder={placeholder ?? '18位身份证号码'}
      error={error}
      hint={hintOf(check)}
    />
  );
}
