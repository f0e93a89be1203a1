import { getConfig } from '../config.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import { SpatialSpec } from '../spec/spatial-spec.js';

/** The spec to use: the argument, else the configured one, else a clear error. */
export function resolveSpec(spec: SpatialSpec | undefined, className: string): SpatialSpec {
  if (spec !== undefined && !(spec instanceof SpatialSpec)) {
    throw new InvalidInputError(`the spec given for ${className} must be a SpatialSpec, got ${typeof spec}`);
  }
  const resolved = spec ?? getConfig().spec;
  if (!resolved) {
    throw new ConfigError(
      `no spec for ${className}: pass one (load(instance, spec)) or set one with getConfig().update({ spec: new SpatialSpec({ crs, transform, shape }) })`,
    );
  }
  return resolved;
}
