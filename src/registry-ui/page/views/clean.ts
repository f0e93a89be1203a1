/**
 * Cleaning, always in two steps: a dry run lists exactly what would be removed (and what stays,
 * and why), and only then a button removes it. If the cache changed in between, nothing is
 * removed and the new list is shown instead.
 */
import type { CleanOutcome, CleanPreview } from '../../model/actions.js';
import { post } from '../api.js';
import { formatBytes, h, replace } from '../dom.js';
import type { Route } from '../route.js';

interface Item {
  key: string;
  className: string | null;
  state?: string;
  kind?: string;
  reason: string;
  bytes: number;
}

/** Draws the two cleaners, each with its dry-run button. */
export async function cleanView(root: HTMLElement, _route: Route): Promise<void> {
  replace(
    root,
    h('h1', {}, 'Clean'),
    panel(
      'cache',
      'Clean the cache',
      'Removes entries the code loaded now can no longer reach (stale code or dependencies, an old format), damaged entries, and the debris of interrupted runs.',
      [
        ['removeUnknown', 'also entries that cannot be judged (their class, a processor or a parameter class is not loaded)'],
        ['includeInputChanges', 'also entries whose input files changed'],
      ],
    ),
    panel('source', 'Clean the source registry', 'Removes code versions and tree snapshots no entry references (the latest version of each class stays).', []),
  );
}

function panel(kind: 'cache' | 'source', title: string, text: string, options: Array<[string, string]>): HTMLElement {
  const result = h('div', { class: 'clean-result' });
  const boxes = options.map(([name, label]) => h('label', {}, h('input', { type: 'checkbox', name }), ` ${label}`));
  const previewButton = h('button', {
    type: 'button',
    class: 'preview-clean',
    onclick: async () => {
      previewButton.disabled = true;
      replace(result, h('p', { class: 'muted' }, 'Checking every entry…'));
      try {
        const request: Record<string, unknown> = { kind };
        for (const label of boxes) {
          const box = label.querySelector('input')!;
          request[box.name] = box.checked;
        }
        showPreview(result, await post<CleanPreview>('/api/clean/preview', request));
      } catch (error) {
        replace(result, h('p', { class: 'error' }, (error as Error).message));
      } finally {
        previewButton.disabled = false;
      }
    },
  }, 'Preview (dry run)');
  return h('section', { class: `clean clean-${kind}`, 'data-kind': kind }, h('h2', {}, title), h('p', {}, text), h('p', {}, ...boxes.flatMap((box) => [box, ' ']), previewButton), result);
}

function showPreview(result: HTMLElement, preview: CleanPreview): void {
  const report = preview.report as { removed: Item[]; kept: Item[]; unknown?: Item[]; bytesFreed: number };
  const confirmButton = h('button', {
    type: 'button',
    class: 'confirm-clean danger',
    disabled: report.removed.length === 0,
    onclick: async () => {
      confirmButton.disabled = true;
      try {
        const outcome = await post<CleanOutcome>('/api/clean/confirm', { previewId: preview.previewId });
        if (outcome.done) {
          const done = outcome.report as { removed: Item[]; kept: Item[]; bytesFreed: number };
          replace(result, h('p', { class: 'done' }, `Removed ${done.removed.length} (${formatBytes(done.bytesFreed)} freed).`), itemTable('Removed', done.removed, 'removed'));
        } else {
          showPreview(result, outcome.preview);
          result.prepend(h('p', { class: 'notice' }, 'The cache changed since the preview, so nothing was removed. Here is what would be removed now:'));
        }
      } catch (error) {
        result.append(h('p', { class: 'error' }, (error as Error).message));
        confirmButton.disabled = false;
      }
    },
  }, report.removed.length ? `Remove these ${report.removed.length} (${formatBytes(report.bytesFreed)})` : 'Nothing to remove');
  replace(
    result,
    h('p', { class: 'would-remove' }, `Would remove ${report.removed.length} (${formatBytes(report.bytesFreed)}):`),
    itemTable('Would remove', report.removed, 'would-remove'),
    h('p', {}, confirmButton),
    h('details', {}, h('summary', {}, `Kept: ${report.kept.length}`), itemTable('Kept', report.kept, 'kept')),
    report.unknown ? h('details', {}, h('summary', {}, `Classes not loaded (kept): ${report.unknown.length}`), itemTable('Unknown', report.unknown, 'unknown')) : '',
  );
}

function itemTable(title: string, items: Item[], list: string): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, 'none');
  return h(
    'table',
    { class: `clean-items ${list}`, 'data-list': list, 'aria-label': title },
    h('thead', {}, h('tr', {}, ...['Key', 'Class', 'State', 'Reason', 'Size'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...items.map((item) => h('tr', { 'data-key': item.key }, h('td', { class: 'hash' }, item.key), h('td', {}, item.className ?? '-'), h('td', {}, item.state ?? item.kind ?? ''), h('td', {}, item.reason), h('td', { class: 'number' }, formatBytes(item.bytes))))),
  );
}
