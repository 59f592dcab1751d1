/**
 * The layer order models → core → providers → channels → hooks/kit, checked on every import and
 * re-export (type-only ones too: a type import still couples a lower layer to a higher one, and in
 * workflow code it is how provider shapes leak into replayed history). `import-boundary.test.ts`
 * guards what may run inside the workflow sandbox; this file guards which way the arrows point.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Rule {
  name: string;
  /** Repo-relative directory whose files the rule applies to. */
  from: string;
  /** Either the only directories (or bare packages) these files may import… */
  only?: string[];
  /** …or the directories they must never import. */
  never?: string[];
}

const RULES: Rule[] = [
  { name: 'models import only models and zod', from: 'src/models', only: ['src/models', 'zod'] },
  { name: 'core imports only models, core and zod', from: 'src/core', only: ['src/models', 'src/core', 'zod'] },
  {
    name: 'providers import nothing above them',
    from: 'src/providers',
    never: ['src/channels', 'src/kit', 'src/server', 'src/client', 'activities', 'workflows'],
  },
  { name: 'activities do not import the kit', from: 'activities', never: ['src/kit'] },
  { name: 'workflows do not import providers, channels or the kit', from: 'workflows', never: ['src/providers', 'src/channels', 'src/kit'] },
];

/**
 * Deliberate exceptions, as `file → specifier`, each with the reason next to it. Empty: every
 * arrow that pointed up has been moved down a layer (keep it that way rather than growing this).
 */
const EXCEPTIONS = new Set<string>([]);

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return files(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every module specifier a file names: imports, re-exports, `import x = require()`, `import()` and `import('…').T`. */
export function specifiers(file: string, text: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return out;
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** `file → specifier` for each import of `file` that breaks a rule covering it. */
export function violations(file: string, text: string, rules: Rule[] = RULES): string[] {
  const bad: string[] = [];
  for (const rule of rules.filter((r) => inside(file, r.from))) {
    for (const spec of specifiers(file, text)) {
      const relative = spec.startsWith('.');
      // Bare specifiers are packages (node:*, zod, …); only an `only` rule restricts them.
      const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : spec;
      const ok = rule.only
        ? rule.only.some((allowed) => (relative ? inside(target, allowed) : target === allowed))
        : !relative || !(rule.never ?? []).some((denied) => inside(target, denied));
      const entry = `${file} → ${spec}`;
      if (!ok && !EXCEPTIONS.has(entry)) bad.push(`${entry}  (${rule.name})`);
    }
  }
  return bad;
}

describe('layer direction', () => {
  for (const rule of RULES) {
    it(rule.name, () => {
      const bad = files(rule.from).flatMap((f) => violations(f, readFileSync(path.join(root, f), 'utf8'), [rule]));
      expect(bad, `imports pointing up the layers:\n${bad.join('\n')}`).toEqual([]);
    });
  }

  it('every exception still names an import that exists', () => {
    const all = RULES.flatMap((r) => files(r.from)).flatMap((f) =>
      specifiers(f, readFileSync(path.join(root, f), 'utf8')).map((s) => `${f} → ${s}`));
    expect([...EXCEPTIONS].filter((e) => !all.includes(e))).toEqual([]);
  });

  it('the checker flags upward imports, type-only and inline ones included', () => {
    const provider = [
      "import type { Channel } from '../../channels/channel.js';",
      "import { z } from 'zod';",
      "import { helper } from '../http.js';",
      "export type { RoomKit } from '../../kit/room-kit.js';",
      "type Deps = import('../../../activities/deps.js').ActivityDeps;",
    ].join('\n');
    expect(violations('src/providers/fake/client.ts', provider)).toEqual([
      'src/providers/fake/client.ts → ../../channels/channel.js  (providers import nothing above them)',
      'src/providers/fake/client.ts → ../../kit/room-kit.js  (providers import nothing above them)',
      'src/providers/fake/client.ts → ../../../activities/deps.js  (providers import nothing above them)',
    ]);
    expect(violations('src/models/fake.ts', "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nimport type { X } from '../core/events.js';")).toEqual([
      'src/models/fake.ts → node:fs  (models import only models and zod)',
      'src/models/fake.ts → ../core/events.js  (models import only models and zod)',
    ]);
    expect(violations('workflows/room/fake.ts', "import type { AIMessage } from '../../src/providers/ai/base.js';")).toHaveLength(1);
    expect(violations('workflows/room/fake.ts', "import type { AIMessage } from '../../src/models/index.js';")).toEqual([]);
  });
});
