/**
 * The dependency rule of ARCHITECTURE.md §3, checked on the source: workflow code may value-import
 * only models, core, zod and @temporalio/workflow; models and core import nothing node-side;
 * nothing imports workers/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function files(dir: string): string[] {
  const abs = path.join(root, dir);
  return readdirSync(abs).flatMap((name) => {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) return files(path.join(dir, name));
    return name.endsWith('.ts') ? [path.join(dir, name)] : [];
  });
}

interface Import { specifier: string; typeOnly: boolean }

/** Static imports and re-exports, with whether they are type-only. */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) {
    const clause = m[3].trim();
    const allTypeNamed = /^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    out.push({ specifier: m[4], typeOnly: Boolean(m[2]) || allTypeNamed });
  }
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ specifier: m[1], typeOnly: false });
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ specifier: m[1], typeOnly: false });
  return out;
}

function target(file: string, specifier: string): string {
  return specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep) || p.startsWith(dir + '/');

describe('dependency rule', () => {
  it('workflows/ value-imports only src/models, src/core, zod and @temporalio/workflow', () => {
    const bad: string[] = [];
    for (const file of files('workflows')) {
      for (const imp of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (imp.typeOnly) continue;
        const t = target(file, imp.specifier);
        const ok = imp.specifier.startsWith('.')
          ? inside(t, 'workflows') || inside(t, 'src/models') || inside(t, 'src/core')
          : t === 'zod' || t === '@temporalio/workflow';
        if (!ok) bad.push(`${file} → ${imp.specifier}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('src/models and src/core (and src/workflow.ts) import nothing node-side', () => {
    const bad: string[] = [];
    for (const file of [...files('src/models'), ...files('src/core'), 'src/workflow.ts']) {
      for (const imp of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
        if (imp.typeOnly && imp.specifier === 'zod') continue;
        const t = target(file, imp.specifier);
        const ok = imp.specifier.startsWith('.') ? inside(t, 'src/models') || inside(t, 'src/core') : t === 'zod';
        if (!ok) bad.push(`${file} → ${imp.specifier}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('nothing imports workers/ (composition roots only)', () => {
    const bad: string[] = [];
    for (const dir of ['src', 'workflows', 'activities', 'tests', 'examples']) {
      for (const file of files(dir)) {
        // The deployment tests check the service's own configuration contract (workers/config.ts).
        if (file.startsWith('tests/unit/deploy/')) continue;
        for (const imp of importsOf(readFileSync(path.join(root, file), 'utf8'))) {
          if (imp.specifier.startsWith('.') && inside(target(file, imp.specifier), 'workers')) bad.push(`${file} → ${imp.specifier}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('the checker itself sees value imports, type-only imports and dynamic imports', () => {
    const found = importsOf([
      "import { a } from 'node:fs';",
      "import type { B } from './x.js';",
      "import { type C, type D } from './y.js';",
      "export * from '../z.js';",
      "const m = await import('child_process');",
    ].join('\n'));
    expect(found).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: './x.js', typeOnly: true },
      { specifier: './y.js', typeOnly: true },
      { specifier: '../z.js', typeOnly: false },
      { specifier: 'child_process', typeOnly: false },
    ]);
  });
});
