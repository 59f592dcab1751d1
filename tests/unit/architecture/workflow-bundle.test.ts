import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../../src/kit/worker.js';

const logger = new DefaultLogger('ERROR');

describe('workflow bundle', () => {
  it('bundles workflows/ for the Temporal sandbox and exports roomWorkflow', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger });
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('roomWorkflow');
    // None of our node-side code leaked in through a value import (the SDK's own code mentions its
    // packages in strings, so probe for our identifiers instead).
    for (const forbidden of ['class InMemoryStore', 'class RoomKit', 'createActivities', 'class WebSocketChannel', 'loadRoomContext']) {
      expect(code).not.toContain(forbidden);
    }
    // Every module of the bundle is evaluated again for each workflow (the SDK's reusable context
    // keeps a module cache per workflow): zod and its schemas would be built once per cached room
    // (bench/README.md «Heap per cached room»). Workflow code imports zod-free modules and types only.
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]);
    expect(modules).toContain('./workflows/room/workflow.ts');
    expect(modules.filter((m) => /node_modules\/zod\//.test(m))).toEqual([]);
  }, 120_000);

  it('the same bundler refuses workflow code that imports a Node built-in (the check has teeth)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-bad-wf-'));
    try {
      const file = path.join(dir, 'index.ts');
      await writeFile(file, "import { readFileSync } from 'node:fs';\nexport async function bad(): Promise<string> { return String(readFileSync); }\n");
      await expect(bundleWorkflowCode({ workflowsPath: file, logger })).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
