import { tokenizer, type Token } from 'acorn';

/**
 * Lays out compact source text one statement per line, so that stored code versions can be read
 * and diffed line by line. Toolchains such as tsx hand `Class.toString()` a whole class on one
 * line; a diff of two such versions would be one red line and one green line. The layout
 * works on acorn's tokens (strings, templates and regular expressions stay intact) and only
 * changes whitespace between tokens. Text that already has reasonable lines is left as it is.
 */

/** Lines longer than this mark a source as compacted by a toolchain. */
const LONG_LINE = 160;
const INDENT = '  ';
/** Tokens that stay on the line of the `}` before them. */
const AFTER_BRACE = new Set([')', ',', ';', '.', '?.', ']', 'else', 'catch', 'finally', 'while', '`']);

/**
 * The source laid out for reading; the original when it has no long lines or does not tokenize.
 * @example formatSource('class A{f(){return 1;}}'.padEnd(200)) // 'class A{\n  f(){\n    return 1;\n  }\n}'
 */
export function formatSource(text: string): string {
  if (!text.split('\n').some((line) => line.length > LONG_LINE)) return text;
  let tokens: Token[];
  try {
    tokens = [...tokenizer(text, { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true })];
  } catch {
    return text;
  }
  let out = '';
  let depth = 0;
  let parens = 0;
  const stack: Array<{ kind: 'block' | 'template'; parens: number }> = [];
  let breakBefore = false;
  let previous: Token | undefined;
  for (const [index, token] of tokens.entries()) {
    const label = token.type.label;
    const gap = text.slice(previous?.end ?? 0, token.start);
    const closing = label === '}' ? stack.pop() : undefined;
    if (closing) parens = closing.parens;
    const emptyBlock = closing?.kind === 'block' && previous?.type.label === '{';
    if (closing?.kind === 'block') {
      depth = Math.max(0, depth - 1);
      breakBefore = !emptyBlock;
    }
    if (breakBefore && previous) {
      const comment = gap.trim();
      out += `\n${INDENT.repeat(depth)}${comment ? `${comment}\n${INDENT.repeat(depth)}` : ''}`;
    } else if (emptyBlock) {
      out += gap.trim();
    } else {
      out += gap;
      // `return"x"` is valid and unreadable: a space after a keyword glued to its operand.
      if (gap === '' && previous?.type.keyword && /^[\w"'`$[{!]/.test(text[token.start] ?? '')) out += ' ';
    }
    out += text.slice(token.start, token.end);

    breakBefore = false;
    if (label === '{') {
      stack.push({ kind: 'block', parens });
      parens = 0;
      depth++;
      breakBefore = tokens[index + 1]?.type.label !== '}';
    } else if (label === '${') {
      stack.push({ kind: 'template', parens });
      parens = 0;
    } else if (label === '(') {
      parens++;
    } else if (label === ')') {
      parens = Math.max(0, parens - 1);
    } else if (label === ';') {
      breakBefore = parens === 0;
    } else if (closing?.kind === 'block') {
      const next = tokens[index + 1];
      breakBefore = next !== undefined && !AFTER_BRACE.has(next.type.label);
    }
    previous = token;
  }
  return `${out}${text.slice(previous?.end ?? 0).trimEnd()}\n`;
}
