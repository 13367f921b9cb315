import type { App } from '../../server/app';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { buildGateway } from '../../server/gateway/server';
import type { AcRequest } from './http-load';

/** The gateway in this process, on an ephemeral port of 127.0.0.1. */
export async function startGateway(app: App): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await buildGateway(app, await loadCloudFunctions());
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  if (!address || typeof address !== 'object') throw new Error('gateway has no address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

export function apiRequest(name: string, event: unknown, bearer?: string): AcRequest {
  return {
    method: 'POST',
    path: `/api/${name}`,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(event),
  };
}
