import { act, fireEvent, waitFor } from '@testing-library/react';

/** The `<input>` of a Taro Input (on H5 `<input class="taro-input-core …">` itself); waited for. */
export async function inputOf(container: HTMLElement, className: string): Promise<HTMLInputElement> {
  let found: HTMLInputElement | null = null;
  await waitFor(() => {
    found = container.querySelector<HTMLInputElement>(`input.${className}, .${className} input`);
    if (!found) throw new Error(`no input in .${className} yet`);
  });
  return found as unknown as HTMLInputElement;
}

/** Types a value the way a person does: Taro listens to `input` events, not `change`. */
export async function typeInto(container: HTMLElement, className: string, value: string): Promise<HTMLInputElement> {
  const input = await inputOf(container, className);
  await act(async () => {
    input.value = value;
    fireEvent.input(input, { target: { value } });
  });
  return input;
}

/** Leaves a field (blur), for the checks that wait until the user is done. */
export async function leave(container: HTMLElement, className: string): Promise<void> {
  const input = await inputOf(container, className);
  await act(async () => {
    fireEvent.blur(input);
  });
}

/** A Taro `<Button className="…">` (`<div class="taro-button-core …">` on H5) by class. */
export function buttonOf(container: HTMLElement, className: string): HTMLElement {
  const button = container.querySelector<HTMLElement>(`.${className}`);
  if (!button) throw new Error(`no .${className}`);
  return button;
}

export function isDisabled(element: HTMLElement): boolean {
  return element.hasAttribute('disabled') && element.getAttribute('disabled') !== 'false';
}

export async function click(element: Element): Promise<void> {
  await act(async () => {
    fireEvent.click(element);
  });
}

/** Lets pending promises (mocked cloud calls) settle. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}
