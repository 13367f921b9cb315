import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  integer: '整数',
};

/** The first problem zod found, as the SPEC's `field` and a Chinese message. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: 'event', message: '请求内容不正确' };
  let path = issue.path.map(String);
  let message: string;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      // The key is the caller's own text: name it, but never echo more than 40 characters of it.
      const characters = Array.from(key);
      const shown = characters.length > 40 ? `${characters.slice(0, 40).join('')}…` : key;
      path = [...path, shown];
      message = `不支持的参数：${shown}`;
      break;
    }
    case 'invalid_type':
      message =
        issue.input === undefined
          ? '缺少必填参数'
          : `参数类型不正确，应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      break;
    default:
      // Messages of our own field schemas are Chinese already; zod's own defaults are not.
      message = /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : '参数取值不正确';
  }
  const field = path.length > 0 ? path.join('.') : 'event';
  return { field, message: `${field}：${message}` };
}
