/**
 * The edit corpus: small pipeline projects written to a temp folder, each run in a fresh Node
 * process (tsx) as a user runs a script, then edited (an input's bytes, a sidecar, a class's code,
 * a parameter) and run again in another fresh process. A case states exactly which classes that
 * second run computes; everything else it loads must be a hit.
 *
 * To add cases: append `{ name, edit, expected }` to a template's case list (see `cases-*.ts`), or
 * write a new template (`Template`) with its own data and pipeline.
 */
import { spawn } from 'node:child_process';
import { transformSync } from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from './runner.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(REPOSITORY, 'node_modules', '.bin', 'tsx');

/** The library entry a template's pipeline imports: the sources (under tsx) or the build npm users get. */
export const LIBRARY = {
  src: path.join(REPOSITORY, 'src', 'node.ts'),
  dist: path.join(REPOSITORY, 'dist', 'bundle', 'node.js'),
} as const;

/**
 * What a case is about: the five points of issue 12's "What is wrong today" (an input change
 * behind a named class; files GDAL opens besides the one it is given; free names of the user's
 * code; toolchains; the smaller holes: spec.json, co-outputs, symbolic links, damaged entries),
 * and plain edits of code and parameters.
 */
export type Kind = 'input chains' | 'files GDAL opens' | 'free names' | 'toolchains' | 'smaller holes' | 'code and parameters';

export const KINDS: readonly Kind[] = ['input chains', 'files GDAL opens', 'free names', 'toolchains', 'smaller holes', 'code and parameters'];

/** A project folder and the edits a case may apply to it. Paths are relative to the project. */
export class Project {
  constructor(readonly root: string) {}

  path(relative: string): string {
    return path.join(this.root, relative);
  }
  read(relative: string): Buffer {
    return readFileSync(this.path(relative));
  }
  write(relative: string, content: string | Uint8Array): void {
    mkdirSync(path.dirname(this.path(relative)), { recursive: true });
    writeFileSync(this.path(relative), content);
  }
  /** Replaces text in a file; throws when the text is not there (a case that edits nothing is a defect). */
  replace(relative: string, from: string, to: string): void {
    const text = this.read(relative).toString('utf8');
    if (!text.includes(from)) throw new Error(`edit corpus: ${relative} does not contain ${JSON.stringify(from)}`);
    this.write(relative, text.replace(from, to));
  }
  /** Sets a file's modification time to now + `seconds`, bytes unchanged. */
  touch(relative: string, seconds = 5): void {
    const when = new Date(Date.now() + seconds * 1000);
    utimesSync(this.path(relative), when, when);
  }
  remove(relative: string): void {
    rmSync(this.path(relative), { recursive: true, force: true });
  }
  /** A symbolic link at `at` to `target`, relative to the link's folder as `ln -s` makes it. */
  symlink(target: string, at: string): void {
    symlinkSync(target, this.path(at));
  }
  exists(relative: string): boolean {
    return existsSync(this.path(relative));
  }
}

/** A project: its data (written in the harness process) and its pipeline module. */
export interface Template {
  name: string;
  /** Writes the data files; may use the library (GDAL) in the harness process. */
  data(project: Project): Promise<void>;
  /**
   * The project's `pipeline.ts`: `@geodata` and `@runner` are replaced by the library entry and
   * the corpus runner; it ends with `await runTargets([...])`.
   */
  pipeline: string;
  /** Which library entry `@geodata` means (default `src`: the sources under tsx, as the CLI runs them). */
  library?: keyof typeof LIBRARY;
  /** Other files of the project (modules, a package in node_modules, tsconfig.json), by relative path; `@geodata` is replaced there too. */
  files?: Record<string, string>;
}

/** One edit and what the next run must do. */
export interface EditCase {
  name: string;
  kind: Kind;
  edit(project: Project): void | Promise<void>;
  /**
   * How the run after the edit is started, in the project folder: `['tsx', 'pipeline.ts']` (the
   * default, as the baseline runs) or `['node', 'pipeline.js']` (what the edit compiled).
   */
  run?: ['tsx' | 'node', string];
  expected: {
    /** Class names the run after the edit computes (commits), as a multiset; nothing else is computed. */
    computed: string[];
    /** Computations started per class, where it matters (co-outputs: one computation, several entries). */
    runs?: Record<string, number>;
    /** Per target label, what explain() must say before the run (a pattern over its summary lines). */
    explain?: Record<string, RegExp>;
  };
}

/** What running a case gave, and how it compares with the expectation. */
export interface CaseOutcome {
  name: string;
  report: RunReport;
  /** Expected to be computed but was a hit. */
  falseHits: string[];
  /** Computed although expected to be a hit (or computed more often than expected). */
  falseMisses: string[];
  /** explain() lines that did not match. */
  explainMismatches: string[];
}

/** Runs the project's pipeline in a fresh process and returns its report. */
export function runProject(project: Project, run: ['tsx' | 'node', string] = ['tsx', 'pipeline.ts']): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(run[0] === 'tsx' ? TSX : process.execPath, [run[1]], { cwd: project.root, env: { ...process.env, GEODATA_CORPUS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('@@corpus '));
      if (code !== 0 || !line) {
        reject(new Error(`the pipeline of ${project.root} failed (exit ${code}):\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`));
        return;
      }
      const report = JSON.parse(line.slice('@@corpus '.length)) as RunReport;
      resolve(report);
    });
  });
}

/** Writes a template into a fresh folder and runs it once: the baseline every case starts from. */
export async function prepareBaseline(template: Template): Promise<{ pristine: string; work: string; cleanup: () => void }> {
  const parent = mkdtempSync(path.join(tmpdir(), `geodata-corpus-${template.name}-`));
  const work = path.join(parent, 'project');
  const project = new Project(work);
  const library = LIBRARY[template.library ?? 'src'];
  project.write('package.json', JSON.stringify({ type: 'module', private: true }));
  project.write('corpus-runner.mjs', runnerModule(library));
  for (const [relative, text] of Object.entries(template.files ?? {})) project.write(relative, text.replaceAll('@geodata', library));
  project.write('pipeline.ts', template.pipeline.replaceAll('@geodata', library).replaceAll('@runner', './corpus-runner.mjs'));
  await template.data(project);
  await runProject(project);
  const pristine = path.join(parent, 'pristine');
  cpSync(work, pristine, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  return { pristine, work, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * Restores the baseline into the same folder (recorded paths are absolute, so the project must
 * stay where it was run), applies the edit, runs again and compares.
 */
export async function runCase(baseline: { pristine: string; work: string }, editCase: EditCase): Promise<CaseOutcome> {
  rmSync(baseline.work, { recursive: true, force: true });
  cpSync(baseline.pristine, baseline.work, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  await editCase.edit(new Project(baseline.work));
  const report = await runProject(new Project(baseline.work), editCase.run);
  return judge(editCase, report);
}

function judge(editCase: EditCase, report: RunReport): CaseOutcome {
  const count = (list: string[]) => list.reduce((map, name) => map.set(name, (map.get(name) ?? 0) + 1), new Map<string, number>());
  const expected = count(editCase.expected.computed);
  const actual = count(report.computed);
  const falseHits: string[] = [];
  const falseMisses: string[] = [];
  for (const [name, times] of expected) if ((actual.get(name) ?? 0) < times) falseHits.push(name);
  for (const [name, times] of actual) if (times > (expected.get(name) ?? 0)) falseMisses.push(name);
  for (const [name, times] of Object.entries(editCase.expected.runs ?? {})) {
    if ((report.runs[name] ?? 0) > times) falseMisses.push(`${name} (${report.runs[name]} computations, expected ${times})`);
  }
  const explainMismatches: string[] = [];
  for (const [label, pattern] of Object.entries(editCase.expected.explain ?? {})) {
    const text = (report.explain[label] ?? []).join('\n');
    if (!pattern.test(text)) explainMismatches.push(`${label}: ${JSON.stringify(text)} does not match ${pattern}`);
  }
  return { name: editCase.name, report, falseHits, falseMisses, explainMismatches };
}

/**
 * The corpus runner as a JavaScript module of the project, importing the same library entry as
 * the pipeline: a pipeline compiled to JavaScript runs under plain Node, which cannot import
 * TypeScript, and must share the library's configuration and events with the runner.
 */
function runnerModule(library: string): string {
  const source = readFileSync(path.join(REPOSITORY, 'test', 'edit-corpus', 'runner.ts'), 'utf8');
  if (!source.includes("'../../src/node.js'")) throw new Error('edit corpus: runner.ts no longer imports ../../src/node.js');
  return transformSync(source.replace("'../../src/node.js'", JSON.stringify(library)), { loader: 'ts', format: 'esm', target: 'node20' }).code;
}
