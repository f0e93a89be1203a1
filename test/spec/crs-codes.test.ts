import { describe, expect, it } from 'vitest';
import { crsCodeRuns, isKnownCrsCode } from '../../src/spec/known-crs.js';
import { createNodeEngine } from '../../wasm/node.js';

describe('the CRS code table', () => {
  // The table is generated from gdal3.js's proj.db; checking the edge of every run against the
  // engine itself catches a table left behind by a gdal3.js upgrade
  // (then: python3 scripts/generate-crs-codes.py).
  it.each(['EPSG', 'ESRI'])('agrees with the engine at the edge of every run of %s codes', async (authority) => {
    const engine = createNodeEngine();
    const resolves = (code: number) => engine.crsToWkt(`${authority}:${code}`).then(() => true, () => false);
    const runs = crsCodeRuns(authority);
    const inside = runs.flat();
    const after = runs.map(([, last]) => last + 1);
    expect(inside.length).toBeGreaterThan(authority === 'EPSG' ? 1000 : 100);
    const wrong: string[] = [];
    for (const code of inside) if (!(await resolves(code))) wrong.push(`${code} is in the table but the engine refuses it`);
    for (const code of after) if (await resolves(code)) wrong.push(`${code} resolves but is missing from the table`);
    await engine.close();
    expect(wrong).toEqual([]);
  }, 60_000);

  it('knows EPSG codes, refuses others, and leaves authorities without a table to GDAL', () => {
    expect(isKnownCrsCode('EPSG', '3035')).toBe(true);
    expect(isKnownCrsCode('epsg', '4326')).toBe(true);
    expect(isKnownCrsCode('EPSG', '1')).toBe(false);
    expect(isKnownCrsCode('EPSG', '4326.0')).toBe(false);
    expect(isKnownCrsCode('IGNF', 'LAMB93')).toBeUndefined();
    expect(isKnownCrsCode('constructor', '1')).toBeUndefined();
  });
});
