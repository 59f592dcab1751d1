/** Process configuration, parsed once at the entry point with a readable error. */
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
/** An optional setting where an empty value (`FOO=`) means unset. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

export const ServiceConfig = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  /** An existing Temporal server; unset ⇒ the all-in-one process starts the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('roomkit'),
  /** Web UI port of the embedded dev server (0 = any free port). */
  TEMPORAL_UI_PORT: port.default(8233),
  /** Persist the embedded dev server's state in this SQLite file (unset = in memory). */
  TEMPORAL_DB_FILE: z.string().min(1).optional(),
  /** The demo room created at start-up. */
  DEMO_ROOM_ID: z.string().min(1).default('demo'),
  /** Set ⇒ the demo room's support agent is Claude; unset ⇒ a scripted mock model. Never logged. */
  ANTHROPIC_API_KEY: optionalString,
  /** The Claude model (default: the provider's). */
  ANTHROPIC_MODEL: optionalString,
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = ServiceConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    console.error(`Invalid configuration:\n${lines}`);
    process.exit(2);
  }
  return parsed.data;
}
