import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  integer: '整数',
};

/**
 * Whether the event holds a value (anything but undefined) at `path`. Zod 4 does not keep the
 * input in its issues, so "missing" and "of the wrong type" are told apart by looking.
 */
function present(event: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = event;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || typeof key === 'symbol') return false;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return false;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value !== undefined;
}

/** What a JSON value is, in the words of the messages. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return TYPE_NAMES.array!;
  return TYPE_NAMES[typeof value] ?? typeof value;
}

function valueAt(event: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key as string], event);
}

/**
 * The first problem zod found, as the SPEC's `field` and a Chinese message. `event`: what was
 * parsed, so that a field of the wrong type is named as such and never called missing.
 */
export function firstIssue(error: z.ZodError, event?: unknown): { field: string; message: string } {
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
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      const given = event !== undefined ? present(event, issue.path) : issue.input !== undefined;
      message = given
        ? `参数类型不正确，应为${expected}${event !== undefined ? `，收到的是${typeOf(valueAt(event, issue.path))}` : ''}`
        : '缺少必填参数';
      break;
    }
    default:
      // Messages of our own field schemas are Chinese already; zod's own defaults are not.
      message = /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : '参数取值不正确';
  }
  const field = path.length > 0 ? path.join('.') : 'event';
  return { field, message: `${field}：${message}` };
}
