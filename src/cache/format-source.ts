import { parseFunctionSource } from '../fingerprint/ast.js';
import { printAst } from '../fingerprint/print.js';

/** Lines longer than this mark a source as compacted by a toolchain. */
const LONG_LINE = 160;

/**
 * Lays out a stored class's compiled text one statement per line, so that code versions stored
 * without their source as written can be read and diffed line by line (toolchains such as tsx
 * hand `Class.toString()` a whole class on one line; a diff of two such versions would be one red
 * line and one green line). It is the fingerprints' own printer (`printAst`) over the parsed text:
 * one printer for code, with names kept as they are. Text that already has reasonable lines, or
 * that does not parse as a class or function, is returned as it is.
 * @example formatSource('class A{f(){return 1}}'.padEnd(200)) // 'class A {\n  f() {\n    return 1;\n  }\n}\n'
 */
export function formatSource(text: string): string {
  if (!text.split('\n').some((line) => line.length > LONG_LINE)) return text;
  try {
    return `${printAst(parseFunctionSource(text.trim(), 'stored code'))}\n`;
  } catch {
    return text;
  }
}
