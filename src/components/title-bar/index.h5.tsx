import { useEffect, useRef } from 'react';
import { back } from '@/services/routes';
import type { TitleBarProps } from './index';
import './index.scss';

/**
 * H5 has no navigation bar of its own: the page's title and a 返回 button on screen, on every
 * page. Plain HTML (this file is built for H5 only): a real <button> and a level-1 heading.
 */
export default function TitleBar({ title, root }: TitleBarProps) {
  const bar = useRef<HTMLDivElement>(null);
  // Taro's page container scrolls: it takes the keyboard focus, so the keyboard can scroll it too.
  useEffect(() => {
    const page = bar.current?.closest('.taro_page');
    if (page && !page.hasAttribute('tabindex')) page.setAttribute('tabindex', '0');
  }, []);
  return (
    <div className='title-bar' ref={bar}>
      {!root && (
        <button type='button' className='title-bar__back' aria-label='返回上一页' onClick={back}>
          <span className='title-bar__arrow' aria-hidden='true'>
            ‹
          </span>
          <span className='title-bar__back-text'>返回</span>
        </button>
      )}
      <h1 className='title-bar__title'>{title}</h1>
    </div>
  );
}
