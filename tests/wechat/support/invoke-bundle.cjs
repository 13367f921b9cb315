'use strict';
/**
 * One instance of a cloud function, as WeChat's Node.js runtime runs it: a plain `node` process
 * (no tsx, no vitest) that `require`s the bundle's index.js once (the cold start) and then calls
 * its `main(event, context)` once per invocation. Before each invocation the caller's variables
 * are put into the environment, where wx-server-sdk's getWXContext() reads them: the WX_* keys
 * and TCB_SOURCE of the previous invocation are removed first, as a warm instance must not keep
 * a previous caller.
 *
 * The parent (cloudRuntime.ts) sends {file, invocations: [{env, event, context}]} over IPC and
 * gets back {auth, answers: [{envelope} | {threw}]} or {loadError}.
 */

function describe(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  return String(error);
}

function enterInvocation(env) {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('WX_') || key === 'TCB_SOURCE') delete process.env[key];
  }
  Object.assign(process.env, env);
}

async function run({ file, invocations }) {
  let main;
  try {
    main = require(file).main;
  } catch (error) {
    return { loadError: describe(error) };
  }
  if (typeof main !== 'function') return { loadError: `${file} exports no main function` };
  const answers = [];
  for (const { env, event, context } of invocations) {
    enterInvocation(env);
    try {
      answers.push({ envelope: await main(event, context) });
    } catch (error) {
      answers.push({ threw: describe(error) });
    }
  }
  return { auth: main.auth, answers };
}

process.once('message', (request) => {
  run(request).then(
    (result) => process.send(result, () => process.exit(0)),
    (error) => process.send({ loadError: describe(error) }, () => process.exit(0)),
  );
});
