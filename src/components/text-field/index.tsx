import type { ReactNode } from 'react';
import { View, Text, Input } from '@tarojs/components';
import FieldError from '@/components/field-error';
import './index.scss';

export interface TextFieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** On the input itself (H5: `<taro-input-core class="…"><input>`): what tests and scripts select. */
  inputClassName: string;
  placeholder?: string;
  type?: 'text' | 'number' | 'idcard' | 'digit';
  maxlength?: number;
  error?: string | null;
  /** Shown under the field when there is no error. */
  hint?: ReactNode;
  disabled?: boolean;
  /** Something at the end of the row (a button). */
  extra?: ReactNode;
  onBlur?: () => void;
}

/** A labelled input with its error (or hint) underneath. */
export default function TextField(props: TextFieldProps) {
  const { label, value, onInput, inputClassName, placeholder, type = 'text', maxlength, error, hint, disabled, extra, onBlur } = props;
  return (
    <View className={`text-field${error ? ' text-field--error' : ''}`}>
      <Text className='text-field__label'>{label}</Text>
      <View className='text-field__row'>
        <Input
          className={`text-field__input ${inputClassName}`}
          value={value}
          type={type}
          placeholder={placeholder}
          placeholderClass='text-field__placeholder'
          maxlength={maxlength ?? 140}
          disabled={disabled}
          onInput={(event) => onInput(event.detail.value)}
          onBlur={onBlur}
        />
        {extra}
      </View>
      {error ? <FieldError message={error} /> : hint ? <View className='text-field__hint'>{hint}</View> : null}
    </View>
  );
}
