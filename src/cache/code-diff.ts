import { createTwoFilesPatch, structuredPatch } from 'diff';

/** One line of a diff, for colouring. */
export interface DiffLine {
  kind: 'hunk' | 'add' | 'remove' | 'context';
  text: string;
}

/** A unified diff between two sources, as text and as lines. */
export interface CodeDiff {
  from: string;
  to: string;
  patch: string;
  lines: DiffLine[];
  /** Whether the two sources are the same text. */
  same: boolean;
}

/** One side of a diff: its label (`Constant@1a2b3c`), its text and, optionally, a header such as a date. */
export interface DiffSide {
  label: string;
  text: string;
  header?: string;
}

/**
 * A unified diff from one source to another (3 lines of context): `geodata code --diff` prints
 * its patch, the registry browser colours its lines.
 * @example diffSources({ label: 'Constant@1a2b', text: a }, { label: 'Constant@live', text: b }).lines
 */
export function diffSources(from: DiffSide, to: DiffSide): CodeDiff {
  const before = withNewline(from.text);
  const after = withNewline(to.text);
  const patch = createTwoFilesPatch(from.label, to.label, before, after, from.header, to.header, { context: 3 });
  const structured = structuredPatch(from.label, to.label, before, after, from.header, to.header, { context: 3 });
  const lines: DiffLine[] = [];
  for (const hunk of structured.hunks) {
    lines.push({ kind: 'hunk', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      lines.push({ kind: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'remove' : 'context', text: line.slice(1) });
    }
  }
  return { from: from.label, to: to.label, patch, lines, same: before === after };
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
