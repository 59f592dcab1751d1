/**
 * Tools an AI may call, registered on the kit. A tool is a definition (name, description,
 * parameters as a zod schema or a JSON schema) plus a handler that runs in its own activity.
 * Tool sources (MCP servers) add tools known only by asking: they are resolved on the worker, in
 * the activities, never in workflow code.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { RoomKitError } from '../errors.js';
import type { AITool } from '../providers/ai/base.js';
import { ToolNamespaceTakenError } from './errors.js';

export interface ToolContext {
  roomId: string;
  /** The AI channel calling the tool. */
  channelId: string;
  toolCallId: string;
  /** Aborted when Temporal cancels the activity (e.g. the worker shuts down). */
  signal?: AbortSignal;
}

export type JsonSchema = Record<string, unknown>;

export interface ToolDefinition<Args = Record<string, unknown>> {
  name: string;
  description: string;
  parameters: z.ZodType<Args> | JsonSchema;
  /** Return any JSON value (sent to the model as JSON) or a string. Throwing becomes an error result. */
  handler: (args: Args, ctx: ToolContext) => unknown;
  /** Seconds before the call is abandoned as an error result (default 60). */
  timeout?: number;
}

export class ToolAlreadyRegisteredError extends RoomKitError {
  constructor(readonly toolName: string) {
    super(`a tool named ${toolName} is already registered`);
    this.name = 'ToolAlreadyRegisteredError';
  }
}

const ToolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1–64 letters, digits, _ or -');

export interface RegisteredTool {
  definition: ToolDefinition<never>;
  spec: AITool;
  validate(args: unknown): { ok: true; value: unknown } | { ok: false; error: string };
}

/** Tools that live elsewhere (an MCP server), every name of them starting with `prefix`. */
export interface ToolSource {
  readonly name: string;
  /** `<server>__`: names starting with it are this source's and no one else's. */
  readonly prefix: string;
  /** Its tools now; throws a `ToolUnavailableError` when it cannot be reached (the call is retried). */
  tools(): Promise<RegisteredTool[]>;
  /** Its tools for a generation; never throws (an unreachable source offers what it last knew, or nothing). */
  knownTools(): Promise<RegisteredTool[]>;
  /** Release its connection; a later use reconnects. */
  close(): Promise<void>;
}

/** `<server>__*` in an AI's tool list names every tool that server exposes. */
const ALL_OF_SOURCE = '*';

export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly sources: ToolSource[] = [];
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  add<Args>(definition: ToolDefinition<Args>): AITool {
    const name = ToolName.parse(definition.name);
    if (this.tools.has(name)) throw new ToolAlreadyRegisteredError(name);
    const owner = this.sources.find((s) => name.startsWith(s.prefix));
    if (owner) throw new ToolNamespaceTakenError(name, `the tools of MCP server ${owner.name} (${owner.prefix}…)`);
    if (typeof definition.handler !== 'function') throw new TypeError(`tool ${name} needs a handler function`);
    const params = definition.parameters;
    let schema: JsonSchema;
    let validate: RegisteredTool['validate'];
    if (params instanceof z.ZodType) {
      schema = z.toJSONSchema(params) as JsonSchema;
      delete schema.$schema;
      validate = (args) => {
        const r = params.safeParse(args);
        return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
      };
    } else {
      schema = params;
      const check: ValidateFunction = this.ajv.compile(params);
      validate = (args) => (check(args)
        ? { ok: true, value: args }
        : { ok: false, error: (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim()).join('; ') });
    }
    const spec: AITool = { name, description: definition.description, parameters: schema };
    this.tools.set(name, { definition: definition as unknown as ToolDefinition<never>, spec, validate });
    return spec;
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  /** Specs of the named local tools (unknown names ignored), or of all of them. */
  specs(names?: string[]): AITool[] {
    const all = [...this.tools.values()].map((t) => t.spec);
    return names ? all.filter((t) => names.includes(t.name)) : all;
  }

  addSource(source: ToolSource): void {
    const clash = this.sources.find((s) => s.prefix.startsWith(source.prefix) || source.prefix.startsWith(s.prefix));
    if (clash) throw new ToolNamespaceTakenError(`${source.prefix}…`, `the tools of MCP server ${clash.name}`);
    const local = [...this.tools.keys()].find((name) => name.startsWith(source.prefix));
    if (local) throw new ToolNamespaceTakenError(`${source.prefix}…`, `the tool ${local}`);
    this.sources.push(source);
  }

  /**
   * The tool a call names, local or from its source. Asking a source may connect to it and list its
   * tools; one that cannot be reached throws `ToolUnavailableError`, which the tool activity retries.
   */
  async find(name: string): Promise<RegisteredTool | undefined> {
    const local = this.tools.get(name);
    if (local) return local;
    const source = this.sources.find((s) => name.startsWith(s.prefix));
    return source && (await source.tools()).find((t) => t.spec.name === name);
  }

  /**
   * What an AI is shown for the names it may call: local tools in registration order, then each
   * source's tools in its own order. Sources are asked only when a name is theirs (`<server>__x`,
   * or `<server>__*` for all), so an AI naming no MCP tool never connects to a server.
   */
  async resolveSpecs(names: string[]): Promise<AITool[]> {
    const remote = await Promise.all(this.sources.map(async (source) => {
      const wanted = names.filter((n) => n.startsWith(source.prefix));
      if (!wanted.length) return [];
      const all = wanted.includes(source.prefix + ALL_OF_SOURCE);
      return (await source.knownTools()).filter((t) => all || wanted.includes(t.spec.name)).map((t) => t.spec);
    }));
    return [...this.specs(names), ...remote.flat()];
  }

  /** Release every source's connection (worker shutdown, `kit.close()`). */
  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }
}
