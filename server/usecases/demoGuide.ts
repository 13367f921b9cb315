import type { App } from '../app';
import { DEMO_GUIDE, DEMO_PERSONS } from '../demo/cast';
import { fail } from '../errors';
import type { Data, Served } from '../contract';

export interface DemoRelative {
  name: string;
  /** Full number: fictitious demo people, and this answer exists only in development. */
  idNumber: string;
  note: string;
}

/** Demo relatives a demo user may type into the add-relative form, and what each shows. */
const DEMO_RELATIVES: Array<{ key: string; note: string }> = [
  { key: 'wangxiulan', note: '张伟（13800000001）的母亲：作为“父母”添加即可成功' },
  { key: 'zhangjianguo', note: '张伟的父亲：只在亲情账户中；添加为“父母”后诊断不再是 FAMILY_ACCOUNT_ONLY' },
  { key: 'chenhao', note: '陈静（13800000005）的弟弟：唐山只允许配偶、父母、子女（RELATIONSHIP_NOT_ALLOWED）' },
  { key: 'zhouminbj', note: '陈静的亲属，参保北京：OUT_OF_REGION' },
  { key: 'sunextra', note: '孙丽（13800000006）已绑定8人：再添加孙九 LIMIT_REACHED' },
  { key: 'zhenghua', note: '未参保：添加时 RELATIVE_NOT_INSURED' },
  { key: 'liude', note: '医保暂停：添加时 RELATIVE_NOT_INSURED' },
  { key: 'lina', note: '张伟已与她共济：再次添加 ALREADY_BOUND' },
];

/**
 * What the login page's development hint shows: the demo phones and the demo relatives.
 * Refused in production and whenever demo data is off.
 */
export function demoGuide(app: App): Served<Data<'demoGuide'>> {
  if (app.config.appEnv === 'production' || !app.config.demoData) fail('FORBIDDEN', '演示数据仅在开发环境提供');
  const relatives: DemoRelative[] = [];
  for (const { key, note } of DEMO_RELATIVES) {
    const person = DEMO_PERSONS.find((p) => p.key === key);
    if (person && note) relatives.push({ name: person.name, idNumber: person.idNumber, note });
  }
  return { phones: DEMO_GUIDE, relatives };
}
