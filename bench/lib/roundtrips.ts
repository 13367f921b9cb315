import pg from 'pg';

/**
 * Records every statement a `pg` client sends while `fn` runs (pool.query and client.query both
 * end in Client.prototype.query; BEGIN and COMMIT included). One call = one round trip: the
 * driver sends Parse/Bind/Execute/Sync of a parameterized statement in one packet.
 */
export async function recordStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function patched(this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text ?? '?';
    statements.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, statements };
  } finally {
    proto.query = original;
  }
}

/** The first words of a statement, for a readable log. */
export function shortStatement(sql: string, width = 110): string {
  return sql.length > width ? `${sql.slice(0, width - 1)}…` : sql;
}
