/**
 * The mini-program shows WeChat's own navigation bar (title and back): nothing to draw here.
 * The H5 build draws its own (index.h5.tsx).
 */
export interface TitleBarProps {
  title: string;
  /** The root page (home) has nowhere to go back to. */
  root?: boolean;
}

export default function TitleBar(_props: TitleBarProps) {
  return null;
}
