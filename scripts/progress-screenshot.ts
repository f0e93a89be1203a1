// Takes the README's picture of the progress display: runs `npm start` (examples/main.ts, which
// calls showProgress()) in a tmux terminal on a fresh cache, captures the screen while an entry is
// being computed, and renders that text as a terminal in headless Chromium.
//   npx tsx scripts/progress-screenshot.ts [out.png]   (default docs/progress.png; needs tmux, /usr/bin/chromium)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(repo, 'docs', 'progress.png'));
const work = mkdtempSync(join(tmpdir(), 'geodata-progress-shot-'));
const session = `geodata-shot-${process.pid}`;
execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '110', '-y', '24', `cd ${repo} && npx tsx examples/main.ts --root ${join(work, 'cache')}; sleep 120`]);
let screen = '';
try {
  // The live lines show while an entry computes: keep the screen with the most of them.
  let best = 0;
  for (let tries = 0; tries < 1200; tries++) {
    await sleep(25);
    const text = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    const live = text.split('\n').filter((line) => line.startsWith('… ')).length;
    const bar = /\[#+\.*\] \d+%/.test(text) ? 1 : 0;
    if (live + bar > best) [best, screen] = [live + bar, text];
    if (text.includes('second run:')) break;
  }
} finally {
  spawnSync('tmux', ['kill-session', '-t', session]);
  rmSync(work, { recursive: true, force: true });
}
if (!screen) throw new Error('no live progress line was seen on the screen');
const text = screen.replace(/\s+$/, '').replaceAll(work, '/tmp/cache-folder');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out.replace(/\.png$/, '.txt'), `${text}\n`);
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:12px 16px;color:#d4d4d4;font:13px/1.35 'DejaVu Sans Mono',monospace;white-space:pre">${escape(text)
  .replace(/^(✓.*)$/gm, '<span style="color:#6ee7b7">$1</span>')
  .replace(/^(….*)$/gm, '<span style="color:#fcd34d">$1</span>')}</pre></body>`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const page = await browser.newPage({ viewport: { width: 900, height: 100 } });
await page.setContent(html);
await page.locator('pre').screenshot({ path: out });
await browser.close();
console.log(`wrote ${out} (and the text beside it)`);
