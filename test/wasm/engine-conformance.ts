import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { GdalEngine } from '../../wasm/engine.js';
import { ENGINE_CASES } from './engine-cases.js';

/**
 * The behaviour every GDAL engine shares (`engine-cases.ts`), as tests. Each engine's test file
 * calls `testEngine` with its engine; the browser's worker engine runs the same cases in Chromium
 * (`test/browser/engine-conformance.test.ts`).
 */
export function testEngine(name: string, makeEngine: () => GdalEngine): void {
  describe(`${name} engine (conformance)`, () => {
    const engine = makeEngine();
    const host = engine.fs.kind === 'host' ? mkdtempSync(path.join(tmpdir(), 'geodata-engine-')) : undefined;
    afterAll(async () => {
      await engine.close();
      if (host) rmSync(host, { recursive: true, force: true });
    });
    for (const [index, engineCase] of ENGINE_CASES.entries()) {
      if (engineCase.kinds && !engineCase.kinds.includes(engine.fs.kind)) continue;
      it(engineCase.name, async () => {
        const root = host ? path.join(host, `case-${index}`) : `/conformance/case-${index}`;
        await engineCase.run(engine, { path: (file) => (host ? path.join(root, file) : `${root}/${file}`) });
      });
    }
  });
}
