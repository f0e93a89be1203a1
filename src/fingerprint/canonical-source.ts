import { canonicalText } from './canonical-text.js';
import { FingerprintError } from '../errors.js';
import { type AstNode, parseFunctionSource } from './ast.js';
import { serialiseAst } from './ast-serialise.js';
import { undoClassLowering } from './class-lowering.js';
import { isLibraryCode } from './code-marks.js';
import { renameLocalNames } from './local-names.js';
import { usesSubstitution } from './constant-folding.js';
import { sha256Hex } from '../sha256.js';
import { refuseMinifiedNames } from './minified-names.js';
import { printAst } from './print.js';
import { type FreeNameResolver, renameBindings } from './scope.js';
import { staticValues } from './static-values.js';
import { normaliseSyntax } from './syntax-normalisation.js';
import { removeToolchainArtefacts } from './toolchain-artefacts.js';

/** Bumped whenever canonicalisation changes, so old and new hashes never meet. */
// 2: control-flow bodies always blocks; bundler renames undone in the library's own code.
// 3: one form across toolchains: folded constants (`undefined` is `void 0`), class lowering undone,
//    static values read from the live class, instance fields as constructor statements.
const CANONICAL_SOURCE_VERSION = 'geodata-source/3';

/** The canonical form of one class or function, computed once per object. */
export interface CanonicalSource {
  /** `native` for built-ins, whose text says nothing (`[native code]`); hashed by name. */
  readonly kind: 'class' | 'function' | 'native';
  /** 64-hex SHA-256 of the canonical AST (and, for a class, of its own static values). */
  readonly hash: string;
  /** Free names in the body, after toolchain and `uses` aliasing (or as the resolver spells them), sorted. */
  readonly free: readonly string[];
  /** The keys of `static uses = { … }`; `null` without one or when it is not a literal. */
  readonly usesKeys: readonly string[] | null;
  /** Private fields (`#factor`): state the fingerprint cannot see. */
  readonly privateFields: readonly string[];
  /**
   * The dynamic imports (`import("./helpers.js")`) of code canonicalised without a resolver: with
   * no module to find them from, the modules they load are not hashed.
   */
  readonly dynamicImports: readonly string[];
  /** The canonical AST printed as JavaScript. */
  text(): string;
}

const memo = new WeakMap<Function, CanonicalSource>();

/**
 * The canonical source of a class or function, memoised per object for the life of the process
 * (the text of a function object never changes; its static values are read once).
 *
 * @example
 * canonicalSource(MyClass).hash; // '3f…' (64 hex digits)
 */
export function canonicalSource(fn: Function): CanonicalSource {
  let found = memo.get(fn);
  if (!found) {
    found = compute(fn);
    memo.set(fn, found);
  }
  return found;
}

function compute(fn: Function): CanonicalSource {
  return canonicaliseText(Function.prototype.toString.call(fn), fn.name, { libraryCode: isLibraryCode(fn), owner: fn });
}

const classTextMemo = new WeakMap<Function, CanonicalSource>();

/**
 * The canonical source of code held in a static value. A class counts by its own text only, not
 * its static values: those may lead back to the class holding it (`A.partner = B; B.partner =
 * A`), and a hash must not depend on which of the two was fingerprinted first.
 */
function summariseStatic(code: Function): CanonicalSource {
  const text = Function.prototype.toString.call(code);
  if (!/^class\b/.test(text)) return canonicalSource(code);
  let found = classTextMemo.get(code);
  if (!found) classTextMemo.set(code, (found = canonicaliseText(text, code.name, { libraryCode: isLibraryCode(code) })));
  return found;
}

/** Options of `canonicaliseText`. */
export interface CanonicaliseOptions {
  /** The library's own code: every bundler rename of a free name is undone. */
  libraryCode?: boolean;
  /** The live class or function the text is of: a class's static values are read from it. */
  owner?: Function;
  /** Resolves free names in the code's module (see `FreeNameResolver`); `uses` aliases are not used then. */
  resolver?: FreeNameResolver;
  /** The tree `parseFunctionSource(text)` would give, when it is at hand (see `parsedFromModule`): not parsed again. */
  parsed?: AstNode;
}

/**
 * The canonical form of a class or function given as text (what `toString()` returns) and its
 * runtime name. Not memoised; `canonicalSource` is the entry point for live objects. Without an
 * `owner`, a class's static values are not known: only the keys of `static uses` count.
 */
export function canonicaliseText(text: string, name: string, options: CanonicaliseOptions = {}): CanonicalSource {
  const label = name ? `"${name}"` : 'an anonymous function';
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    if (name.startsWith('bound ')) {
      throw new FingerprintError(
        `Cannot fingerprint the bound function ${label}: binding hides its code. ` +
          'Declare the original function in `uses` and bind it where it is called.',
      );
    }
    const hash = sha256Hex(`${CANONICAL_SOURCE_VERSION}\nnative\n${name}`);
    return { kind: 'native', hash, free: [], usesKeys: null, privateFields: [], dynamicImports: [], text: () => text };
  }

  let root = removeToolchainArtefacts(options.parsed ?? parseFunctionSource(text, label));
  const kind = root.type === 'ClassExpression' ? 'class' : 'function';
  const selfNames = new Set<string>();
  if (name) selfNames.add(name);
  if (root.id) selfNames.add(root.id.name as string);
  refuseMinifiedNames(root, text, name, label);
  // Compilers differ on whether the class keeps its name in the text; the name is the registry
  // key anyway. The superclass expression differs too (`extends (_a = Data)`, `extends
  // _classSuper`): the base class is taken from the prototype chain instead.
  root.id = null;
  // Whether there is a superclass still counts (a derived class behaves differently).
  if (kind === 'class' && root.superClass) root.superClass = { type: 'Identifier', name: '$super', binding: 'super' };

  const uses: Uses = kind === 'class' ? usesOf(root, options.owner) : { keys: null, aliases: new Map<string, string>() };
  // A class declaration read in its module (a helper class reached by name, not registered):
  // there is no live class to read static values from, so `Util.K` in a pipeline depends on
  // `static K = 2` as written.
  const keepStatics = kind === 'class' && !options.owner && options.resolver !== undefined;
  const lowered = undoClassLowering(root, { selfNames, label, keepStatics });
  const declared = lowered.declared;
  root = normaliseSyntax(lowered.root, { declared, substitute: usesSubstitution(uses, declared) });
  const renamed = renameBindings(root, {
    selfNames,
    aliases: uses.aliases,
    libraryCode: options.libraryCode === true,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
  // Labels and private names: only when there are any (a walk of the whole tree otherwise for nothing).
  root = renamed.localNames ? renameLocalNames(renamed.root) : renamed.root;
  const statics =
    kind !== 'class'
      ? undefined
      : options.owner
        ? staticValues(options.owner, name || 'the class', summariseStatic)
        : { values: uses.keys ? { uses: { $uses: uses.keys } } : {}, free: [], lines: () => (uses.keys ? [`static uses = { ${uses.keys.join(', ')} };`] : []) };
  const free = new Set(renamed.free);
  for (const freeName of statics?.free ?? []) if (!selfNames.has(freeName)) free.add(freeName);
  const staticsText = statics ? `\n${canonicalText(statics.values) as string}` : '';
  const hash = sha256Hex(`${CANONICAL_SOURCE_VERSION}\n${kind}\n${serialiseAst(root)}${staticsText}`);
  let printed: string | undefined;
  return {
    kind,
    hash,
    free: [...free].sort(),
    usesKeys: uses.keys,
    privateFields: lowered.privateState,
    dynamicImports: renamed.dynamicImports,
    text: () => (printed ??= withStatics(printAst(root), statics?.lines() ?? [])),
  };
}

/** The printed class with its static values as `static key = value;` lines first in its body. */
function withStatics(printed: string, lines: string[]): string {
  if (lines.length === 0) return printed;
  const statics = lines.map((line) => `  ${line}`).join('\n');
  if (printed.endsWith(' {}')) return `${printed.slice(0, -1)}\n${statics}\n}`;
  const open = printed.indexOf('{\n') + 2;
  return `${printed.slice(0, open)}${statics}\n${printed.slice(open)}`;
}

/**
 * The keys of `static uses` (from the live class when there is one: a compiler may move the
 * initialiser out of the class text) and the names the body spells them with: a bundler that
 * renamed `helper` to `helper2` writes `{ helper: helper2 }`, or leaves a function named
 * `helper2` under the key `helper`.
 */
function usesOf(root: AstNode, owner: Function | undefined): Uses {
  const written = canonicalUses(root);
  const live = owner && Object.prototype.hasOwnProperty.call(owner, 'uses') ? (owner as { uses?: unknown }).uses : undefined;
  if (typeof live !== 'object' || live === null || Array.isArray(live)) return written;
  const values = live as Record<string, unknown>;
  const keys = Object.keys(values).sort();
  const aliases = new Map(written.aliases);
  // A function keeps the name of its declaration, which a bundler renamed: the body calls it by
  // that name. Unless another key is that name and holds a function of that name itself.
  const nameOf = (key: string) => (typeof values[key] === 'function' ? (values[key] as Function).name : undefined);
  for (const key of keys) {
    const spelt = nameOf(key);
    if (!spelt || spelt === key || aliases.has(spelt)) continue;
    if (keys.includes(spelt) && nameOf(spelt) === spelt) continue;
    aliases.set(spelt, key);
  }
  return { keys, aliases, values };
}

interface Uses {
  keys: string[] | null;
  aliases: Map<string, string>;
  /** The live `uses` object, when there is a live class. */
  values?: Readonly<Record<string, unknown>>;
}

/**
 * The sorted keys of `static uses = { … }` as written in the class text, and the aliases a
 * bundler wrote (`{ helper: helper2 }`: `helper2` in the body is read as `helper`). The values are
 * hashed as dependencies, by what they are rather than by how this file spells them.
 */
function canonicalUses(root: AstNode): { keys: string[] | null; aliases: Map<string, string> } {
  const aliases = new Map<string, string>();
  const member = (root.body.body as AstNode[]).find(
    (m) => m.type === 'PropertyDefinition' && m.static && !m.computed && keyName(m.key as AstNode) === 'uses',
  );
  if (!member?.value) return { keys: null, aliases };
  const value = member.value as AstNode;
  const literal =
    value.type === 'ObjectExpression' &&
    (value.properties as AstNode[]).every((p) => p.type === 'Property' && !p.computed && p.kind === 'init' && !p.method);
  if (!literal) return { keys: null, aliases };
  const keys: string[] = [];
  for (const property of value.properties as AstNode[]) {
    const key = keyName(property.key as AstNode) as string;
    keys.push(key);
    if (property.value.type === 'Identifier' && property.value.name !== key) aliases.set(property.value.name as string, key);
  }
  keys.sort();
  return { keys, aliases };
}

function keyName(key: AstNode): string | undefined {
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal') return String(key.value);
  return undefined;
}

export { declaredClassName } from './class-name.js';
