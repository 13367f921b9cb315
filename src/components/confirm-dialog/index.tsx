import { useEffect, useId, type ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import { focusById } from '@/services/focus';
import './index.scss';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmText: string;
  cancelText?: string;
  tone?: 'primary' | 'danger';
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal that says what will happen before it happens. Buttons: `.dialog-confirm`, `.dialog-cancel`. */
export default function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, title, children, confirmText, cancelText = '取消', tone = 'primary', busy, error, onConfirm, onCancel } = props;
  const id = `confirm-dialog-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  // The focus moves into the dialog when it opens (screen readers read it, the keyboard is in it).
  useEffect(() => {
    if (open) focusById(id);
  }, [open, id]);
  if (!open) return null;
  return (
    <View className='confirm-dialog'>
      <View className='confirm-dialog__mask' aria-hidden='true' onClick={busy ? undefined : onCancel} />
      <View id={id} className='confirm-dialog__panel' role='dialog' aria-modal='true' aria-labelledby={`${id}-title`}>
        <Text id={`${id}-title`} className='confirm-dialog__title'>
          {title}
        </Text>
        <View className='confirm-dialog__body'>{children}</View>
        {error && <View className='confirm-dialog__error'>{error}</View>}
        <View className='confirm-dialog__buttons'>
          <Button className='dialog-cancel' disabled={busy || undefined} onClick={busy ? undefined : onCancel}>
            {cancelText}
          </Button>
          <Button className={`dialog-confirm dialog-confirm--${tone}`} loading={busy} disabled={busy || undefined} onClick={busy ? undefined : onConfirm}>
            {confirmText}
          </Button>
        </View>
      </View>
    </View>
  );
}
