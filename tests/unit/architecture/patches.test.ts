/**
 * Every `patched()` of the room workflow is reached deterministically: only `workflows/room/patches.ts`
 * calls `patched()`/`deprecatePatch()`, and each of its checks is called unconditionally within its
 * function (not under an `if`, a `?:`, a `switch`, a `catch`, or on the right of `&&`/`||`/`??`), so
 * whether a marker is written never depends on what a queue happens to hold at that moment.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PATCHES_FILE = path.join('workflows', 'room', 'patches.ts');

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return files(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

const parse = (file: string, text = readFileSync(path.join(root, file), 'utf8')) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);

function calls(source: ts.SourceFile, names: Set<string>): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && names.has(node.expression.text)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Why a call is conditional within its function, or undefined when every path through it runs it. */
export function conditional(call: ts.Node): string | undefined {
  let child: ts.Node = call;
  for (let node = call.parent; node && !ts.isFunctionLike(node); child = node, node = node.parent) {
    if (ts.isIfStatement(node) && child !== node.expression) return 'inside an if branch';
    if (ts.isConditionalExpression(node) && child !== node.condition) return 'inside a ?: branch';
    if (ts.isCaseClause(node) || ts.isDefaultClause(node)) return 'inside a switch case';
    if (ts.isCatchClause(node)) return 'inside a catch';
    if (ts.isBinaryExpression(node) && child === node.right) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        return 'on the right of a short-circuit operator';
      }
    }
  }
  return undefined;
}

const patchChecks = (): Set<string> => {
  const names = new Set<string>();
  for (const stmt of parse(PATCHES_FILE).statements) {
    const exported = ts.canHaveModifiers(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name) names.add(stmt.name.text);
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && ts.isArrowFunction(d.initializer)) names.add(d.name.text);
      }
    }
  }
  return names;
};

describe('patch checks in workflow code', () => {
  const workflowFiles = files('workflows');

  it('only workflows/room/patches.ts calls patched() or deprecatePatch()', () => {
    const offenders = workflowFiles
      .filter((f) => f !== PATCHES_FILE)
      .flatMap((f) => calls(parse(f), new Set(['patched', 'deprecatePatch'])).map((c) => `${f}: ${c.getText()}`));
    expect(offenders).toEqual([]);
  });

  it('calls every patch check unconditionally at its decision point', () => {
    const checks = patchChecks();
    expect(checks.size).toBeGreaterThanOrEqual(5);
    const used = new Set<string>();
    const offenders: string[] = [];
    for (const f of workflowFiles.filter((x) => x !== PATCHES_FILE)) {
      const source = parse(f);
      for (const c of calls(source, checks)) {
        used.add((c.expression as ts.Identifier).text);
        const why = conditional(c);
        if (why) offenders.push(`${f}:${source.getLineAndCharacterOfPosition(c.getStart()).line + 1} ${c.getText()} is ${why}`);
      }
    }
    expect(offenders).toEqual([]);
    // A check nobody calls is a patch whose old path can no longer be replayed.
    expect([...checks].filter((c) => !used.has(c))).toEqual([]);
  });

  it('flags a check reached only when a queue holds something', () => {
    const source = parse('x.ts', 'async function f(rs) { if (rs.lane.length > 1 && batchedDelivery()) {} const b = rs.lane.length ? batchedDelivery() : false; const ok = batchedDelivery(); }');
    const found = calls(source, new Set(['batchedDelivery'])).map((c) => conditional(c) ?? 'unconditional');
    expect(found).toEqual(['on the right of a short-circuit operator', 'inside a ?: branch', 'unconditional']);
  });
});
