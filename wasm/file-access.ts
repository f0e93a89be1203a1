/**
 * Which host files GDAL (or geodata's own readers) opened, and which they looked for and did not
 * find: the ground truth of what a computation read, observed where it happens rather than
 * guessed from file names. Reported synchronously, right after the call that read them, so a
 * listener can attribute them to the computation running in the caller's async context.
 */

/** Files one call read, as absolute host paths. */
export interface FileAccess {
  /** Files opened for reading. */
  read: readonly string[];
  /** Files looked for (stat or open) that did not exist. */
  absent: readonly string[];
}

const listeners = new Set<(access: FileAccess) => void>();

/**
 * Listens to file reads; returns a function that stops listening.
 * @example const stop = onFileAccess(({ read }) => console.log('GDAL read', read));
 */
export function onFileAccess(listener: (access: FileAccess) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener about a call's file reads; a throwing listener never breaks the call. */
export function reportFileAccess(access: FileAccess): void {
  if (access.read.length === 0 && access.absent.length === 0) return;
  for (const listener of listeners) {
    try {
      listener(access);
    } catch {
      // Recording what was read must never make the read itself fail.
    }
  }
}
