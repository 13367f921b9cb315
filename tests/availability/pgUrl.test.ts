import { describe, expect, it } from 'vitest';
import { describeHosts, parseDatabaseUrl } from '../../server/db/pg';
import { DatabaseUnavailable, isUnreachable } from '../../server/db/port';

describe('multi-host DATABASE_URL (libpq form; node-postgres 8 takes one host)', () => {
  it('splits the hosts into single-host URLs, keeps user, database and other parameters', () => {
    expect(parseDatabaseUrl('postgres://app:pw@h1:5432,h2:5433/yb?target_session_attrs=read-write&sslmode=disable')).toEqual({
      urls: ['postgres://app:pw@h1:5432/yb?sslmode=disable', 'postgres://app:pw@h2:5433/yb?sslmode=disable'],
      readWrite: true,
    });
  });
  it('one host without target_session_attrs stays as it was', () => {
    expect(parseDatabaseUrl('postgres://postgres@127.0.0.1:5432/test')).toEqual({ urls: ['postgres://postgres@127.0.0.1:5432/test'], readWrite: false });
    expect(parseDatabaseUrl('postgresql://a@[::1]:5432,10.0.0.2/db?target_session_attrs=primary').urls).toEqual([
      'postgresql://a@[::1]:5432/db',
      'postgresql://a@10.0.0.2/db',
    ]);
  });
  it('refuses a target_session_attrs it does not implement', () => {
    expect(() => parseDatabaseUrl('postgres://h1,h2/db?target_session_attrs=standby')).toThrow(/target_session_attrs/);
  });
  it('describes the hosts without the password', () => {
    expect(describeHosts('postgres://app:secret@h1:1,h2:2/db')).toBe('h1:1,h2:2');
  });
});

describe('what counts as "the database cannot be reached"', () => {
  const coded = (code: string) => Object.assign(new Error('x'), { code });
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '08006', '08001', '57P01', '57P02', '57P03', '25006', '57014'])('%s is unreachable', (code) => {
    expect(isUnreachable(coded(code))).toBe(true);
  });
  it.each(['Connection terminated unexpectedly', 'Query read timeout', 'timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'])(
    '"%s" is unreachable',
    (message) => {
      expect(isUnreachable(new Error(message))).toBe(true);
      expect(isUnreachable(new DatabaseUnavailable(new Error(message)))).toBe(true);
    },
  );
  it.each(['23505', '23514', '40001', '42P01'])('%s is a fault of the statement, not of the connection', (code) => {
    expect(isUnreachable(coded(code))).toBe(false);
  });
});
