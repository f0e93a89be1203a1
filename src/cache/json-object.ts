/**
 * The JSON object in some bytes (a meta.json, source.json, tree.json...), or undefined when there
 * are no bytes, they are not JSON, or the JSON is not an object: every reader of the cache treats
 * all three alike, as an unreadable file.
 * @example parseJsonObject(await store.get(key))?.class_name
 */
export function parseJsonObject(bytes: Uint8Array | undefined): Record<string, unknown> | undefined {
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
