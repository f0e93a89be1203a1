/**
 * A Figure's `_process` returning bytes of one image format into a file named for another: PNG
 * bytes (renderRaster) into a Figure declared `ext 'svg'`, or SVG text into a `.png`. The file
 * would be committed under the wrong media type, and pages and viewers would fail to show it.
 */
import { Figure } from '../data/figure.js';
import type { Tracked } from '../data/tracked.js';
import { PipelineError } from '../errors.js';
import { isSvgOutput } from '../data/svg-output.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Throws when a Figure's bytes are PNG or SVG and its output file is named for the other. */
export function checkFigureBytes(instance: Tracked, className: string, outputPath: string, bytes: Uint8Array): void {
  if (!(instance instanceof Figure)) return;
  const ext = outputPath.slice(outputPath.lastIndexOf('.') + 1).toLowerCase();
  if (ext !== 'png' && ext !== 'svg') return;
  const format = isPng(bytes) ? 'png' : isSvgText(bytes) ? 'svg' : undefined;
  // Other bytes are the class's business (a figure may be any file); only a swap of the two is caught.
  if (format === undefined || format === ext) return;
  const advice = format === 'png' ? "return SVG (renderSvg), or make ext 'png' (renderRaster gives PNG)" : "return the SVG as a string (it is then stored as .svg), or make ext 'svg'";
  throw new PipelineError(`${className}._process returned ${format.toUpperCase()} bytes but its ext is '${ext}': ${advice}`);
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

function isSvgText(bytes: Uint8Array): boolean {
  // The start is enough to recognise the root element (after an XML declaration and comments).
  const text = new TextDecoder().decode(bytes.subarray(0, 64 * 1024)).replace(/^\uFEFF/, '');
  return isSvgOutput(text);
}
