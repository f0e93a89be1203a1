import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  Data,
  FileError,
  FingerprintError,
  PipelineError,
  SpatialSpec,
  getConfig,
  load,
  process,
  register,
  type Processor,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { Four, MissingSource, Throws, WithCallback, WritesNothing } from './fixtures/bad-inputs.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

/** Declares one input file (so the store remembers its digest) and writes a fixed text. */
class DeclaresInput implements Processor {
  readonly ext = 'txt';
  constructor(readonly path: string) {}
  inputs() {
    return [this.path];
  }
  settings() {
    return {};
  }
  async run(context: Parameters<Processor['run']>[0]) {
    await context.engine.fs.writeFile(context.outputPath, new TextEncoder().encode('made from an input'));
  }
}

class FromInput extends Data {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new DeclaresInput(this.path);
  }
}
register(FromInput);

/**
 * Every file under the cache root, the store's own folders (`.source/`, `.staging/`, `.locks/`)
 * included: relative path → size and SHA-256 of its bytes. Folders are listed too (with a
 * trailing `/`), so that an empty folder left behind shows.
 */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        files[`${relative(root, path)}/`] = 'folder';
        walk(path);
      } else {
        const bytes = readFileSync(path);
        files[relative(root, path)] = `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
      }
    }
  };
  walk(root);
  return files;
}

describe('a call that fails on bad input leaves every file of the store as it was', () => {
  const cache = useTempCache();
  let inputFolder: string;

  beforeEach(async () => {
    // A store with content everywhere: two entries, their code and trees, and an input digest.
    inputFolder = mkdtempSync(join(tmpdir(), 'geodata-untouched-input-'));
    writeFileSync(join(inputFolder, 'input.txt'), 'input bytes');
    await process(new Four(), SPEC);
    await process(new FromInput(join(inputFolder, 'input.txt')), SPEC);
  });

  afterEach(() => rmSync(inputFolder, { recursive: true, force: true }));

  /** Runs `call`, expects it to fail with `error`, and the store to be byte-identical afterwards. */
  async function expectFailsUntouched(call: () => unknown, error: RegExp | (new (...args: never[]) => Error)): Promise<void> {
    const before = snapshot(cache.root);
    await expect(Promise.resolve().then(call)).rejects.toThrow(error);
    expect(snapshot(cache.root)).toEqual(before);
  }

  it('starts from a store with entries, code versions, dependency trees and input digests', () => {
    const paths = Object.keys(snapshot(cache.root));
    expect(paths.filter((p) => /^data_processed\/[0-9a-f]{64}\/meta\.json$/.test(p))).toHaveLength(2);
    // Two classes, and the processor class FromInput's body names (a dependency of its tree).
    expect(paths.filter((p) => /^\.source\/code\/[0-9a-f]{64}\/source\.json$/.test(p))).toHaveLength(3);
    expect(paths.filter((p) => /^\.source\/snapshots\/[0-9a-f]{64}\/tree\.json$/.test(p))).toHaveLength(2);
    expect(paths).toContain('.source/input-digests.json');
  });

  it('no spec anywhere', async () => {
    await expectFailsUntouched(() => load(new Four()), /no spec for Four: pass one/);
  });

  it('an unknown config key, which changes nothing of the config either', async () => {
    await expectFailsUntouched(() => getConfig().update({ spec: SPEC, sepc: SPEC } as never), ConfigError);
    expect(getConfig().spec).toBeUndefined();
  });

  it('a parameter that cannot be fingerprinted', async () => {
    await expectFailsUntouched(() => load(new WithCallback({ callback: () => undefined }), SPEC), FingerprintError);
  });

  it('a processor whose input file is missing', async () => {
    await expectFailsUntouched(() => load(new MissingSource(), SPEC), FileError);
  });

  it('_process that throws', async () => {
    await expectFailsUntouched(() => load(new Throws(), SPEC), PipelineError);
  });

  it('_process that writes nothing', async () => {
    await expectFailsUntouched(() => load(new WritesNothing(), SPEC), /WritesNothing produced no output/);
  });
});
