/**
 * A validator with nothing to build: shapes are plain data, checked by one small function. The room
 * workflow refuses bad updates with it, because zod there costs each cached room its own copy of zod
 * and of every schema (bench/README.md «Heap per cached room»). Zod stays the full check at the
 * boundaries (kit verbs, the room client, activities); a shape only needs to keep what would break
 * the room out of it, and must accept everything the zod schema accepts (signals are re-checked on
 * replay, so a stricter check would drop, on replay, a command that was served live).
 */
import { jsonProblem } from './json-checks.js';

/** A value's check: a named kind (`?` suffix: may be absent), a set of literals, or a nested shape. */
export type Rule = Kind | `${Kind}?` | OneOf | Nested;
export type Kind =
  /** any string / a non-empty string */
  | 'string' | 'id'
  /** a finite number / an integer ≥ 0 / an integer > 0 / a number > 0 */
  | 'number' | 'count' | 'positive' | 'positiveNumber'
  | 'boolean'
  /** a JSON object (metadata, raw payloads) / an array of strings */
  | 'record' | 'strings'
  /** event content (see `content-check.ts`) */
  | 'content'
  /** anything (checked elsewhere or not at all) */
  | 'any';
export interface OneOf { oneOf: readonly string[]; optional?: boolean }
export interface Nested { shape: Shape; optional?: boolean; strict?: boolean }
/** An object's fields and their rules. */
export type Shape = Readonly<Record<string, Rule>>;

/** Checks of the kinds that need more than `typeof` (content is plugged in by its own module). */
export type KindCheck = (value: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const KINDS: Record<Exclude<Kind, 'content'>, KindCheck> = {
  string: (v) => (typeof v === 'string' ? undefined : 'must be a string'),
  id: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string'),
  number: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number'),
  count: (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be an integer ≥ 0'),
  positive: (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'must be a positive integer'),
  positiveNumber: (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? undefined : 'must be a positive number'),
  boolean: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean'),
  // Each value is a JSON value of its own (zod's `JsonRecord`): depth counts from the value.
  record: (v) => (isObject(v) ? Object.values(v).map((x) => jsonProblem(x)).find(Boolean) : 'must be an object'),
  strings: (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'must be an array of strings'),
  any: () => undefined,
};

/**
 * What is wrong with `value` against `shape`, as `path: problem`, or undefined. `content` names the
 * check of event content (kept apart so this module stays generic).
 */
export function shapeProblem(value: unknown, shape: Shape, path: string, content: KindCheck, strict = false): string | undefined {
  if (!isObject(value)) return `${path || '(root)'}: must be an object`;
  for (const [key, rule] of Object.entries(shape)) {
    const problem = ruleProblem(value[key], rule, path ? `${path}.${key}` : key, content);
    if (problem) return problem;
  }
  if (strict) {
    const extra = Object.keys(value).find((k) => !Object.hasOwn(shape, k));
    if (extra !== undefined) return `${path ? `${path}.` : ''}${extra}: unknown key`;
  }
  return undefined;
}

function ruleProblem(value: unknown, rule: Rule, path: string, content: KindCheck): string | undefined {
  if (typeof rule === 'string') {
    const optional = rule.endsWith('?');
    if (value === undefined) return optional ? undefined : `${path}: required`;
    const kind = (optional ? rule.slice(0, -1) : rule) as Kind;
    const problem = kind === 'content' ? content(value, path) : KINDS[kind](value, path);
    return problem && (kind === 'content' ? problem : `${path}: ${problem}`);
  }
  if (value === undefined) return rule.optional ? undefined : `${path}: required`;
  if ('oneOf' in rule) {
    return typeof value === 'string' && rule.oneOf.includes(value) ? undefined : `${path}: must be one of ${rule.oneOf.join(', ')}`;
  }
  return shapeProblem(value, rule.shape, path, content, rule.strict);
}
