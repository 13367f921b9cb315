import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../server/db/port';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { buildGateway } from '../../server/gateway/server';
import { Harness, type TestPerson } from '../support/harness';
import { PG_ADMIN_URL } from '../support/postgres';

/** The host and port of the test PostgreSQL server (DATABASE_URL or the local one). */
export function pgTarget(): { host: string; port: number } {
  const url = new URL(PG_ADMIN_URL);
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) };
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const next = new URL(url);
  next.hostname = '127.0.0.1';
  next.port = String(port);
  return next.toString();
}

export type Answer = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

export interface HttpOutcome {
  status: number;
  envelope?: Answer;
  /** No complete answer (connection reset, timeout). */
  lost?: string;
  ms: number;
  /** When it was sent (Date.now()). */
  at: number;
}

/** One call of a cloud function over HTTP, with its status and how long it took. */
export async function post(base: string, name: string, event: unknown, bearer?: string, timeoutMs = 30_000): Promise<HttpOutcome> {
  const started = performance.now();
  const at = Date.now();
  try {
    const response = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, envelope: JSON.parse(text) as Answer, ms: performance.now() - started, at };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, lost: cause ?? (error instanceof Error ? error.message : String(error)), ms: performance.now() - started, at };
  }
}

/** Three sharers with `balanceFen` each bound to four patients, an institution, and the gateway serving them on a free port. */
export interface SettlementWorld {
  h: Harness;
  patients: TestPerson[];
  /** The institution's key. */
  key: string;
  server: FastifyInstance;
  base: string;
}

export async function settlementWorld(db: Db, balanceFen: number): Promise<SettlementWorld> {
  const h = await Harness.create(db);
  const sharers = await Promise.all(Array.from({ length: 3 }, () => h.employee(balanceFen)));
  const patients = await Promise.all(Array.from({ length: 4 }, () => h.person({ birthDate: '1990-05-05' })));
  for (const sharer of sharers) {
    const user = await h.user(sharer);
    for (const patient of patients) await h.bind(user, patient, 'child');
  }
  const { key } = await h.institution();
  const server = await buildGateway(h.app, await loadCloudFunctions(), '/nonexistent-h5', '/nonexistent-staff');
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { h, patients, key, server, base: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}
