import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { checkDatabaseChoice, ConfigError, loadConfig, type Config } from './config';
import { describeHosts } from './db/pg';
import { isUnreachable } from './db/port';
import { DEMO_GUIDE, DEMO_INSTITUTIONS, DEMO_STAFF } from './demo/cast';
import { demoInstitutionKey, demoTotpNow, isRegistryEmpty, seedDemo, seedDemoStaff } from './demo/seed';
import { loadCloudFunctions } from './gateway/functions';
import { buildGateway, H5_DIR, STAFF_DIR } from './gateway/server';
import { startScheduler } from './workers/scheduler';

function databaseUnreachable(why: string): string {
  return `failed to start: the database of DATABASE_URL (${describeHosts(process.env.DATABASE_URL ?? '')}) cannot be reached: ${why}`;
}

/** Ends the start (exit 1) when the database (DATABASE_URL) keeps it waiting longer than DB_STARTUP_TIMEOUT_MS. */
function startupWatchdog(config: Config): NodeJS.Timeout | undefined {
  if (!config.databaseUrl) return undefined;
  return setTimeout(() => {
    console.error(databaseUnreachable(`no answer within ${config.database.startupMs} ms`));
    process.exit(1);
  }, config.database.startupMs);
}

/** `npm start`: build the H5 app and the staff console when missing, open the database, load the demo, listen. */
async function main(): Promise<void> {
  const startedAt = Date.now();
  // SIGTERM / SIGINT are handled from the first moment, not only once the server listens: a stop
  // during start-up lets the current step finish, closes what is open and exits 0. (The flake of
  // issue 10: under `tsx server/main.ts` tsx's relay process forwards the signal and SIGKILLs its
  // child when the child has not acknowledged it within 30 ms, exiting 143 itself. `npm start`
  // therefore runs `node --import tsx server/main.ts`: one process, the signal reaches this handler.)
  const open: { server?: { close(): Promise<unknown> }; stopScheduler?: () => Promise<void>; db?: { close(): Promise<void> } } = {};
  let stopping: Promise<void> | undefined;
  let finishStartup!: () => void;
  const startup = new Promise<void>((resolve) => (finishStartup = resolve));
  // One stop, however many signals arrive: a signal delivered twice must not start a second stop.
  const stop = () => {
    stopping ??= (async () => {
      await startup;
      await open.server?.close();
      await open.stopScheduler?.();
      await open.db?.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // From here on a stop is clean (the process test sends SIGTERM as soon as it reads this line).
  console.log('starting…');
  try {
    await start(startedAt, open, () => stopping !== undefined);
  } finally {
    finishStartup();
  }
}

/** Opens the database and serves; returns early (leaving `open` to be closed) once a stop was asked. */
async function start(
  startedAt: number,
  open: { server?: { close(): Promise<unknown> }; stopScheduler?: () => Promise<void>; db?: { close(): Promise<void> } },
  stopAsked: () => boolean,
): Promise<void> {
  const config = loadConfig();
  // Before any build or database: production on PGlite only when asked for (SPEC 3.1).
  checkDatabaseChoice(config);
  if (!existsSync(path.join(H5_DIR, 'index.html')) && !config.skipH5Build) {
    console.log('H5 app not built yet: running `npm run build:h5` (first start only)…');
    const build = spawnSync('npm', ['run', 'build:h5'], { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
    if (build.status !== 0) throw new Error('the H5 build failed');
  }
  if (!existsSync(path.join(STAFF_DIR, 'index.html')) && !config.skipStaffBuild) {
    console.log('staff console not built yet: running `npm run build:staff` (first start only)…');
    const build = spawnSync('npm', ['run', 'build:staff'], { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
    if (build.status !== 0) throw new Error('the staff console build failed');
  }
  if (stopAsked()) return;
  // A database that refuses or never answers ends the start with a message, not a hang (SPEC 2.13).
  const watchdog = startupWatchdog(config);
  // Development migrates at start; production only checks: there `npm run migrate` is a deploy step.
  const app = await createApp(config, { schema: config.appEnv === 'development' ? 'migrate' : 'check' });
  // It answered; from here each statement has its own timeouts (DB_*_TIMEOUT_MS).
  clearTimeout(watchdog);
  open.db = app.db;
  if (stopAsked()) return;
  if (config.demoData && (await isRegistryEmpty(app))) {
    await seedDemo(app);
    console.log('demo data loaded');
  }
  // The demo staff (development only), also in a database seeded before staff existed.
  if (config.demoData && config.appEnv === 'development') await seedDemoStaff(app);
  process.on('unhandledRejection', (reason) => {
    app.log.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection');
  });
  const functions = await loadCloudFunctions();
  if (stopAsked()) return;
  const server = await buildGateway(app, functions);
  open.server = server;
  await server.listen({ port: config.port, host: '127.0.0.1' });
  if (stopAsked()) return;
  // All periodic work runs under one scheduler once the gateway serves: expiring bindings and
  // their notices (SPEC 2.1), the notice worker's rounds (2.8), pruning old rate-limit windows
  // and run records. Its first look at the clock runs every job whose current slot no gateway
  // has run yet, so bindings due to expire are expired at start as before.
  open.stopScheduler = startScheduler(app);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  const lines = [
    `医保家庭共济 ${config.appEnv} — database: ${app.db.kind === 'pg' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`}`,
    `${functions.size} cloud functions at POST /api/<name>; started in ${Date.now() - startedAt} ms`,
  ];
  if (app.adminKeyGenerated) lines.push(`operator key (ADMIN_KEY, generated for development): ${app.keys.admin}`);
  if (config.demoData) {
    lines.push('', '演示账号（登录页获取验证码，开发环境会直接显示验证码）：');
    for (const guide of DEMO_GUIDE) lines.push(`  ${guide.phone}  ${guide.who}：${guide.shows}`);
    lines.push('', '演示机构密钥（settle / refund 的 Authorization: Bearer <key>）：');
    for (const institution of DEMO_INSTITUTIONS) lines.push(`  ${institution.name}  ${demoInstitutionKey(app, institution.code)}`);
    lines.push(
      '',
      `经办大厅演示员工（http://127.0.0.1:${port}/staff；仅开发环境）：用户名 / 密码 / TOTP 密钥（可添加到任一身份验证器 App）/ 此刻的动态验证码`,
    );
    for (const staff of DEMO_STAFF) {
      lines.push(`  ${staff.username} / ${staff.password} / ${staff.totpSecret} / ${demoTotpNow(app, staff.totpSecret)}（${staff.name}）`);
    }
    lines.push('  动态验证码每30秒更新：npx tsx scripts/staff-totp.ts <用户名> 打印当前验证码');
  }
  console.log(`${lines.join('\n')}\n\nlistening on http://127.0.0.1:${port}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`refusing to start — configuration error: ${error.message}`);
  else if (isUnreachable(error)) console.error(databaseUnreachable(error instanceof Error ? error.message : String(error)));
  else console.error('failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
