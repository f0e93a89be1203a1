import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StepRecord } from '../../examples/browser/demo-pipeline.js';
import { SpatialSpec, type SpatialSpecJSON } from '../../src/node.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NODE_REFERENCE = fileURLToPath(new URL('./fixtures/node-reference.ts', import.meta.url));

/** What a Node script computes for the same source, CRS and resolution: the reference the page must match. */
export interface NodeRun {
  spec: SpatialSpec;
  source: { sha256: string; size: number };
  steps: StepRecord[];
}

/**
 * Runs the demo pipeline in a Node process of its own (`node --import tsx`, as users run their
 * scripts) and reads the fingerprints and outputs it prints.
 */
export function nodeRun(args: { root: string; crs: string; resolution: number; file?: string; exportTo?: string }): NodeRun {
  const argv = ['--import', 'tsx', NODE_REFERENCE, '--root', args.root, '--crs', args.crs, '--resolution', String(args.resolution)];
  if (args.file) argv.push('--file', args.file);
  if (args.exportTo) argv.push('--export', args.exportTo);
  const result = spawnSync(process.execPath, argv, { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the Node reference run failed: ${result.stderr}`);
  const printed = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Omit<NodeRun, 'spec'> & { spec: SpatialSpecJSON };
  return { ...printed, spec: SpatialSpec.fromJSON(printed.spec) };
}

