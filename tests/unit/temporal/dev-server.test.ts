import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  TEMPORAL_CLI_VERSION,
  TemporalCliNotFoundError,
  ensureTemporalServer,
  locateTemporalCli,
  parseTemporalConfig,
  startDevServer,
  temporalCliCachePath,
  temporalConfigFromEnv,
} from '../../../src/temporal/index.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'roomkit-cli-test-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes an executable shell script standing in for a CLI. */
async function fakeCli(file: string, exitCode = 0): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\nexit ${exitCode}\n`);
  await chmod(file, 0o755);
  return file;
}

function portIsOpen(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('locateTemporalCli', () => {
  it('honours TEMPORAL_CLI_PATH when it is an executable file', async () => {
    const cli = await fakeCli(path.join(tmp, 'explicit', 'temporal'));
    await expect(locateTemporalCli({ env: { TEMPORAL_CLI_PATH: cli, PATH: '' }, build: false })).resolves.toBe(cli);
  });

  it('rejects a TEMPORAL_CLI_PATH that does not exist, naming the variable', async () => {
    const missing = path.join(tmp, 'nope', 'temporal');
    await expect(locateTemporalCli({ env: { TEMPORAL_CLI_PATH: missing }, build: false })).rejects.toThrow(
      /TEMPORAL_CLI_PATH.*nope/,
    );
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    const file = path.join(tmp, 'not-exec');
    await writeFile(file, 'data');
    await expect(locateTemporalCli({ env: { TEMPORAL_CLI_PATH: file }, build: false })).rejects.toThrow(
      /TEMPORAL_CLI_PATH/,
    );
  });

  it('uses a `temporal` on PATH only if it supports `server start-dev`', async () => {
    const broken = path.join(tmp, 'path-broken');
    const good = path.join(tmp, 'path-good');
    await fakeCli(path.join(broken, 'temporal'), 1);
    await fakeCli(path.join(good, 'temporal'), 0);
    const env = { PATH: [broken, good].join(path.delimiter), XDG_CACHE_HOME: path.join(tmp, 'empty-cache') };
    await expect(locateTemporalCli({ env, build: false })).resolves.toBe(path.join(good, 'temporal'));
  });

  it('finds the per-user cache under XDG_CACHE_HOME', async () => {
    const env = { PATH: '', XDG_CACHE_HOME: path.join(tmp, 'cache') };
    const cached = temporalCliCachePath(env);
    expect(cached).toBe(path.join(tmp, 'cache', 'roomkit-ts', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'));
    await fakeCli(cached);
    await expect(locateTemporalCli({ env, build: false })).resolves.toBe(cached);
  });

  it('defaults the cache to $HOME/.cache', () => {
    expect(temporalCliCachePath({ HOME: '/home/x' })).toBe(
      `/home/x/.cache/roomkit-ts/temporal-cli/${TEMPORAL_CLI_VERSION}/temporal`,
    );
  });

  it('throws TemporalCliNotFoundError listing the options when nothing is found and building is off', async () => {
    const env = { PATH: '', XDG_CACHE_HOME: path.join(tmp, 'empty-cache') };
    const error = await locateTemporalCli({ env, build: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalCliNotFoundError);
    expect((error as Error).name).toBe('TemporalCliNotFoundError');
    expect((error as Error).message).toMatch(/TEMPORAL_CLI_PATH[\s\S]*PATH[\s\S]*go install/);
  });
});

describe('temporal config', () => {
  it('fills defaults and treats blank variables as unset', () => {
    expect(temporalConfigFromEnv({ TEMPORAL_ADDRESS: ' ', TEMPORAL_NAMESPACE: '' })).toEqual({
      address: undefined,
      namespace: 'default',
      taskQueue: 'roomkit',
      cliPath: undefined,
    });
    expect(parseTemporalConfig({ address: 'h:1', taskQueue: 'q' })).toMatchObject({ address: 'h:1', taskQueue: 'q' });
  });

  it('uses an existing server without starting anything', async () => {
    const handle = await ensureTemporalServer(parseTemporalConfig({ address: 'temporal.example:7233' }));
    expect(handle).toMatchObject({ address: 'temporal.example:7233', embedded: false, namespace: 'default' });
    await handle.stop();
  });
});

describe('shared test server (global setup)', () => {
  it('is reachable at inject("temporalAddress")', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await connection.close();
    }
  });
});

describe('startDevServer', () => {
  it('starts a real server on a free port, serves a client, and stop() ends it', async () => {
    const cliPath = await locateTemporalCli({ build: false });
    // OTEL_* configure our tracing, not the server's: the Go server refuses to start on `console`.
    const env = { ...process.env, OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
    const server = await startDevServer({ cliPath, namespace: 'roomkit-test', searchAttributes: { RoomId: 'Keyword' }, env });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.uiUrl).toBeUndefined();
      const connection = await Connection.connect({ address: server.address });
      try {
        const ns = await connection.workflowService.describeNamespace({ namespace: 'roomkit-test' });
        expect(ns.namespaceInfo?.name).toBe('roomkit-test');
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
    }
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
    expect(await portIsOpen(server.address)).toBe(false);
    await server.stop(); // idempotent
  });

  it('reports the server output when the process dies during start-up', async () => {
    const cliPath = await locateTemporalCli({ build: false });
    // Occupy a port so the server cannot bind it (an explicit port is never retried).
    const sockets = new Set<net.Socket>();
    const blocker = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const error = await startDevServer({ cliPath, port, startTimeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'DevServerStartError' });
      expect((error as Error).message).toMatch(/exited before it was ready[\s\S]*temporal server output/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
