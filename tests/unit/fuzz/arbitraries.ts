/**
 * Shared pieces of the fuzz suite: how many cases each property runs (`ROOMKIT_FUZZ_RUNS`, default
 * 1,000; a fixed seed under `CI`, `ROOMKIT_FUZZ_SEED` to replay one), hostile strings and JSON, and mutations of real vendor fixtures.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../../src/errors.js';

/** Cases per property; CI runs the default, a deeper run sets `ROOMKIT_FUZZ_RUNS=20000`. */
export const RUNS = Math.max(1, Number(process.env.ROOMKIT_FUZZ_RUNS) || 1000);
/**
 * CI replays one fixed seed, so a red CI run is a regression and not the luck of the draw; a
 * developer's run explores fresh cases each time, and a failure prints the seed to replay with
 * `ROOMKIT_FUZZ_SEED=<seed>` (a counterexample found that way becomes a named test).
 */
const SEED = process.env.ROOMKIT_FUZZ_SEED ?? (process.env.CI ? '20261207' : undefined);
if (SEED !== undefined) fc.configureGlobal({ seed: Number(SEED) });

/** For the slow properties (HTTP round trips, MIME parsing): a tenth, at least 100. */
export const SLOW_RUNS = Math.max(100, Math.round(RUNS / 10));

export const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

/** The library's typed refusals; anything else thrown by a parser is a crash. */
export const isTypedRefusal = (err: unknown): boolean =>
  err instanceof WebhookPayloadError || err instanceof WebhookSignatureError || err instanceof RoomKitValidationError;

export const describeError = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud83d', '\ude00b'];

/** Any code point, lone surrogates, NUL, RTL marks, and now and then something very long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 5 }), fc.constantFrom(...LONE_SURROGATES, '\u0000', '\u202e', '\ufeff', '%', '%FF', '..', '/', '\\', '"', '\r\n')), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', '__proto__', 'constructor', 'NaN', '-0', '1e400', 'true', '[]', '{}') },
  { weight: 1, arbitrary: fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)) },
);

/** Numbers a JavaScript parser trips on: huge, tiny, negative zero, past 2^53. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, -(2 ** 63), 8.64e15 + 1, 1e21),
);

/**
 * Textual placeholders replaced in the serialised body (JSON.stringify cannot write them): number
 * literals past the double range and arrays nested thousands of levels deep.
 */
const RAW_LITERALS = ['1e400', '-1e400', '123456789012345678901234567890', '-0.0e-0', '0.0000000000000000000000000001'];
const HUGE = '__FUZZ_HUGE__';
const DEEP = '__FUZZ_DEEP__';

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber.map((n) => (Number.isFinite(n) ? n : 0)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.constantFrom(HUGE) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => `${DEEP}${n}`) },
);

/** JSON text with the placeholders written out. */
export function serialise(value: unknown, literal = 0): string {
  return (JSON.stringify(value) ?? 'null')
    .replaceAll(`"${HUGE}"`, () => RAW_LITERALS[literal++ % RAW_LITERALS.length])
    .replace(new RegExp(`"${DEEP}(\\d+)"`, 'g'), (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

type Path = Array<string | number>;

function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...path, i], out);
  }
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

export type Mutation = { op: 'replace' | 'delete' | 'wrap' | 'add'; at: number; value: unknown; key: string };

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('replace', 'replace', 'delete', 'wrap', 'add'),
  at: fc.nat(),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'type', 'id', 'body', 'text', 'data'), hostileString),
});

/** `value` (not modified) with the mutations applied, each at one of its paths. */
export function mutate(value: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(value);
  for (const m of mutations) {
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length];
    const apply = (old: unknown): unknown | typeof REMOVE => {
      switch (m.op) {
        case 'replace': return structuredClone(m.value);
        case 'delete': return REMOVE;
        case 'wrap': return [old];
        case 'add':
          if (old && typeof old === 'object' && !Array.isArray(old)) {
            Object.defineProperty(old, m.key, { value: structuredClone(m.value), enumerable: true, configurable: true, writable: true });
            return old;
          }
          return structuredClone(Array.isArray(old) ? [...old, m.value] : m.value);
      }
    };
    if (path.length === 0) {
      const next = apply(root);
      root = next === REMOVE ? null : next;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    const next = apply(parent[last]);
    if (next === REMOVE) {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else parent[last] = next;
  }
  return root;
}
const REMOVE = Symbol('remove');

/** A fixture's JSON mutated 1–3 times, serialised with the raw placeholders. */
export const mutatedJson = (fixtures: unknown[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.nat())
    .map(([base, ms, literal]) => serialise(mutate(base, ms), literal));

/** Raw bytes: any bytes, any text (lone surrogates become U+FFFD), any JSON, deep JSON. */
export const arbitraryBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  hostileString.map((s) => Buffer.from(s)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from(`{"data":${'['.repeat(n)}${']'.repeat(n)}}`)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
);
