/**
 * The offline demo's page. In an application this import is `from 'geodata'` (the package's
 * browser entry); the demo build maps that name to the same file. GDAL runs in
 * `engine-worker.js`, next to this bundle (the default); gdal3.js and its `.wasm`/`.data` are
 * served next to it too and named with `gdalAssetsAt`, so no bundle includes gdal3.js.
 */
import {
  cleanCache,
  createBrowserEngine,
  gdalAssetsAt,
  entries,
  exportEntries,
  getConfig,
  importArchive,
  onPipelineEvent,
  requestPersistentStorage,
  type PipelineEvent,
} from '../../src/browser.js';
import { demoSpec, fileSource, generatedSource, runSteps, type DemoSource, type StepRecord } from './demo-pipeline.js';

/** The IndexedDB database of the demo's cache: `geodata:geodata-demo`. */
const CACHE_ROOT = 'geodata-demo';
/** Where the demo puts its source files in GDAL's file system. */
const SCRATCH = '/demo';

/** What the page did, for people in the console and for the end-to-end tests. */
interface DemoState {
  state: 'loading' | 'ready' | 'running' | 'done' | 'error';
  events: Array<Omit<PipelineEvent, 'error'> & { error?: string }>;
  runs: Array<{ source: Omit<DemoSource, 'input' | 'spec'>; spec: unknown; steps: StepRecord[] }>;
  error?: { name: string; message: string };
  persisted?: boolean;
  imported?: { added: number; skipped: number };
}

const demo: DemoState = { state: 'loading', events: [], runs: [] };
(window as unknown as { geodataDemo: DemoState }).geodataDemo = demo;
/** An output's bytes as base64, by its path in the engine (a step's `path`): for the tests. */
(window as unknown as { geodataDemoOutput: (path: string) => Promise<string> }).geodataDemoOutput = async (path) => {
  const bytes = await getConfig().engine.fs.readFile(path);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const statusLine = $<HTMLParagraphElement>('#status');
const progress = $<HTMLProgressElement>('#progress');
const runButton = $<HTMLButtonElement>('#run');
let chosenFile: File | undefined;
let generated: Promise<DemoSource> | undefined;
/** Object URLs of the figures on show: revoked when they are replaced, or the blobs stay in memory. */
let figureUrls: string[] = [];
/** How long a download link's object URL lives: the browser must have started the download by then. */
const DOWNLOAD_URL_LIFETIME_MS = 60_000;

getConfig().update({ root: CACHE_ROOT, engine: createBrowserEngine({ assets: gdalAssetsAt(new URL('./', import.meta.url)) }) });
onPipelineEvent('*', (event) => {
  if (event.type === 'progress') {
    progress.value = event.fraction;
    return; // too many to keep
  }
  const { error, ...rest } = event as PipelineEvent & { error?: unknown };
  demo.events.push({ ...rest, ...(error !== undefined ? { error: String(error) } : {}) } as DemoState['events'][number]);
});

function say(text: string, isError = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function cell(row: HTMLTableRowElement, text: string, className?: string): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
}

async function currentSource(): Promise<DemoSource> {
  const engine = getConfig().engine;
  const kind = document.querySelector<HTMLInputElement>('input[name=source]:checked')!.value;
  if (kind === 'file') {
    if (!chosenFile) throw new Error('choose or drop a GeoTIFF first');
    return fileSource(chosenFile, engine, SCRATCH);
  }
  // A failed attempt is forgotten, so pressing Compute again tries again.
  generated ??= generatedSource(engine, SCRATCH).catch((error: unknown) => {
    generated = undefined;
    throw error;
  });
  return generated;
}

async function showFigure(record: StepRecord): Promise<void> {
  const bytes = await getConfig().engine.fs.readFile(record.path);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  figureUrls.push(url);
  const figure = document.createElement('figure');
  const image = document.createElement('img');
  image.src = url;
  image.alt = record.name;
  image.dataset.stateHash = record.stateHash;
  const caption = document.createElement('figcaption');
  caption.textContent = record.name;
  figure.append(image, caption);
  $('#figures').append(figure);
}

function clearFigures(): void {
  $('#figures').replaceChildren();
  for (const url of figureUrls) URL.revokeObjectURL(url);
  figureUrls = [];
}

async function run(): Promise<void> {
  demo.state = 'running';
  delete demo.error;
  runButton.disabled = true;
  const tbody = $<HTMLTableElement>('#steps').tBodies[0]!;
  tbody.replaceChildren();
  clearFigures();
  const started = performance.now();
  try {
    say('Preparing the source…');
    const source = await currentSource();
    const resolution = Number($<HTMLInputElement>('#resolution').value);
    const spec = await demoSpec(source, $<HTMLSelectElement>('#crs').value, resolution, getConfig().engine);
    say(`Running on ${spec}…`);
    const steps = await runSteps(source, spec, (record) => {
      const row = tbody.insertRow();
      cell(row, record.name);
      cell(row, record.computed ? 'computed' : 'from the cache', record.computed ? 'computed' : 'hit');
      cell(row, `${(record.ms / 1000).toFixed(2)} s`);
      cell(row, record.stateHash.slice(0, 12), 'hash');
    });
    for (const record of steps.filter((s) => s.path.endsWith('.png'))) await showFigure(record);
    const { input: _input, spec: _spec, ...shown } = source;
    demo.runs.push({ source: shown, spec: spec.toJSON(), steps });
    const computed = steps.filter((s) => s.computed).length;
    say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${computed} computed, ${steps.length - computed} from the cache.`);
    demo.state = 'done';
  } catch (error) {
    const e = error as Error;
    demo.error = { name: e.name, message: e.message };
    demo.state = 'error';
    say(`${e.name}: ${e.message}`, true);
  } finally {
    progress.value = 0;
    runButton.disabled = false;
    await showCache();
  }
}

async function showCache(): Promise<void> {
  const list = await entries({ checkInputs: false });
  const tbody = $<HTMLTableElement>('#entries').tBodies[0]!;
  tbody.replaceChildren();
  for (const entry of list) {
    const row = tbody.insertRow();
    cell(row, entry.className ?? '?');
    cell(row, entry.state);
    cell(row, formatBytes(entry.bytes));
    cell(row, entry.stateHash.slice(0, 12), 'hash');
  }
  const { usage, quota } = (await navigator.storage?.estimate?.()) ?? {};
  const used = usage !== undefined && quota !== undefined ? `; this site uses ${formatBytes(usage)} of ${formatBytes(quota)}` : '';
  const kept = demo.persisted ? 'persistent storage granted' : 'best-effort storage: the browser may evict it when space runs low';
  $('#storage').textContent = `${list.length} entries in IndexedDB (${kept})${used}.`;
}

function chooseFile(file: File | undefined): void {
  if (!file) return;
  chosenFile = file;
  document.querySelector<HTMLInputElement>('input[name=source][value=file]')!.checked = true;
  say(`Source: ${file.name} (${formatBytes(file.size)}). Press Compute.`);
}

function wire(): void {
  runButton.addEventListener('click', () => void run());
  $<HTMLInputElement>('#file').addEventListener('change', (event) => chooseFile((event.target as HTMLInputElement).files?.[0]));
  const drop = $('#drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    chooseFile(event.dataTransfer?.files[0]);
  });
  $('#clean').addEventListener('click', async () => {
    const report = await cleanCache();
    say(`Removed ${report.removed.length} stale entries (${formatBytes(report.bytesFreed)}).`);
    await showCache();
  });
  $('#export').addEventListener('click', async () => {
    const hashes = (await entries({ checkInputs: false })).filter((e) => e.state === 'fresh').map((e) => e.stateHash);
    if (hashes.length === 0) return say('Nothing to export yet.');
    const archive = await exportEntries(hashes);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([archive as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }));
    link.download = 'geodata-entries.tar.gz';
    link.click();
    // Revoking at once can cancel the download in some browsers: later, as FileSaver.js does.
    setTimeout(() => URL.revokeObjectURL(link.href), DOWNLOAD_URL_LIFETIME_MS);
  });
  $<HTMLInputElement>('#import').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const report = await importArchive(new Uint8Array(await file.arrayBuffer()), { name: file.name });
      demo.imported = { added: report.added.length, skipped: report.skipped.length };
      say(`Imported ${report.added.length} items from ${file.name} (${report.skipped.length} already here).`);
    } catch (error) {
      say(`${(error as Error).name}: ${(error as Error).message}`, true);
    }
    await showCache();
  });
}

wire();
// Asked once: the cache should survive storage pressure (Chromium decides silently).
requestPersistentStorage()
  .then(({ persisted }) => (demo.persisted = persisted))
  .then(showCache)
  .then(
    () => {
      demo.state = 'ready';
      say('Ready. Choose a source and a grid, then press Compute.');
    },
    (error: Error) => {
      demo.state = 'error';
      demo.error = { name: error.name, message: error.message };
      say(`${error.name}: ${error.message}`, true);
    },
  );
