'use strict';
// setupClient for autocannon in worker mode (a file, since functions cannot cross threads).
// Each connection takes the next request list of the plan in BENCH_AC_PLAN (JSON), and every
// response time (ms, float) is sent in batches on the BroadcastChannel BENCH_AC_CHANNEL.
const { BroadcastChannel } = require('node:worker_threads');

const plan = JSON.parse(process.env.BENCH_AC_PLAN || '[]');
const channel = new BroadcastChannel(process.env.BENCH_AC_CHANNEL || 'bench-ac');
let next = 0;
let batch = [];
function flush() {
  if (batch.length === 0) return;
  channel.postMessage(batch);
  batch = [];
}
const timer = setInterval(flush, 100);
timer.unref();

module.exports = function setupClient(client) {
  if (plan.length > 0) client.setRequests(plan[next++ % plan.length]);
  client.on('response', (statusCode, bytes, duration) => {
    batch.push(duration);
    if (batch.length >= 256) flush();
  });
};
