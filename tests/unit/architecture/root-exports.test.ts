/**
 * The package root is small and deliberate: it exports concepts by name (the kit, channels, models,
 * errors, stores, provider contracts and their mocks, server and Temporal helpers), never through
 * `export *`, and never a vendor. Each vendor lives on its own `package.json` subpath
 * (`roomkit-temporal/providers/twilio`, …). Adding a root name means adding it to the pinned list
 * below: that diff is the review of the public API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as rootModule from '../../../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const INDEX = path.join(root, 'src/index.ts');
const MAX_ROOT_NAMES = 150;

/** The runtime names of the root (values: classes, functions, consts, zod schemas). */
const RUNTIME_NAMES = [
  'AIChannel', 'AIConfig', 'AIProviderError', 'Access', 'BindingOptions', 'Channel', 'ChannelAlreadyRegisteredError',
  'ChannelBinding', 'ChannelCapabilities', 'ChannelCategory', 'ChannelDirection', 'ChannelMediaType',
  'ChannelNotFoundError', 'ChannelNotRegisteredError', 'ChannelOutput', 'ChannelType', 'CreateRoomOptions',
  'DefaultInboundRoomRouter', 'DeliveryStatus', 'EmailChannel', 'EphemeralEvent', 'EphemeralEventType', 'EventContent',
  'EventNotFoundError', 'EventStatus', 'EventType',
  'FrameworkEvent', 'HTTPChannel', 'HookAlreadyRegisteredError', 'HookExecution', 'HookResult', 'HookSpec',
  'HookTrigger', 'InMemoryStore', 'InboundMessage', 'InboundResult', 'KitNotStartedError', 'MessengerChannel',
  'MockAIProvider', 'MockEmailProvider', 'MockSMSProvider', 'Observation', 'Participant', 'PostgresStore', 'ProviderActionError',
  'ProviderDeliveryError',
  'ProviderResult', 'RCSChannel', 'RateLimit', 'RetryPolicy', 'Room', 'RoomAlreadyExistsError', 'RoomClient',
  'RoomClosedError', 'RoomCommand', 'RoomEvent', 'RoomKit', 'RoomKitError', 'RoomKitValidationError',
  'RoomNotFoundError', 'RoomStatus', 'RoomTimers', 'SMSChannel', 'SQLiteStore', 'SendEventOptions', 'StoreUnavailableError', 'Task',
  'TaskFailureLogger', 'TaskStatus', 'TeamsChannel', 'TransportChannel', 'Visibility', 'WORKFLOWS_PATH',
  'WebSocketChannel', 'WebhookNotSupportedError', 'WebhookPayloadError', 'WebhookSignatureError', 'WhatsAppChannel',
  'attachWebSocket', 'attachWebSocketEndpoint', 'createActivities', 'createApp', 'createRestApi',
  'createWebhookRouter', 'ensureTemporalServer', 'locateTemporalCli', 'processWebhook', 'roomWorkflowId',
  'startDevServer', 'temporalConfigFromEnv',
];

/** Folders of `src/providers/` that hold a kind's contract and mock (the rest are vendors). */
const KIND_FOLDERS = ['ai', 'sms', 'email'];

const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> };
const subpaths = Object.entries(packageJson.exports);

/** One program over the root and every subpath entry, for the checker-based assertions. */
const program = ts.createProgram(
  subpaths.map(([, file]) => path.join(root, file)),
  {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, skipLibCheck: true, noEmit: true, types: ['node'],
  },
);
const checker = program.getTypeChecker();

/** Every name a module exports (values and types; a const and a type of one name count once). */
function exportsOf(file: string): { name: string; value: boolean; declaredIn: string }[] {
  const sourceFile = program.getSourceFile(file);
  if (!sourceFile) throw new Error(`not in the program: ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) return [];
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.declarations?.[0];
    return {
      name: symbol.name,
      value: (target.flags & ts.SymbolFlags.Value) !== 0,
      declaredIn: declaration ? path.relative(root, declaration.getSourceFile().fileName).split(path.sep).join('/') : '?',
    };
  });
}

describe('package root exports', () => {
  it('pins the runtime names of the root', () => {
    const names = Object.keys(rootModule).sort();
    expect(names).toEqual([...RUNTIME_NAMES].sort());
    expect(names.length).toBeLessThan(MAX_ROOT_NAMES);
  });

  it('src/index.ts has no `export *`: every root name is chosen', () => {
    const text = readFileSync(INDEX, 'utf8');
    const sourceFile = ts.createSourceFile(INDEX, text, ts.ScriptTarget.Latest, true);
    const star = sourceFile.statements.filter((s) =>
      ts.isExportDeclaration(s) && (!s.exportClause || ts.isNamespaceExport(s.exportClause)));
    expect(star.map((s) => s.getText(sourceFile))).toEqual([]);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/export\s*\*/);
  });

  it(`counts fewer than ${MAX_ROOT_NAMES} root names, types included (TypeScript checker)`, () => {
    const all = exportsOf(INDEX);
    const values = all.filter((e) => e.value).map((e) => e.name).sort();
    // The checker and the runtime agree on the values, so the pinned list above covers them.
    expect(values).toEqual([...RUNTIME_NAMES].sort());
    expect(all.length).toBeLessThan(MAX_ROOT_NAMES);
  });

  it('names no vendor: nothing at the root is declared in a vendor folder of src/providers', () => {
    const fromVendors = exportsOf(INDEX)
      .filter((e) => /^src\/providers\/[^/]+\//.test(e.declaredIn))
      .filter((e) => !KIND_FOLDERS.includes(e.declaredIn.split('/')[2]))
      .map((e) => `${e.name} (${e.declaredIn})`);
    expect(fromVendors).toEqual([]);
  });
});

describe('package.json subpaths', () => {
  it('keeps "." and "./workflow"', () => {
    expect(packageJson.exports['.']).toBe('./src/index.ts');
    expect(packageJson.exports['./workflow']).toBe('./src/workflow.ts');
  });

  it('gives every provider folder with an index.ts its own subpath', () => {
    const folders = readdirSync(path.join(root, 'src/providers'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, 'src/providers', d.name, 'index.ts')))
      .map((d) => d.name);
    const missing = folders.filter((d) => packageJson.exports[`./providers/${d}`] !== `./src/providers/${d}/index.ts`);
    expect(missing).toEqual([]);
  });

  for (const [subpath, file] of subpaths) {
    it(`${subpath} → ${file} exists and exports names`, async () => {
      const abs = path.join(root, file);
      expect(existsSync(abs), `${file} is missing`).toBe(true);
      expect(exportsOf(abs).length).toBeGreaterThan(0);
      const loaded = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
      expect(Object.keys(loaded).length).toBeGreaterThan(0);
    });
  }
});
