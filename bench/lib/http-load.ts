/**
 * autocannon (programmatic API) in a worker thread, so that the load generator does not share
 * the event loop of the in-process gateway. Latencies: autocannon's own histogram (whole
 * milliseconds) and every response time collected in float milliseconds (the figures we keep).
 */
import { BroadcastChannel } from 'node:worker_threads';
import path from 'node:path';
import autocannon from 'autocannon';
import { summarize, type Summary } from './stats';

export interface AcRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpLoadResult {
  rps: number;
  latency: Summary;
  autocannonP99: number;
  requests: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  statusCodes: Record<string, number>;
}

export async function httpLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  /** One request list per connection (cycled when there are fewer lists than connections). */
  plan: AcRequest[][];
  /** Every body must match this. */
  expect: RegExp;
  /** Open loop: at most this many requests per second over all connections. */
  overallRate?: number;
}): Promise<HttpLoadResult> {
  const channelName = `bench-ac-${process.pid}-${Date.now()}`;
  process.env.BENCH_AC_PLAN = JSON.stringify(options.plan);
  process.env.BENCH_AC_CHANNEL = channelName;
  process.env.BENCH_AC_EXPECT = options.expect.source;
  const durations: number[] = [];
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event) => {
    const data = (event as unknown as { data: number[] }).data;
    for (const d of data) durations.push(d);
  };
  try {
    const result = await autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.seconds,
      workers: 1,
      setupClient: path.join(__dirname, 'ac-client.cjs'),
      verifyBody: path.join(__dirname, 'ac-verify.cjs'),
      requests: options.plan[0],
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    } as autocannon.Options);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const statusCodes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (stat as { count: number }).count;
    return {
      rps: result.requests.average,
      latency: summarize(durations),
      autocannonP99: result.latency.p99,
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      mismatches: result.mismatches,
      statusCodes,
    };
  } finally {
    channel.close();
    // The plan can be megabytes: never hand it to child processes spawned later.
    delete process.env.BENCH_AC_PLAN;
    delete process.env.BENCH_AC_CHANNEL;
    delete process.env.BENCH_AC_EXPECT;
  }
}
