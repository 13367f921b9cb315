import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { buttonOf, click } from '../../../../tests/ui/helpers';
import ConfirmDialog from '../index';

describe('ConfirmDialog', () => {
  it('says what will happen and answers confirm or cancel', async () => {
    const confirm = vi.fn();
    const cancel = vi.fn();
    const { container } = render(
      <ConfirmDialog open title='解除？' confirmText='确认解除' onConfirm={confirm} onCancel={cancel}>
        解除后立即生效
      </ConfirmDialog>,
    );
    expect(screen.getByText('解除后立即生效')).toBeTruthy();
    await click(buttonOf(container, 'dialog-confirm'));
    await click(buttonOf(container, 'dialog-cancel'));
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it('is not there when closed', () => {
    const { container } = render(
      <ConfirmDialog open={false} title='解除？' confirmText='确认' onConfirm={() => undefined} onCancel={() => undefined}>
        x
      </ConfirmDialog>,
    );
    expect(container.querySelector('.confirm-dialog')).toBeNull();
  });

  it('ignores taps while busy and shows the error', async () => {
    const confirm = vi.fn();
    const { container } = render(
      <ConfirmDialog open busy error='网络异常，请稍后重试' title='解除？' confirmText='确认' onConfirm={confirm} onCancel={() => undefined}>
        x
      </ConfirmDialog>,
    );
    await click(buttonOf(container, 'dialog-confirm'));
    expect(confirm).not.toHaveBeenCalled();
    expect(screen.getByText('网络异常，请稍后重试')).toBeTruthy();
  });
});
