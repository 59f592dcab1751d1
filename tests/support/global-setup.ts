/**
 * Vitest globalSetup: one Temporal server and one workflow bundle for the whole run.
 * Tests read them with `inject('temporalAddress')` and `inject('workflowBundlePath')`, then
 * create workers with `workflowBundle: { codePath }` and a unique task queue each.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureTemporalServer, temporalConfigFromEnv } from '../../src/temporal/index.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const log = (msg: string): void => console.error(`[global-setup] ${msg}`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = temporalConfigFromEnv(process.env);
  // Rooms continue as new after ~200 history events (the default is 4,096), so every longer test
  // also crosses run boundaries and proves that state survives them. Ignored with TEMPORAL_ADDRESS.
  const server = await ensureTemporalServer(config, {
    log,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
  });
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-tests-'));
  try {
    project.provide('temporalAddress', server.address);
    project.provide('workflowBundlePath', await bundleWorkflows(tempDir));
  } catch (error) {
    await server.stop();
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await server.stop();
    await rm(tempDir, { recursive: true, force: true });
  };
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
