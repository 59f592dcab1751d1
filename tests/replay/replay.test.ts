/**
 * Golden histories recorded from real runs (`npm run histories:record`) must replay on today's
 * workflow code: a room that is already running would otherwise break on the next deploy.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, inject, it } from 'vitest';
import { GOLDEN_SECRETS, goldenCodec, scenarios } from './scenarios.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
const load = async (file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8'));
/** Encrypted goldens replay through the codec of the kit that recorded them (codecs run outside the sandbox). */
const encrypted = new Set(scenarios.filter((s) => s.encrypted).map((s) => `${s.name}.json`));
const dataConverterOf = (file: string) => (encrypted.has(file) ? { dataConverter: { payloadCodecs: [goldenCodec()] } } : {});

describe('golden histories', () => {
  it('covers the recorded scenarios', () => {
    expect(names).toEqual(['ai-reply.json', 'archived-after-close.json', 'archived-room.json', 'blocked-message.json', 'bounded-scopes.json', 'closed-room.json', 'continue-as-new.json', 'early-speech.json', 'encrypted-message.json', 'identity-challenge.json', 'identity.json', 'local-commits.json', 'loop-of-steps.json', 'participants.json', 'plain-message.json', 'rate-limited.json', 'stt-off-lock.json', 'timer-pause.json', 'voice.json', 'worker-hooks.json', 'write-behind.json']);
  });

  it.each(names)('%s replays on the current workflow code', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, ...dataConverterOf(file) }, await load(file), file);
  });

  it('the encrypted golden holds no message text or phone number, and replays only with its key', async () => {
    expect([...encrypted]).toEqual(['encrypted-message.json']);
    const text = await readFile(path.join(dir, 'encrypted-message.json'), 'utf8');
    for (const secret of [GOLDEN_SECRETS.text, GOLDEN_SECRETS.phone, Buffer.from(GOLDEN_SECRETS.text).toString('base64').slice(0, 20)]) {
      expect(text).not.toContain(secret);
    }
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, await load('encrypted-message.json')))
      .rejects.toThrow(/binary\/encrypted/);
  });

  it('an incompatible change to the room workflow is caught by replay', async () => {
    // Copy the workflow sources, make the loop schedule an extra timer before serving commands
    // (a change that needs patched()), bundle, and replay a golden history against it.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'roomkit-incompatible-'));
    try {
      for (const d of ['workflows', 'src/models', 'src/core']) await cp(path.join(root, d), path.join(tmp, d), { recursive: true });
      const wf = path.join(tmp, 'workflows/room/workflow.ts');
      const source = await readFile(wf, 'utf8');
      const changed = source
        .replace("import { condition, isCancellation,", "import { sleep, condition, isCancellation,")
        .replace('  if (!input.carried) await started(rs, input.autoCreated ?? false);', '  await sleep(1);\n  if (!input.carried) await started(rs, input.autoCreated ?? false);');
      expect(changed).not.toBe(source);
      await writeFile(wf, changed);
      await symlink(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
      const { code } = await bundleWorkflowCode({ workflowsPath: path.join(tmp, 'workflows/index.ts'), logger: new DefaultLogger('ERROR') });
      await expect(Worker.runReplayHistory({ workflowBundle: { code } }, await load('plain-message.json'))).rejects.toBeInstanceOf(DeterminismViolationError);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }, 180_000);
});
