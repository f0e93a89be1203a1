import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { DemMode } from '../../wasm/node.js';
import { createNodeEngine } from '../../wasm/node.js';
import { compareValues, HAS_DATA, hasCommand, NO_DATA_REASON, readTiffFile, run, sample, useScratchFolder } from './fixtures.js';

const HAS_GDALDEM = hasCommand('gdaldem');

/**
 * Tolerance against native gdaldem: 1e-4 (degrees of slope, hillshade levels, ...). The terrain
 * algorithms are the same code in GDAL 3.8.4 (WebAssembly) and 3.6.2 (native) and run in the same
 * floating-point precision; only a change in the algorithms between versions could show, and
 * it would be far larger. Measured here: identical (max difference 0).
 */
const TOLERANCE = 1e-4;

/** `-s 111120`: elev.tif is geographic (degrees) with heights in metres. */
const SCALE = ['-s', '111120'];

const MODES: Array<{ mode: DemMode; args: string[] }> = [
  { mode: 'slope', args: SCALE },
  { mode: 'hillshade', args: SCALE },
  { mode: 'aspect', args: [] },
  { mode: 'TRI', args: [] },
  { mode: 'TPI', args: [] },
  { mode: 'roughness', args: [] },
  { mode: 'color-relief', args: [] },
];

const COLOR_TABLE = '141 0 97 71\n300 232 215 125\n450 161 67 0\n547 255 255 255\nnv 0 0 0\n';

describe.skipIf(!HAS_DATA || !HAS_GDALDEM)(
  `engine.dem against native gdaldem${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}${HAS_GDALDEM ? '' : ' (skipped: native gdaldem is not installed)'}`,
  () => {
    const engine = createNodeEngine();
    const scratch = useScratchFolder('dem');
    afterAll(async () => {
      await engine.close();
      });

    for (const { mode, args } of MODES) {
      it(`computes ${mode} of elev.tif like native gdaldem`, async () => {
        const ours = scratch.path(`ours-${mode}.tif`);
        const native = scratch.path(`native-${mode}.tif`);
        const colorFile = scratch.path('colors.txt');
        const color = mode === 'color-relief' ? [colorFile] : [];
        if (mode === 'color-relief') await engine.writeFile(colorFile, new TextEncoder().encode(COLOR_TABLE));
        await engine.dem(mode, sample('elev.tif'), ours, args, mode === 'color-relief' ? { colorFile } : {});
        run('gdaldem', [mode, '-q', sample('elev.tif'), ...color, native, ...args]);

        const [a, b] = await Promise.all([readTiffFile(ours), readTiffFile(native)]);
        expect([a.width, a.height, a.bands]).toEqual([b.width, b.height, b.bands]);
        expect(a.geoTransform).toEqual(b.geoTransform);
        expect(a.noData).toBe(b.noData);
        const { maxDiff, validityMismatches, valid } = compareValues(a, b);
        expect(validityMismatches).toBe(0);
        expect(valid).toBeGreaterThan(1000);
        expect(maxDiff).toBeLessThanOrEqual(TOLERANCE);
      });
    }

    it('gives slope in degrees: a plausible range for Luxembourg', async () => {
      const out = scratch.path('range-slope.tif');
      await engine.dem('slope', sample('elev.tif'), out, SCALE);
      const slope = await readTiffFile(out);
      const valid = Array.from(slope.values).filter((value) => value !== slope.noData);
      expect(Math.min(...valid)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...valid)).toBeLessThan(45);
    });

    it('asks for a color file for color-relief', async () => {
      await expect(engine.dem('color-relief', sample('elev.tif'), scratch.path('x.tif'), [])).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('rejects an unknown mode', async () => {
      await expect(engine.dem('contour' as DemMode, sample('elev.tif'), scratch.path('x.tif'), [])).rejects.toThrow(
        'dem: mode "contour" is not one of hillshade, slope, aspect, color-relief, TRI, TPI, roughness',
      );
    });
  },
);
