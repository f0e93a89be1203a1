import { CrsError, FileError, GdalError, GeodataError } from '../errors.js';

/**
 * Runs an engine call about one input and puts `context` (which processor, which input) in front
 * of the message of a failure, keeping the error's class and details so callers can still branch
 * on it.
 * @example await withInputContext('Reprojector source data/dem.tif', () => engine.info(path));
 */
export async function withInputContext<T>(context: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw addContext(error, context);
  }
}

function addContext(error: unknown, context: string): unknown {
  if (!(error instanceof GeodataError) || error.message.startsWith(context)) return error;
  const message = `${context}: ${error.message}`;
  if (error instanceof FileError) return new FileError(message, error.path, { cause: error });
  if (error instanceof GdalError) return new GdalError(message, error.details, { cause: error });
  if (error instanceof CrsError) return new CrsError(message, { cause: error });
  const copy = new (error.constructor as new (message: string, options?: { cause?: unknown }) => GeodataError)(message, { cause: error });
  return copy;
}
