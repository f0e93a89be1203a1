// Human-readable formatting of hashes, sizes, ages and tables: the CLI and the browse page share it (no Node builtins).

/** A hash as printed: 12 characters unless the user asked for full hashes. */
export function shortHash(hash: string | null | undefined, full: boolean): string {
  if (!hash) return '-';
  return full ? hash : hash.slice(0, 12);
}

/** Bytes in the largest unit that keeps the number at least 1 (1000-based, as `ls -h --si`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** How long ago an ISO time was: `40s ago`, `5m ago`, `3h ago`, `12d ago`. */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** Rows under a header, columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `3 fresh, 1 stale` from counts, leaving out zeros (or `none`). */
export function countsLine(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${count} ${name.replace('-', ' ')}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** A parameters value on one line, shortened. */
export function oneLine(value: unknown, max = 60): string {
  const text = value === undefined || value === null ? '-' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
