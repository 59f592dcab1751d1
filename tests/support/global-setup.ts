/**
 * Vitest globalSetup: one Temporal server, one workflow bundle and one PostgreSQL server for the
 * whole run. Tests read them with `inject('temporalAddress')` and `inject('workflowBundlePath')`, then
 * create workers with `workflowBundle: { codePath }` and a unique task queue each; PostgreSQL tests
 * use `inject('postgresUrl')` with a schema of their own (tests/support/postgres-server.ts); realtime
 * tests use `inject('redisUrl')` with a channel prefix of their own (tests/support/redis-server.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureTemporalServer, temporalConfigFromEnv } from '../../src/temporal/index.js';
import {
  PostgresNotInstalledError, postgresBinDir, startPostgresServer, type PostgresServer,
} from './postgres-server.js';
import { createChildRegistry, reapChildren } from './processes.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const log = (msg: string): void => console.error(`[global-setup] ${msg}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = temporalConfigFromEnv(process.env);
  // Both servers start at once: PostgreSQL's initdb overlaps Temporal's start-up.
  const [temporal, postgres, redis] = await Promise.allSettled([
    // Rooms continue as new after ~200 history events (the default is 4,096), so every longer test
    // also crosses run boundaries and proves that state survives them. Ignored with TEMPORAL_ADDRESS.
    ensureTemporalServer(config, {
      log,
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
    }),
    ensurePostgres(),
    ensureRedis(),
  ]);
  if (temporal.status === 'rejected' || postgres.status === 'rejected' || redis.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.server?.destroy();
    if (redis.status === 'fulfilled') await redis.value.server?.destroy();
    throw [temporal, postgres, redis].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))[0];
  }
  const server = temporal.value;
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-tests-'));
  const children = path.join(tempDir, 'children');
  createChildRegistry(children);
  const stopAll = async (): Promise<void> => {
    // Every process a test spawned (tests/support/processes.ts) must be gone by now.
    const leaked = await reapChildren(children);
    await Promise.all([server.stop(), postgres.value.server?.destroy(), redis.value.server?.destroy()]);
    await rm(tempDir, { recursive: true, force: true });
    if (leaked.length) {
      // A teardown error alone does not fail vitest's exit code.
      process.exitCode = 1;
      throw new Error(`tests left ${leaked.length} process group(s) running (now killed):\n  ${leaked.join('\n  ')}`);
    }
  };
  try {
    project.provide('childRegistry', children);
    project.provide('temporalAddress', server.address);
    project.provide('postgresUrl', postgres.value.url);
    project.provide('postgresDataDir', postgres.value.server?.dataDir ?? '');
    project.provide('redisUrl', redis.value.url);
    project.provide('workflowBundlePath', await bundleWorkflows(tempDir));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

/**
 * `ROOMKIT_TEST_POSTGRES_URL` or `DATABASE_URL` set ⇒ that server, nothing started. Otherwise a
 * server of our own, from the installed binaries. Without either the run fails here, locally as in
 * CI: PostgreSQL tests never skip (a skipped test is a defect that looks like a pass).
 */
async function ensurePostgres(): Promise<{ url: string; server?: PostgresServer }> {
  const external = process.env.ROOMKIT_TEST_POSTGRES_URL || process.env.DATABASE_URL;
  if (external) {
    log('PostgreSQL: using the server of ROOMKIT_TEST_POSTGRES_URL/DATABASE_URL');
    return { url: external };
  }
  if (!postgresBinDir()) throw new PostgresNotInstalledError();
  const server = await startPostgresServer({ log });
  return { url: server.url, server };
}

/** `ROOMKIT_TEST_REDIS_URL` set ⇒ that server; otherwise one of our own from Debian's redis-server. */
async function ensureRedis(): Promise<{ url: string; server?: RedisServer }> {
  const external = process.env.ROOMKIT_TEST_REDIS_URL;
  if (external) {
    log('Redis: using the server of ROOMKIT_TEST_REDIS_URL');
    return { url: external };
  }
  const server = await startRedisServer();
  log(`Redis on ${server.url}`);
  return { url: server.url, server };
}

/** Bundling costs ~2 s cold, so it is done once here rather than per test file. */
async function bundleWorkflows(tempDir: string): Promise<string> {
  if (!existsSync(WORKFLOWS_PATH)) {
    log(`${path.relative(process.cwd(), WORKFLOWS_PATH)} does not exist yet; skipping the workflow bundle`);
    return '';
  }
  // Loaded lazily: pulls in webpack and the native runtime only when there is something to bundle.
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: new DefaultLogger('WARN'),
  });
  const bundlePath = path.join(tempDir, 'workflow-bundle.js');
  await writeFile(bundlePath, code);
  log(`workflows bundled once for the run (${Math.round(code.length / 1024)} KB)`);
  return bundlePath;
}
