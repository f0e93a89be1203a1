import { getConfig } from '../config.js';
import { Figure } from '../data/figure.js';
import { isNonSvgElement, isSvgOutput, svgBytes } from '../data/svg-output.js';
import type { HasProcess, Tracked } from '../data/tracked.js';
import { PipelineError, describeValue } from '../errors.js';
import { Raster } from '../raster/raster.js';
import { getPlatform } from '../platform.js';
import type { InputRef } from '../processors/processor.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { ActiveOutput } from './active.js';
import { emit } from './events.js';
import { checkFigureBytes } from './figure-bytes-check.js';
import { identify } from './identity.js';
import { materializeInput } from './inputs.js';

/**
 * Runs what produces an output: the class's processor, or its `_process` (plain, returning bytes,
 * or an async generator yielding co-outputs). Returns the spec to record and the co-outputs.
 */
export async function runProducer(main: ActiveOutput): Promise<{ completedSpec: SpatialSpec; coOutputs: string[] }> {
  const { instance, identity } = main;
  const processor = instance.processor;
  const engine = getConfig().engine;
  const onProgress = (fraction: number, message?: string) =>
    emit({ type: 'progress', className: identity.className, stateHash: identity.stateHash, fraction, ...(message ? { message } : {}) });

  if (processor) {
    let spec = main.spec;
    // Inputs know what they are read for, so a warp of a remote file can read just a window.
    const resolveInput = (ref: InputRef) => materializeInput(ref, { processor, spec, digests: identity.record.inputs });
    if (!spec.isFullyDefined) {
      if (!processor.completeSpec) {
        throw new PipelineError(`${identity.className}'s processor cannot complete the partial spec ${spec}; give a full spec (crs, transform, shape)`);
      }
      spec = await processor.completeSpec(spec, { engine, resolveInput, onProgress });
    }
    const warn = (message: string) => {
      emit({ type: 'warning', className: identity.className, stateHash: identity.stateHash, message });
      console.warn(`geodata: warning: ${identity.className} ${identity.stateHash.slice(0, 8)}: ${message}`);
    };
    await processor.run({ spec, outputPath: main.outputPath, engine, resolveInput, onProgress, warn });
    return { completedSpec: spec, coOutputs: [] };
  }

  const producer = instance as Tracked & Partial<HasProcess>;
  if (typeof producer._process !== 'function') {
    throw new PipelineError(`${identity.className} has neither a processor (get processor()) nor a _process(spec) method: give it one of them`);
  }
  const result = producer._process(main.spec);
  const coOutputs: string[] = [];
  if (isAsyncGenerator(result)) {
    for await (const sibling of result) {
      const hash = siblingHash(sibling, main);
      // pygeodata's idiom yields the instance itself among its siblings: it is the main output.
      if (hash !== main.identity.stateHash && !coOutputs.includes(hash)) coOutputs.push(hash);
    }
  } else {
    const value = await result;
    if (value instanceof Uint8Array) {
      checkFigureBytes(instance, identity.className, main.outputPath, value);
      await getPlatform().workspace().writeFile(main.outputPath, value);
    } else if (isSvgOutput(value)) {
      main.outputPath = svgOutputPath(main);
      await getPlatform().workspace().writeFile(main.outputPath, svgBytes(value));
    } else if (isNonSvgElement(value)) {
      throw new PipelineError(
        `${identity.className}._process returned a <${value.tagName.toLowerCase()}> element, not SVG; return an <svg> element (Observable Plot returns a <figure> when given a title, subtitle, caption or legend: draw those in the chart, or return figure.querySelector('svg'))`,
      );
    } else if (value !== undefined) {
      throw new PipelineError(
        `${identity.className}._process returned ${returnedValue(value)}; return nothing (write to this.ensureProcessedPath(spec)), the output's bytes (a Uint8Array) or, for a Figure, SVG (a string or an <svg> element)`,
      );
    }
  }
  return { completedSpec: main.spec, coOutputs };
}

function siblingHash(sibling: unknown, main: ActiveOutput): string {
  if (!sibling || typeof sibling !== 'object' || typeof (sibling as Tracked).ensureProcessedPath !== 'function') {
    throw new PipelineError(`${main.identity.className}._process yielded ${typeof sibling}; yield the Data instances whose outputs it wrote (co-outputs)`);
  }
  return identify(sibling as Tracked, main.spec).stateHash;
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<Tracked, void, unknown> {
  return !!value && typeof value === 'object' && typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function' && typeof (value as AsyncGenerator).next === 'function';
}

/**
 * Where SVG returned by `_process` goes: a Figure with the default extension stores it as `.svg`
 * (the extension follows what was drawn); a class that declared another extension is told so.
 */
function svgOutputPath(main: ActiveOutput): string {
  const { instance, identity, outputPath } = main;
  if (/\.svg$/i.test(outputPath)) return outputPath;
  if (instance instanceof Figure && !declaresExt(instance)) return outputPath.replace(/\.[^./]*$/, '.svg');
  throw new PipelineError(`${identity.className}._process returned SVG but its ext is ${JSON.stringify(instance.ext)}: return ${instance.ext} bytes, or make ext 'svg'`);
}

/** Whether the class (or a base below Figure) defines its own `ext`, or has a processor or driver giving one. */
function declaresExt(instance: Tracked): boolean {
  if (instance.processor?.ext ?? instance.driver?.ext) return true;
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Figure.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'ext')) return true;
  }
  return false;
}

/** What `_process` returned, for the message: a Raster gets its own advice, being the usual mix-up. */
function returnedValue(value: unknown): string {
  if (value instanceof Raster) return 'a Raster (write it with `await write(this, raster)`, or for a Figure return renderRaster(raster.band(0)))';
  if (typeof value === 'string') return 'a string that is not SVG';
  return typeof value === 'object' && value !== null ? describeValue(value) : typeof value;
}
