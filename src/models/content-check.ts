/**
 * Event content as plain-data shapes, for the room workflow's light check (`shape-check.ts`); the
 * zod schemas of `content.ts` stay the full check at the boundaries. Only what the room reads or
 * what bounds its size is checked: the type, each type's required fields, and the size limits of
 * bodies and URLs.
 */
import { LIMITS } from './json-checks.js';
import { type Shape, shapeProblem } from './shape-check.js';

/** Composite content nests at most this deep (the same limit as `content.ts`). */
const MAX_COMPOSITE_DEPTH = 5;

const CONTENT: Readonly<Record<string, Shape>> = {
  text: { body: 'string' },
  rich: { body: 'string' },
  media: { url: 'string', mimeType: 'string' },
  location: { latitude: 'number', longitude: 'number' },
  audio: { url: 'string' },
  video: { url: 'string' },
  composite: { parts: 'any' },
  system: { body: 'string' },
  template: { templateId: 'id' },
  edit: { targetEventId: 'id', newContent: 'content' },
  delete: { targetEventId: 'id' },
  tool_call: { toolName: 'string', toolId: 'string' },
};

/** What is wrong with `value` as event content at `path`, as `path: problem`, or undefined. */
export function contentProblem(value: unknown, path: string, depth = 0): string | undefined {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== 'object' || value === null || typeof type !== 'string' || !Object.hasOwn(CONTENT, type)) {
    return `${path}.type: must be one of ${Object.keys(CONTENT).join(', ')}`;
  }
  // An edit's new content counts its composite depth afresh, as `content.ts` does.
  const problem = shapeProblem(value, CONTENT[type], path, (v, p) => contentProblem(v, p));
  if (problem) return problem;
  const c = value as Record<string, unknown>;
  if (typeof c.body === 'string' && c.body.length > LIMITS.bodyChars && type !== 'template') {
    return `${path}.body: must be at most ${LIMITS.bodyChars} characters`;
  }
  if (typeof c.url === 'string' && (c.url.length > LIMITS.urlChars || !/^(https?:\/\/|data:)/.test(c.url))) {
    return `${path}.url: must be an http(s) or data: URL of at most ${LIMITS.urlChars} characters`;
  }
  if (type !== 'composite') return undefined;
  const parts = c.parts;
  if (!Array.isArray(parts) || parts.length === 0) return `${path}.parts: composite content needs at least one part`;
  if (depth + 1 > MAX_COMPOSITE_DEPTH) return `${path}: composite content may nest at most ${MAX_COMPOSITE_DEPTH} levels`;
  for (const [i, part] of parts.entries()) {
    const partProblem = contentProblem(part, `${path}.parts.${i}`, depth + 1);
    if (partProblem) return partProblem;
  }
  return undefined;
}
