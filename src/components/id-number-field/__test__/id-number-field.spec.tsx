import { useState } from 'react';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { inputOf, leave, typeInto } from '../../../../tests/ui/helpers';
import IdNumberField, { idNumberReady } from '../index';

const TODAY = '2026-03-15';

function Harness({ serverError }: { serverError?: string }) {
  const [value, setValue] = useState('');
  return <IdNumberField value={value} onInput={setValue} inputClassName='id-under-test' today={TODAY} serverError={serverError} />;
}

describe('IdNumberField', () => {
  it('counts what is typed while the beginning is right', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '1101051949');
    expect(await screen.findByText('已输入 10/18 位')).toBeTruthy();
    expect(container.querySelector('.field-error')).toBeNull();
  });

  it('explains a letter before the last character at once', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '11010A');
    expect(container.querySelector('.field-error')?.textContent).toBe('身份证号码只能是数字，最后一位可以是字母X，请核对后重新输入');
  });

  it('explains a province that does not exist as soon as its two digits are typed', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '00');
    expect(container.querySelector('.field-error')?.textContent).toContain('地区代码不存在');
  });

  it("waits for the third digit of a foreigner's permanent residence card (9 + province)", async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '99');
    expect(container.querySelector('.field-error')).toBeNull();
    await typeInto(container, 'id-under-test', '999');
    expect(container.querySelector('.field-error')?.textContent).toContain('地区代码不存在');
  });

  it('explains an impossible birth date once its eight digits are typed', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '11010519490230');
    expect(container.querySelector('.field-error')?.textContent).toContain('出生日期（第7至14位）不是有效日期');
  });

  it('explains a birth date after today', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '11010520300101');
    expect(container.querySelector('.field-error')?.textContent).toContain('晚于今天');
  });

  it('explains a wrong check character', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '110105194912310021');
    expect(container.querySelector('.field-error')?.textContent).toContain('校验位不正确');
  });

  it('accepts a valid number, a lower-case x included, and says what it read from it', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '11010519491231002x');
    expect((await inputOf(container, 'id-under-test')).value).toBe('11010519491231002X');
    expect(container.querySelector('.field-error')).toBeNull();
    expect(await screen.findByText('号码格式正确：出生日期 1949年12月31日，女')).toBeTruthy();
  });

  it('calls an incomplete number an error once the user leaves the field', async () => {
    const { container } = render(<Harness />);
    await typeInto(container, 'id-under-test', '110105');
    await leave(container, 'id-under-test');
    expect(container.querySelector('.field-error')?.textContent).toBe('身份证号码应为18位，请核对后重新输入');
  });

  it("shows the server's complaint at the field", async () => {
    const { container } = render(<Harness serverError='未查到该亲属的有效基本医保参保信息' />);
    await inputOf(container, 'id-under-test');
    expect(container.querySelector('.field-error')?.textContent).toBe('未查到该亲属的有效基本医保参保信息');
  });

  it('is ready only for a complete, valid number', () => {
    expect(idNumberReady('11010519491231002X', TODAY)).toBe(true);
    expect(idNumberReady('1101051949123100', TODAY)).toBe(false);
    expect(idNumberReady('110105194912310021', TODAY)).toBe(false);
  });
});
