/**
 * results.json holds the in-memory run at its top level and each other store's run beside it, under
 * `stores.<key>` (`postgres`, `sqlite`, `postgres-durable`), plus sections of the other benches
 * ({@link SECTIONS}). A run replaces only its own part, so the other runs' figures stay.
 */
import { readFile, writeFile } from 'node:fs/promises';
type Json = Record<string, unknown>;

/** Top-level keys written by the other benches (`bench/history-cost.ts`, `bench/realtime.ts`, `bench/voice.ts`, `bench/heap.ts`): a timing run keeps them. */
export const SECTIONS = ['historyCost', 'realtime', 'voice', 'heapGrowth'] as const;

/**
 * Merges `run` into `file` under `key` (`memory`: the top level); returns where it was written
 * (beside `file` when `file` cannot be read).
 */
export async function saveResults(file: string, key: string, run: Json, log: (message: string) => void): Promise<string> {
  let existing: Json;
  try {
    existing = await readExisting(file);
  } catch (error) {
    const aside = file.replace(/\.json$/, '') + `.${key}.json`;
    log(`${(error as Error).message}; writing this run to ${aside} instead`);
    await writeFile(aside, `${JSON.stringify(run, null, 2)}\n`);
    return aside;
  }
  const stores = (existing.stores ?? {}) as Json;
  const sections = Object.fromEntries(SECTIONS.filter((s) => existing[s] !== undefined).map((s) => [s, existing[s]]));
  const next = key === 'memory'
    ? { ...run, ...(Object.keys(stores).length > 0 && { stores }), ...sections }
    : { ...existing, stores: { ...stores, [key]: run } };
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
  return file;
}

/**
 * Writes `value` as the top-level `section` of `file` (one of {@link SECTIONS}), keeping everything
 * else; returns where it was written (beside `file` when `file` cannot be read).
 */
export async function saveSection(file: string, section: (typeof SECTIONS)[number], value: unknown, log: (message: string) => void): Promise<string> {
  let existing: Json;
  try {
    existing = await readExisting(file);
  } catch (error) {
    const aside = file.replace(/\.json$/, '') + `.${section}.json`;
    log(`${(error as Error).message}; writing this run to ${aside} instead`);
    await writeFile(aside, `${JSON.stringify({ [section]: value }, null, 2)}\n`);
    return aside;
  }
  await writeFile(file, `${JSON.stringify({ ...existing, [section]: value }, null, 2)}\n`);
  return file;
}

/** The file as it is, `{}` when there is none; a file that does not parse is an error, not something to overwrite. */
async function readExisting(file: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`${file} is not JSON: fix or remove it before the results are merged into it`, { cause: error });
  }
}
