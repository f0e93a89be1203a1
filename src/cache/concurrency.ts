/**
 * `items.map(fn)` with at most `limit` calls running at once; the results keep the items' order.
 * Reading a cache is mostly waiting on small files: many at once keep the disk (or IndexedDB)
 * busy, and a limit keeps a large cache from opening thousands of files together.
 * @example const metas = await mapConcurrently(keys, 32, (key) => store.get(key));
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** How many small files the cache functions read at once. */
export const READ_CONCURRENCY = 32;
