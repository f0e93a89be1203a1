import { FingerprintError } from '../errors.js';
import { type AstNode, parseFunctionSource } from './ast.js';
import { serialiseAst } from './ast-serialise.js';
import { sha256Hex } from './hash.js';
import { printAst } from './print.js';
import { type FreeNameResolver, renameBindings } from './scope.js';
import { removeToolchainArtefacts } from './toolchain-artefacts.js';
import { isLibraryCode } from './code-marks.js';

/** Bumped whenever canonicalisation changes, so old and new hashes never meet. */
// 2: control-flow bodies always blocks; bundler renames undone in the library's own code.
const CANONICAL_SOURCE_VERSION = 'geodata-source/2';

/** The canonical form of one class or function, computed once per object. */
export interface CanonicalSource {
  /** `native` for built-ins, whose text says nothing (`[native code]`); hashed by name. */
  readonly kind: 'class' | 'function' | 'native';
  /** 64-hex SHA-256 of the canonical AST. */
  readonly hash: string;
  /** Free names in the body, after toolchain and `uses` aliasing (or as the resolver spells them), sorted. */
  readonly free: readonly string[];
  /** The keys of `static uses = { … }` as written; `null` without one or when it is not a literal. */
  readonly usesKeys: readonly string[] | null;
  /** Instance fields with private names (`#factor`): state the fingerprint cannot see. */
  readonly privateFields: readonly string[];
  /** The canonical AST printed as JavaScript. */
  text(): string;
}

const memo = new WeakMap<Function, CanonicalSource>();

/**
 * The canonical source of a class or function, memoised per object for the life of the process
 * (the text of a function object never changes).
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
  return canonicaliseText(Function.prototype.toString.call(fn), fn.name, { libraryCode: isLibraryCode(fn) });
}

/**
 * The canonical form of a class or function given as text (what `toString()` returns) and its
 * runtime name. Not memoised; `canonicalSource` is the entry point for live objects.
 */
export function canonicaliseText(
  text: string,
  name: string,
  options: { libraryCode?: boolean; resolver?: FreeNameResolver } = {},
): CanonicalSource {
  const label = name ? `"${name}"` : 'an anonymous function';
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    if (name.startsWith('bound ')) {
      throw new FingerprintError(
        `Cannot fingerprint the bound function ${label}: binding hides its code. ` +
          'Declare the original function in `uses` and bind it where it is called.',
      );
    }
    const hash = sha256Hex(`${CANONICAL_SOURCE_VERSION}\nnative\n${name}`);
    return { kind: 'native', hash, free: [], usesKeys: null, privateFields: [], text: () => text };
  }

  let root = removeToolchainArtefacts(parseFunctionSource(text, label));
  const kind = root.type === 'ClassExpression' ? 'class' : 'function';
  const selfNames = new Set<string>();
  if (name) selfNames.add(name);
  if (root.id) selfNames.add(root.id.name as string);
  // Compilers differ on whether the class keeps its name in the text; the name is the registry
  // key anyway. The superclass expression differs too (`extends (_a = Data)`, `extends
  // _classSuper`): the base class is taken from the prototype chain instead.
  root.id = null;
  // Whether there is a superclass still counts (a derived class behaves differently).
  if (kind === 'class' && root.superClass) root.superClass = { type: 'Identifier', name: '$super', binding: 'super' };

  const uses = kind === 'class' ? canonicalUses(root) : { keys: null, aliases: new Map<string, string>() };
  const privateFields =
    kind === 'class'
      ? (root.body.body as AstNode[]).filter((m) => m.type === 'PropertyDefinition' && !m.static && m.key.type === 'PrivateIdentifier').map((m) => `#${m.key.name as string}`)
      : [];
  const renamed = renameBindings(root, {
    selfNames,
    aliases: uses.aliases,
    libraryCode: options.libraryCode === true,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
  root = renamed.root;
  const hash = sha256Hex(`${CANONICAL_SOURCE_VERSION}\n${kind}\n${serialiseAst(root)}`);
  let printed: string | undefined;
  return {
    kind,
    hash,
    free: [...renamed.free].sort(),
    usesKeys: uses.keys,
    privateFields,
    text: () => (printed ??= printAst(root)),
  };
}

/**
 * Replaces the value of `static uses = { … }` by its sorted keys: the values are hashed as
 * dependencies, by what they are rather than by how this file spells them. A bundler that
 * renamed `helper` to `helper2` writes `{ helper: helper2 }`; `helper2` in the body is then
 * read as `helper`.
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
  if (!literal) {
    member.value = { type: 'UsesKeys', keys: null };
    return { keys: null, aliases };
  }
  const keys: string[] = [];
  for (const property of value.properties as AstNode[]) {
    const key = keyName(property.key as AstNode) as string;
    keys.push(key);
    if (property.value.type === 'Identifier' && property.value.name !== key) aliases.set(property.value.name as string, key);
  }
  keys.sort();
  member.value = { type: 'UsesKeys', keys };
  return { keys, aliases };
}

function keyName(key: AstNode): string | undefined {
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal') return String(key.value);
  return undefined;
}
