/**
 * AGENTS.md and llms.txt name files, folders and npm scripts; an assistant trusts them. Every path
 * they name must exist and every `npm run <script>` must be a script of package.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

/** Base names of every file in the source folders (a bare `loop.ts` names a file of the folder just mentioned). */
function baseNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else names.add(entry.name);
    }
  };
  for (const dir of ['src', 'workflows', 'activities', 'workers']) walk(dir);
  return names;
}

/** `code spans` and markdown link targets that look like repository paths. */
function pathsIn(text: string): string[] {
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return [...spans, ...links]
    .map((p) => p.replace(/[.,:;]+$/, ''))
    .filter((p) => /^(src|workflows|activities|workers|tests|bench|examples|\.ci)\/|^[\w.-]+\.(md|txt|json|ya?ml|ts)$/.test(p))
    .filter((p) => !p.includes('<') && !p.includes('*'));
}

describe.each(['AGENTS.md', 'llms.txt'])('%s', (file) => {
  const text = read(file);

  it('names only paths that exist', () => {
    const named = pathsIn(text);
    expect(named.length).toBeGreaterThan(3);
    const names = baseNames();
    const missing = named.filter((p) => (p.includes('/') ? !existsSync(path.join(root, p)) : !existsSync(path.join(root, p)) && !names.has(p)));
    expect(missing).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const named = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });
});

it('the package root has both files, and llms.txt follows the convention (title, summary, links)', () => {
  const llms = read('llms.txt');
  expect(llms.split('\n')[0]).toMatch(/^# \S/);
  expect(llms).toMatch(/\n> \S/);
  expect(llms).toMatch(/\n## Docs\n/);
  expect(existsSync(path.join(root, 'AGENTS.md'))).toBe(true);
});
