/**
 * Tools an AI may call, registered on the kit. A tool is a definition (name, description,
 * parameters as a zod schema or a JSON schema) plus a handler that runs in its own activity.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { RoomKitError } from '../errors.js';
import type { AITool } from '../providers/ai/base.js';

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

interface RegisteredTool {
  definition: ToolDefinition<never>;
  spec: AITool;
  validate(args: unknown): { ok: true; value: unknown } | { ok: false; error: string };
}

export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly ajv = new Ajv({ allErrors: true, strict: false });

  add<Args>(definition: ToolDefinition<Args>): AITool {
    const name = ToolName.parse(definition.name);
    if (this.tools.has(name)) throw new ToolAlreadyRegisteredError(name);
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

  /** Specs of the named tools (unknown names ignored), or of all tools. */
  specs(names?: string[]): AITool[] {
    const all = [...this.tools.values()].map((t) => t.spec);
    return names ? all.filter((t) => names.includes(t.name)) : all;
  }
}
