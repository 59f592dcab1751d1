/**
 * `tsx workers/ensure-temporal-cli.ts` — locate (or build once, into the per-user cache) the
 * Temporal CLI and print its path on stdout. Progress goes to stderr so CI can capture the path:
 *   TEMPORAL_CLI_PATH="$(npx tsx workers/ensure-temporal-cli.ts)"
 */
import { locateTemporalCli } from '../src/temporal/index.js';

try {
  const cliPath = await locateTemporalCli({ log: (msg) => console.error(msg) });
  console.log(cliPath);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
