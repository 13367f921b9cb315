import { createHash } from 'node:crypto';

const PREPARABLE = /^\s*(?:WITH|SELECT|INSERT|UPDATE|DELETE)\b/i;
const names = new Map<string, string>();

/**
 * The name under which a statement text is prepared, or undefined for one that cannot be
 * (DDL, SET, BEGIN…). Both adapters prepare each text once per connection and then only
 * execute it: the settlement's statements cost several times more to plan than to run
 * (docs/PERFORMANCE.md). The name is a digest of the text, so one text has one name.
 */
export function statementName(sql: string): string | undefined {
  if (!PREPARABLE.test(sql)) return undefined;
  let name = names.get(sql);
  if (!name) {
    name = `yb_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}
