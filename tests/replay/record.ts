/**
 * `npm run histories:record`: run every scenario on a fresh embedded dev server (or TEMPORAL_ADDRESS)
 * and save each room's workflow history as a golden file. Re-record only when a workflow change is
 * meant to be incompatible (and guarded with `patched()` for rooms already running).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { RoomKit, ensureTemporalServer, roomWorkflowId, temporalConfigFromEnv } from '../../src/index.js';
import { defineKit, goldenCodec, scenarios } from './scenarios.js';

const OUT = new URL('./histories/', import.meta.url);
const config = temporalConfigFromEnv();
const server = await ensureTemporalServer(config, {
  log: (m) => console.error(m),
  // Early continue-as-new so the 'continue-as-new' scenario crosses a run boundary quickly.
  dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 150 },
});
const kit = new RoomKit({ temporal: { address: server.address, taskQueue: `record-${Date.now()}` }, log: () => {} });
defineKit(kit);
// Encrypted scenarios run on a kit of their own whose client and worker use the golden key.
let encrypted: RoomKit | undefined;
async function encryptedKit(): Promise<RoomKit> {
  if (encrypted) return encrypted;
  encrypted = new RoomKit({ payloadCodec: goldenCodec(), temporal: { address: server.address, taskQueue: `record-enc-${Date.now()}` }, log: () => {} });
  defineKit(encrypted);
  await encrypted.start();
  return encrypted;
}
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
await mkdir(OUT, { recursive: true });
try {
  await kit.start();
  // `npm run histories:record -- closed-room`: record only the named scenarios, keeping the older
  // golden files as they were recorded (they prove that `patched()` guards keep old rooms replaying).
  const only = process.argv.slice(2);
  for (const scenario of scenarios.filter((s) => only.length === 0 || only.includes(s.name))) {
    const roomId = `golden-${scenario.name}`;
    await scenario.run(scenario.encrypted ? await encryptedKit() : kit, roomId);
    const handle = client.workflow.getHandle(roomWorkflowId(roomId));
    const described = await handle.describe();
    const firstRunId = described.raw.workflowExecutionInfo?.firstRunId ?? described.runId;
    if (Boolean(scenario.continuesAsNew) !== (described.runId !== firstRunId)) {
      throw new Error(`${scenario.name}: expected ${scenario.continuesAsNew ? 'a' : 'no'} continue-as-new`);
    }
    // Always the first run: for the continue-as-new scenario it is the one ending in ContinueAsNew.
    const history = await client.workflow.getHandle(roomWorkflowId(roomId), firstRunId).fetchHistory();
    await writeFile(new URL(`${scenario.name}.json`, OUT), historyToJSON(history) + '\n');
    console.log(`recorded ${scenario.name}: ${history.events?.length ?? 0} events`);
  }
} finally {
  await encrypted?.close();
  await kit.close();
  await connection.close();
  await server.stop();
}
