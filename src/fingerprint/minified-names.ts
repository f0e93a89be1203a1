import { FingerprintError } from '../errors.js';
import { type AstNode, declaredNamesIn, isReferencePosition, walkTree } from './ast.js';
import { isGlobalName } from './globals.js';

/**
 * Refuses a class whose names an identifier minifier shortened (Vite's default build,
 * esbuild's `--minify` or `--minify-identifiers`). A minifier renames the class itself (so it
 * would be registered as `h`), the helpers and classes it refers to (so dependencies found by
 * name are lost) and its private names, differently on every build: nothing would hash as it does
 * in Node, silently. Whitespace and syntax minification are fine.
 *
 * The evidence, since no single name proves it: the class's own name has one or two characters,
 * and so does every name the code chose itself (parameters, locals, the names it refers to that
 * are not JavaScript or platform globals, its superclass), of which there is at least one, or its
 * text has no whitespace where a formatter puts some. Code with one longer name of its own is
 * never refused. A class whose name survived (`--keep-names`, TC39 decorators) hashes as far as
 * its names allow: locals, labels and private names are renamed anyway, helpers declared in
 * `uses` are found by their key, and anything else it names is reported as unhashed.
 *
 * @example
 * refuseMinifiedNames(parse('class{run(e,t){return n(e)+t}}'), 'h', '"h"'); // throws FingerprintError
 */
export function refuseMinifiedNames(root: AstNode, text: string, name: string, label: string): void {
  // A helper function is found by its `uses` key, not its name; its locals are renamed anyway.
  if (root.type !== 'ClassExpression' || name.length === 0 || name.length > 2) return;
  const names = chosenNames(root, name);
  if (names.longest > 2 || (names.all.size === 0 && !isWhitespaceMinified(text))) return;
  const shown = [...names.all].sort().slice(0, 6).join(', ');
  throw new FingerprintError(
    `Cannot fingerprint ${label}: its code looks minified: its name "${name}" and every name it uses` +
      `${shown ? ` (${shown})` : ''} has one or two letters. Identifier minification renames classes, the helpers and ` +
      'classes they refer to and private names differently on every build, so nothing would hash as it does in Node ' +
      'and dependencies found by name would be lost. Build without identifier minification: Vite `build: { minify: false }`, ' +
      'esbuild without `--minify` or `--minify-identifiers` (`--minify-whitespace` is fine; `--keep-names` is not enough).',
  );
}

interface ChosenNames {
  /** Every name the code chose (bindings, free non-global names, the superclass). */
  all: Set<string>;
  longest: number;
}

// Names compilers give their helpers (`__name`, `_classThis`) are the compiler's choice.
const COMPILER_NAME = /^_|^\$/;

function chosenNames(root: AstNode, name: string): ChosenNames {
  const declared = declaredNamesIn(root);
  // The class's own id and name (it may refer to itself) are judged by the caller.
  if (root.id) declared.delete(root.id.name as string);
  const all = new Set(declared);
  // Labels do not count: some minifiers keep them (Rolldown), others shorten them (esbuild).
  walkTree(root, (node, parent, key) => {
    if (node.type !== 'Identifier' || !isReferencePosition(parent, key) || node === root.id) return;
    const identifier = node.name as string;
    if (declared.has(identifier) || identifier === root.id?.name || identifier === name || identifier === 'arguments' || isGlobalName(identifier) || COMPILER_NAME.test(identifier)) return;
    all.add(identifier);
  });
  let longest = 0;
  for (const chosen of all) longest = Math.max(longest, chosen.length);
  return { all, longest };
}

/**
 * `class{…}` or `class h{…}` without indented lines: no formatter writes that (`class H {` has a
 * space). A line break alone proves nothing: a template literal may hold one.
 */
function isWhitespaceMinified(text: string): boolean {
  const open = text.indexOf('{');
  return open > 0 && !/\s/.test(text[open - 1]!) && !/\n[ \t]/.test(text);
}
