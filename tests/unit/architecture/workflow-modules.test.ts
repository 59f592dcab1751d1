/**
 * The room workflow's modules form no import circle (type-only imports included): each module can
 * be read, and its types understood, from the modules below it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../workflows/room/', import.meta.url));

/** Module → the sibling modules it imports or re-exports from. */
function siblingImports(source: string): string[] {
  return [...source.matchAll(/(?:import|export)\s[^;]*?from\s+'\.\/([a-z-]+)\.js'/g)].map((m) => m[1]);
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('workflows/room modules', () => {
  it('import one another without a circle', () => {
    const graph = new Map(readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [
      path.basename(f, '.ts'), siblingImports(readFileSync(path.join(dir, f), 'utf8')),
    ]));
    expect(graph.size).toBeGreaterThan(10);
    expect(findCycle(graph)).toBeUndefined();
  });

  it('the detector finds a circle when there is one', () => {
    expect(siblingImports("import type { Plan } from './plan.js';\nexport { x } from './lane.js';")).toEqual(['plan', 'lane']);
    expect(findCycle(new Map([['state', ['plan']], ['plan', ['lane']], ['lane', ['state']]]))).toEqual(['state', 'plan', 'lane', 'state']);
  });
});
