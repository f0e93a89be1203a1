import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AstNode } from '../../src/fingerprint/ast.js';
import { PARSE_SLICE_CHARS, parseModule, parseModuleInSlices } from '../../src/fingerprint/module-parse.js';

const ACORN = fileURLToPath(new URL('../../node_modules/acorn/dist/acorn.mjs', import.meta.url));

/** What a slice-by-slice parse pauses: after the statement that takes a slice past PARSE_SLICE_CHARS. */
function expectedPauses(program: AstNode): number {
  let pauses = 0;
  let sliceStart = 0;
  for (const statement of program.body as AstNode[]) {
    if ((statement.end as number) - sliceStart >= PARSE_SLICE_CHARS) {
      pauses += 1;
      sliceStart = statement.end as number;
    }
  }
  return pauses + 1; // and once before the scopes are built
}

describe('parseModuleInSlices', () => {
  it('gives the AST, scopes, exports and bundle regions of one parse, pausing between slices of top-level statements', async () => {
    const text = readFileSync(ACORN, 'utf8');
    // Two texts of the same content: each is parsed once (the cache is per text object).
    const whole = parseModule({ url: 'http://page/acorn.mjs', text, version: 'a' })!;
    let pauses = 0;
    const sliced = (await parseModuleInSlices({ url: 'http://page/acorn.mjs', text, version: 'b' }, async () => {
      pauses += 1;
    }))!;
    expect(text.length).toBeGreaterThan(3 * PARSE_SLICE_CHARS);
    expect(JSON.stringify(sliced.program)).toBe(JSON.stringify(whole.program));
    expect([...sliced.exports.keys()]).toEqual([...whole.exports.keys()]);
    expect([...sliced.scope.bindings.keys()]).toEqual([...whole.scope.bindings.keys()]);
    expect(sliced.classes.map((c) => c.start)).toEqual(whole.classes.map((c) => c.start));
    expect(sliced.regions).toEqual(whole.regions);
    expect(pauses).toBe(expectedPauses(whole.program));
    expect(pauses).toBeGreaterThan(2);
  });

  it('fills parseModule’s cache: the synchronous parse afterwards is the same object', async () => {
    const source = { url: 'http://page/app.js', text: '// src/app.ts\nexport class A {}\nexport const b = 1;\n', version: 'x' };
    const sliced = await parseModuleInSlices(source, async () => undefined);
    expect(parseModule(source)).toBe(sliced);
    expect(sliced!.regions).toEqual([{ start: 0, end: source.text.length, path: 'src/app.ts' }]);
  });

  it('falls back to parseModule for what is not a module (a script with a top-level return) and for TypeScript', async () => {
    const script = { url: 'http://page/old.js', text: 'var a = 1;\nreturn a;\n', version: 'x' };
    expect((await parseModuleInSlices(script, async () => undefined))?.program.type).toBe('Program');
    expect(parseModule(script)).toBeDefined();
    const typescript = { url: 'http://page/a.ts', text: 'export const a: number = 1;\n', version: 'x' };
    expect(await parseModuleInSlices(typescript, async () => undefined)).toBe(parseModule(typescript));
  });
});
