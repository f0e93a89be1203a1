import { FingerprintError } from '../errors.js';
import { isLibraryExport } from '../library-names.js';
import { type AstNode, forEachChild, parsedFromModule } from './ast.js';
import { canonicalJsonHash } from './canonical-json.js';
import { type CanonicalSource, canonicaliseText, canonicalSource } from './canonical-source.js';
import { type ClassLocation, locateClass } from './class-module.js';
import { isFrameworkBase, isLibraryClass, isLibraryCode } from './code-marks.js';
import { isGlobalName } from './globals.js';
import { sha256Hex } from '../sha256.js';
import { undoLibraryRename } from './known-names.js';
import { moduleLevelStatements } from './module-level-statements.js';
import { defaultModuleReader, type ModuleReader } from './module-reader.js';
import { type CodeTarget, NameResolver, type Target } from './name-resolution.js';
import type { DependencyKind, UnhashedReference, TreeRecord } from './record.js';
import { type ClassRegistry, defaultRegistry } from './registry.js';
import { type ParsedModule, patternNames } from './module-parse.js';
import type { FreeNameResolver, FreeSpelling } from './scope.js';
import type { Code } from './source-hash.js';
import { strippedText } from './strip-types.js';
import { type DependencyNode, materialiseTree, nodeHash, unresolvedBelow } from './tree-hash.js';
import { declaredClassName } from './class-name.js';

/** A class's dependency tree, its hash, and the free names nothing resolved. */
export interface ClassAnalysis {
  /** Built when first read: a chain of N classes has N trees of up to N nodes each. */
  readonly tree: TreeRecord;
  /** Merkle hash of the tree (see `tree-hash.ts`): the class's code and everything it depends on. */
  depTreeHash: string;
  /** The source hash of the class itself, its free names read as its module means them. */
  sourceHash: string;
  /** Free names nothing resolved, and private fields: code or state no hash covers. */
  unresolved: UnhashedReference[];
}

/**
 * The dependency tree of a class: the class, its registered (or at least non-library) base
 * classes up to a framework base, and what its free names mean where it was written.
 *
 * With the class's module (found from where it was registered and read through a
 * `ModuleReader`), each free name resolves to its declaration there: a function, class or
 * constant of the project (hashed by its canonical text, its own free names resolved the same
 * way, following imports into other modules), a registered class, a package (by name and
 * version), one of geodata's exports or a global (not hashed: they change with the library, the
 * host). Without the module (a class made by `eval`, a reader that cannot read it), names
 * resolve through `static uses`, the registry, and by spelling for globals and geodata's
 * exports; what none of these resolves is reported.
 *
 * Cycles (A names B, B names A) terminate, and the hash does not depend on the order of the walk.
 *
 * @example
 * dependencyTree(SlopeLoader);
 * // { format_version: 2, root: 'SlopeLoader',
 * //   nodes: { SlopeLoader: { kind: 'class', … }, ElevationLoader: { kind: 'class', … } },
 * //   edges: [{ from: 'SlopeLoader', to: 'ElevationLoader', kind: 'calls' }] }
 */
export function dependencyTree(cls: Code, registry: ClassRegistry = defaultRegistry, reader: ModuleReader | undefined = defaultModuleReader()): TreeRecord {
  return analyseClass(cls, registry, reader).tree;
}

// One analyser per registry, reader and their versions: dependency nodes are shared by every class
// analysed with them, so a class's dependencies are analysed once, however many classes name them.
const analysers = new WeakMap<ClassRegistry, WeakMap<object, Analyser>>();
const NO_READER = {};

/**
 * Analyses a class, memoised per class object, registry version and reader (the platform's
 * unless given). `uses` values are read on the first analysis after each registry change: treat
 * them as constants.
 */
export function analyseClass(cls: Code, registry: ClassRegistry = defaultRegistry, reader: ModuleReader | undefined = defaultModuleReader()): ClassAnalysis {
  return analyserFor(registry, reader).analyse(cls);
}

/** The analyser for `registry` and `reader` as they are now (a new one after any change to either). */
export function analyserFor(registry: ClassRegistry, reader: ModuleReader | undefined): Analyser {
  let byReader = analysers.get(registry);
  if (!byReader) analysers.set(registry, (byReader = new WeakMap()));
  const key = reader ?? NO_READER;
  let analyser = byReader.get(key);
  if (!analyser || !analyser.current()) byReader.set(key, (analyser = new Analyser(registry, reader)));
  return analyser;
}

/** Builds and memoises dependency nodes for one registry version and one reader version. */
export class Analyser {
  readonly resolver: NameResolver | undefined;
  private readonly version: number;
  private readonly readerVersion: number | undefined;
  private readonly nodes = new Map<unknown, DependencyNode>();
  private readonly analyses = new WeakMap<Code, ClassAnalysis>();
  private readonly locations = new WeakMap<Code, ClassLocation | null>();

  constructor(
    private readonly registry: ClassRegistry,
    private readonly reader: ModuleReader | undefined,
  ) {
    this.resolver = reader ? new NameResolver(reader) : undefined;
    this.version = registry.version;
    this.readerVersion = reader?.generation;
  }

  /** Whether nothing changed since this analyser was made. */
  current(): boolean {
    return this.registry.version === this.version && this.reader?.generation === this.readerVersion;
  }

  analyse(cls: Code): ClassAnalysis {
    let analysis = this.analyses.get(cls);
    if (!analysis) {
      let root: DependencyNode;
      try {
        root = this.liveCode(cls, this.registry.nameOf(cls) ?? declaredClassName(cls), 'class');
      } catch (error) {
        // A node is memoised before its code is read (for cycles): those this attempt left
        // half-built would be taken as done by the next analysis, and a class that cannot be
        // fingerprinted (a static Map, minified names) would hash as empty code instead of
        // failing again.
        this.nodes.clear();
        throw error;
      }
      const depTreeHash = nodeHash(root);
      let tree: TreeRecord | undefined;
      analysis = {
        get tree() {
          return (tree ??= materialiseTree(root));
        },
        depTreeHash,
        sourceHash: root.sourceHash,
        unresolved: unresolvedBelow(root),
      };
      this.analyses.set(cls, analysis);
    }
    return analysis;
  }

  /** The user class registered under `name`, if any (library classes register only once used: not them). */
  private readonly registeredClass = (name: string): Code | undefined => {
    const cls = this.registry.get(name);
    return cls && !isLibraryClass(cls) ? cls : undefined;
  };

  /** Where `cls` was written, when its registration site leads to its module. */
  locate(cls: Code): ClassLocation | undefined {
    if (!this.resolver) return undefined;
    let location = this.locations.get(cls);
    if (location === undefined) {
      location = locateClass(cls, this.registry.registrationSiteOf(cls), this.resolver) ?? null;
      this.locations.set(cls, location);
    }
    return location ?? undefined;
  }

  /** A class or function object: its text (`toString()`), read in its module when it has one. */
  private liveCode(code: Code, label: string, kind: 'class' | 'helper', hint?: ClassLocation): DependencyNode {
    const known = this.nodes.get(code);
    if (known) return known;
    // A class is known by its name (registered, or a library class looked up by name).
    const node = newNode(kind, label, kind === 'class' ? label : undefined);
    this.nodes.set(code, node);
    const location = isLibraryCode(code) ? undefined : kind === 'class' ? (this.locate(code) ?? hint) : hint;
    if (location && this.resolver) {
      const names = new NameSpeller(this.resolver, location, this.registeredClass);
      const text = Function.prototype.toString.call(code);
      const parsed = location.module.typescript ? undefined : parsedFromModule(location.module.text, location.node, text);
      const source = canonicaliseText(text, code.name, { resolver: names, owner: code, ...(parsed ? { parsed } : {}) });
      this.fill(node, source, names);
      if (kind === 'class') this.addParent(code, node, location);
      this.addUses(code, node, names);
      this.dropExternal(code, node);
    } else {
      const source = canonicalSource(code);
      node.sourceHash = source.hash;
      node.unresolved.push(...source.privateFields.map((field) => ({ identifier: field })));
      const reason = 'is a module the code loads with import(), which is not hashed without the code\'s own module to find it from';
      node.unresolved.push(...source.dynamicImports.map((identifier) => ({ identifier, reason })));
      if (kind === 'class') this.addParent(code, node, undefined);
      this.addUses(code, node, undefined);
      this.resolveByName(code, node, source);
    }
    return node;
  }

  private fill(node: DependencyNode, source: CanonicalSource, names: NameSpeller): void {
    node.sourceHash = source.hash;
    node.unresolved.push(...source.privateFields.map((field) => ({ identifier: field })));
    node.refs = names.targets.map((target) => (target.kind === 'registered' ? this.liveCode(target.cls, target.name, 'class') : this.targetNode(target)));
    for (const [identifier, reason] of names.unresolved) node.unresolved.push({ identifier, reason });
  }

  private addParent(cls: Code, node: DependencyNode, location: ClassLocation | undefined): void {
    const parent: unknown = Object.getPrototypeOf(cls);
    if (!isUserClass(parent)) return;
    // The base class is where the child's `extends` says, in the child's module.
    let hint: ClassLocation | undefined;
    const superClass = location?.node.superClass as AstNode | undefined;
    if (location && this.resolver && superClass?.type === 'Identifier') {
      const target = this.resolver.resolve(location.module, location.scope, superClass.name as string);
      if (target.kind === 'code' && /^Class/.test(target.node.type)) hint = { module: target.module, node: target.node, scope: target.scope };
    }
    // An unregistered base class below the framework base is still user code: hash it too.
    const name = this.registry.nameOf(parent) ?? (declaredClassName(parent) || `${node.label}.base`);
    node.parent = this.liveCode(parent, name, 'class', hint);
  }

  /**
   * `static uses` entries: a helper by its code and its own uses, a constant by its canonical
   * JSON. In a class read in its module, an entry whose key the module resolves is left out: the
   * body means the module's declaration, whatever `uses` says.
   */
  private addUses(code: Code, node: DependencyNode, names: NameSpeller | undefined): void {
    const uses = ownUses(code, node.label);
    if (!uses) return;
    for (const key of Object.keys(uses).sort()) {
      if (names?.resolved.has(key)) continue;
      node.uses.push([key, this.useNode(node.label, key, uses[key])]);
      node.unresolved = node.unresolved.filter((ref) => ref.identifier !== key);
    }
  }

  private useNode(owner: string, key: string, value: unknown): DependencyNode {
    const label = `${owner}.uses.${key}`;
    if (typeof value === 'function') {
      const registered = this.registry.nameOf(value);
      return registered !== undefined ? this.liveCode(value, registered, 'class') : this.liveCode(value, label, 'helper');
    }
    const node = newNode('value', label, undefined);
    node.sourceHash = canonicalJsonHash(value, label, { owner });
    return node;
  }

  /** Names in the class's `static external` (or an ancestor's) are left out on purpose. */
  private dropExternal(code: Code, node: DependencyNode): void {
    node.unresolved = node.unresolved.filter((ref) => !declaredExternal(code, ref.identifier));
  }

  /** Without a module: `uses`, then the registry, then globals and geodata's exports by spelling. */
  private resolveByName(code: Code, node: DependencyNode, source: CanonicalSource): void {
    for (const identifier of source.free) {
      if (declaredInOwnUses(code, identifier) || declaredExternal(code, identifier)) continue;
      const cls = this.registry.get(identifier);
      // Library classes (Slope...) register themselves when first used: resolving them only
      // then would change a user's tree in the middle of a run. They are library names instead.
      if (cls && !isLibraryClass(cls)) node.refs.push(this.liveCode(cls, identifier, 'class'));
      else if (!cls && !isGlobalName(identifier) && !isLibraryExport(identifier)) {
        node.unresolved.push({ identifier });
      }
    }
  }

  private targetNode(target: Target): DependencyNode {
    if (target.kind === 'module') return this.moduleNode(target.module);
    if (target.kind === 'package') {
      const key = `package\u0000${target.id.name}\u0000${target.id.version ?? ''}\u0000${target.member}`;
      let node = this.nodes.get(key);
      if (!node) {
        const version = target.id.version === undefined ? '' : `@${target.id.version}`;
        node = newNode('value', `${target.id.name}${version}:${target.member}`, undefined);
        node.sourceHash = sha256Hex(`geodata-package/1\n${target.id.name}\n${target.id.version ?? ''}\n${target.member}`);
        this.nodes.set(key, node);
      }
      return node;
    }
    return this.declarationNode(target as CodeTarget);
  }

  /**
   * A module of the project as a whole (a namespace used as a value, a dynamic import): the names
   * it exports, each with what it means, so editing any exported function changes it, and editing
   * what no export reaches does not.
   */
  private moduleNode(module: ParsedModule): DependencyNode {
    const known = this.nodes.get(module);
    if (known) return known;
    const label = module.url.replace(/[?#].*$/, '').replace(/^.*\//, '');
    const node = newNode('value', label, undefined);
    this.nodes.set(module, node);
    const lines: string[] = [];
    for (const [name, target] of this.resolver!.exportsOf(module)) {
      if (target.kind === 'code' || target.kind === 'package' || target.kind === 'module') {
        lines.push(`${name}=$dep${node.refs.length}`);
        node.refs.push(this.targetNode(target));
      } else if (target.kind === 'unresolved') {
        lines.push(`${name}?`);
        node.unresolved.push({ identifier: `${label}.${name}`, reason: target.reason });
      } else lines.push(`${name}=${target.kind}:${target.name}`);
    }
    node.sourceHash = sha256Hex(`geodata-module/1\n${lines.join('\n')}`);
    return node;
  }

  /** A declaration of the project found in a module: hashed by its text, read in its module. */
  private declarationNode(target: CodeTarget): DependencyNode {
    const known = this.nodes.get(target.declaration);
    if (known) return known;
    const registered = this.registeredClassAt(target);
    if (registered) {
      const node = this.liveCode(registered.cls, registered.name, 'class', registered.location);
      this.nodes.set(target.declaration, node);
      return node;
    }
    const isCode = isCodeValue(target.node);
    const node = newNode(isCode ? 'helper' : 'value', target.name, undefined);
    this.nodes.set(target.declaration, node);
    const text = strippedText(target.module.text, target.node, target.module.typescript);
    if (target.node.type === 'TSEnumDeclaration') {
      // An enum compiles to code of its own; its TypeScript text stands for it.
      node.sourceHash = sha256Hex(`geodata-enum/1\n${text.replace(/\s+/g, ' ')}`);
      return node;
    }
    const names = new NameSpeller(this.resolver!, { module: target.module, node: target.node, scope: target.scope }, this.registeredClass);
    try {
      const parsed = target.module.typescript ? undefined : parsedFromModule(target.module.text, target.node, text);
      const source = canonicaliseText(text, target.name, { resolver: names, ...(parsed ? { parsed } : {}) });
      this.fill(node, withModuleStatements(source, target, names), names);
    } catch (error) {
      if (!(error instanceof FingerprintError)) throw error;
      node.sourceHash = sha256Hex(`geodata-unparsed/1\n${text}`);
      node.unresolved.push({ identifier: target.name, reason: `is declared in ${target.module.url} in a form that could not be read as JavaScript` });
    }
    if (/^Class/.test(target.node.type) && target.node.superClass) this.addDeclaredParent(target, node);
    return node;
  }

  /** A class declaration's base class, from its `extends`: the canonical text has only `$super`. */
  private addDeclaredParent(target: CodeTarget, node: DependencyNode): void {
    const superClass = target.node.superClass as AstNode;
    let parent: Target;
    if (superClass.type === 'Identifier') parent = this.resolver!.resolve(target.module, target.scope, superClass.name as string);
    else if (superClass.type === 'MemberExpression' && superClass.object.type === 'Identifier' && !superClass.computed) {
      parent = this.resolver!.resolveMember(target.module, target.scope, superClass.object.name as string, superClass.property.name as string);
    } else parent = { kind: 'unresolved', reason: 'is an expression, not a class name' };
    if (parent.kind === 'code' || parent.kind === 'package') node.parent = this.targetNode(parent);
    else if (parent.kind === 'unresolved') node.unresolved.push({ identifier: '$super', reason: parent.reason });
  }

  /** The registered class declared at `target`, if any: one node per class, however it is reached. */
  private registeredClassAt(target: CodeTarget): { cls: Code; name: string; location: ClassLocation } | undefined {
    if (!/^Class/.test(target.node.type)) return undefined;
    for (const name of new Set([target.name, undoLibraryRename(target.name)])) {
      const cls = this.registry.get(name);
      if (!cls) continue;
      const location = this.locate(cls);
      if (location?.node === target.node) return { cls, name, location };
      // A TypeScript declaration reached through an import is the registered class when the
      // class was registered from another module under the same name.
      if (!location && target.module.typescript) return { cls, name, location: { module: target.module, node: target.node, scope: target.scope } };
    }
    return undefined;
  }
}

/**
 * A top-level declaration with the module's top-level statements that name it: `CFG.k = 5` after
 * `const CFG = { k: 2 }`, `helper.factor = 2` after `function helper`, and the static fields tsc
 * below ES2022 or esbuild's lowering write after a class (`Units.FACTOR = 10`,
 * `__publicField(Units, "FACTOR", 10)`) change what the declaration is when the code runs. Each
 * statement is read as the body of a function in the module's scope, its free names resolved
 * there like the declaration's own.
 */
function withModuleStatements(source: CanonicalSource, target: CodeTarget, names: NameSpeller): CanonicalSource {
  if (target.scope !== target.module.scope) return source;
  const hashes: string[] = [];
  const { text: moduleText } = target.module;
  // Only statements whose text names it are walked: a bundle has thousands of top-level statements.
  const statements = moduleLevelStatements(target.module.program);
  const textOf = (statement: AstNode) => moduleText.slice(statement.start as number, statement.end as number);
  const mayChange = (callee: string) => ['code', 'package'].includes(names.kindOf(callee));
  const changed = [target.name, ...moduleLevelAliases(statements, target.name, textOf)];
  for (const statement of statements) {
    const text = textOf(statement);
    if (!changed.some((name) => text.includes(name) && changesBinding(statement, name, mayChange))) continue;
    const code = strippedText(target.module.text, statement, target.module.typescript);
    // A top-level `await` parses only in an async function.
    const wrapper = /\bawait\b/.test(code) ? 'async function' : 'function';
    hashes.push(canonicaliseText(`${wrapper} () {\n${code}\n}`, target.name, { resolver: names }).hash);
  }
  if (hashes.length === 0) return source;
  return { ...source, hash: sha256Hex(`geodata-module-statements/1\n${source.hash}\n${hashes.join('\n')}`) };
}

/**
 * The module-level names that hold `name`'s value or a part of it (`const s = SETTINGS`,
 * `const { terrain } = SETTINGS`, `var t = s.terrain`, and aliases of those): a statement that
 * changes one of them (`s.z = 2`) changes what `name` holds.
 */
function moduleLevelAliases(statements: AstNode[], name: string, textOf: (statement: AstNode) => string): string[] {
  const aliases = new Set<string>();
  const holds = (value: AstNode | null | undefined) => {
    const root = value ? rootName(value) : undefined;
    return root !== undefined && (root === name || aliases.has(root));
  };
  // Aliases of aliases: until a pass finds no new one (a chain is short; the passes are few).
  for (let grown = true; grown; ) {
    grown = false;
    for (const statement of statements) {
      const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as AstNode | null) : statement;
      if (declaration?.type !== 'VariableDeclaration') continue;
      const text = textOf(statement);
      if (!text.includes(name) && ![...aliases].some((alias) => text.includes(alias))) continue;
      for (const declarator of declaration.declarations as AstNode[]) {
        if (!holds(declarator.init as AstNode | null)) continue;
        for (const bound of patternNames(declarator.id as AstNode)) {
          if (bound === name || aliases.has(bound)) continue;
          aliases.add(bound);
          grown = true;
        }
      }
    }
  }
  return [...aliases];
}

const TYPE_WRAPPERS = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion']);

/** Helpers bundlers and tsc write around a module's declarations, which only name or export them. */
const TOOLCHAIN_HELPER = /^__(name|export|reExport|exportStar|toESM|toCommonJS|copyProps|decorate\w*|esDecorate|runInitializers|setFunctionName|importDefault|importStar|createBinding|setModuleDefault)\d*$/;

/**
 * Whether `statement` changes what `name` holds: anywhere in it (an `if`, a loop, a `try`, a
 * callback, an immediately called function, the value of another declaration), it assigns to one
 * of its properties (`name.k = 5`, `[name.k] = [5]`, `name.list[0] = 1`, `name.count++`), calls
 * one of its methods (`name.push(4)`, `name.set(…)`), deletes one (`delete name.k`), hands it to
 * `Object.defineProperty`, `Object.assign`, `Reflect.set` or a compiler's `__publicField` as the
 * object to change, or hands it (or a part of it) to a function of the project or a package,
 * which may change it (`configure(SETTINGS)`, `merge(SETTINGS.terrain, overrides)`; `mayChange`
 * says which callees those are). What merely reads it (`exports.kernel = kernel`, esbuild's
 * `__name(kernel, "kernel")`, geodata's `register(Step)`, `console.log(SETTINGS)`) is not part of
 * it, and neither are the bodies of the module's functions and classes' methods, which change it
 * only when called (a class's static blocks and static fields count).
 */
function changesBinding(statement: AstNode, name: string, mayChange: (callee: string) => boolean): boolean {
  const declaration = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? (statement.declaration as AstNode | null) : statement;
  if (!declaration || FUNCTION.test(declaration.type)) return false;
  // A declaration's own functions run when called; a statement's run where they are written
  // (`[2].forEach((v) => LEVELS.push(v))`, tsc's static blocks as `(() => { … })()`).
  const enterFunctions = declaration.type !== 'VariableDeclaration';
  const visit = (node: AstNode): boolean => {
    if (FUNCTION.test(node.type) && !enterFunctions) return false;
    // A class runs its static blocks and static field values where it is declared (tsc below
    // ES2022 moves them after it, as statements); its methods and instance fields run later.
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      const runNow = (node.body.body as AstNode[]).filter((member) => member.type === 'StaticBlock' || (member.type === 'PropertyDefinition' && member.static));
      return [node.superClass as AstNode | null, ...runNow].some((part) => part !== null && visit(part));
    }
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.id.name === name) return false;
    if (writesTo(node, name, mayChange)) return true;
    let found = false;
    forEachChild(node, (child) => {
      found ||= visit(child);
    });
    return found;
  };
  return visit(declaration);
}

/** The globals' functions that change the object they are handed first (`Reflect.set(SETTINGS, 'z', 2)`). */
const CHANGERS: Record<string, readonly string[] | undefined> = {
  Object: ['defineProperty', 'defineProperties', 'assign', 'setPrototypeOf'],
  Reflect: ['set', 'defineProperty', 'deleteProperty', 'setPrototypeOf'],
};

const FUNCTION = /^(?:Function|ArrowFunction)(?:Declaration|Expression)$/;

/** Whether the expression `node` itself changes what `name` holds (see `changesBinding`). */
function writesTo(node: AstNode, name: string, mayChange: (callee: string) => boolean): boolean {
  if (node.type === 'AssignmentExpression') return writesMemberOf(node.left as AstNode, name);
  if (node.type === 'UpdateExpression' || (node.type === 'UnaryExpression' && node.operator === 'delete')) {
    return rootName(node.argument as AstNode) === name && node.argument.type === 'MemberExpression';
  }
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  if (callee.type === 'MemberExpression' && rootName(callee) === name) return true;
  const args = node.arguments as AstNode[];
  const first = args[0];
  if (first?.type === 'Identifier' && first.name === name && callee.type === 'Identifier' && /^__(publicField|defNormalProp|defProp)$/.test(callee.name as string)) return true;
  if (first && rootName(first) === name && callee.type === 'MemberExpression' && !callee.computed) {
    const changer = CHANGERS[rootName(callee) ?? ''];
    if (changer?.includes(callee.property.name as string)) return true;
  }
  if (!args.some((arg) => rootName(arg) === name)) return false;
  const calleeRoot = rootName(callee);
  return calleeRoot !== undefined && !TOOLCHAIN_HELPER.test(calleeRoot) && mayChange(calleeRoot);
}

/** Whether the assignment target `target` (a member, or a destructuring pattern) writes a property of `name`. */
function writesMemberOf(target: AstNode | null, name: string): boolean {
  if (!target) return false;
  switch (target.type) {
    case 'MemberExpression':
      return rootName(target) === name;
    case 'ArrayPattern':
      return (target.elements as Array<AstNode | null>).some((element) => writesMemberOf(element, name));
    case 'ObjectPattern':
      return (target.properties as AstNode[]).some((property) => writesMemberOf((property.type === 'RestElement' ? property.argument : property.value) as AstNode, name));
    case 'AssignmentPattern':
      return writesMemberOf(target.left as AstNode, name);
    case 'RestElement':
      return writesMemberOf(target.argument as AstNode, name);
    default:
      return TYPE_WRAPPERS.has(target.type) && writesMemberOf(target.expression as AstNode, name);
  }
}

/** The identifier a member chain starts from (`a` of `a.b[c].d`, `(a as Settings).b`, `a!.b`). */
function rootName(node: AstNode): string | undefined {
  while (node.type === 'MemberExpression' || TYPE_WRAPPERS.has(node.type)) node = (node.type === 'MemberExpression' ? node.object : node.expression) as AstNode;
  return node.type === 'Identifier' ? (node.name as string) : undefined;
}

/**
 * Spells the free names of one piece of code as its module means them (see `FreeNameResolver`),
 * and remembers what they resolved to: the project's dependencies in the order the code first
 * names them, and the names nothing resolved.
 */
class NameSpeller implements FreeNameResolver {
  readonly targets: Array<Target | RegisteredTarget> = [];
  /** Free names (as written) that resolved to something: `uses` entries of the same keys are not needed. */
  readonly resolved = new Set<string>();
  readonly unresolved = new Map<string, string>();
  private readonly keys = new Map<unknown, number>();

  constructor(
    private readonly resolver: NameResolver,
    private readonly where: ClassLocation,
    private readonly registered: (name: string) => Code | undefined,
  ) {}

  name(written: string): FreeSpelling {
    return this.spell(written, this.resolver.resolve(this.where.module, this.where.scope, written));
  }

  /** What `written` names where this code is (a global, geodata's export, code, ...), without recording it as used. */
  kindOf(written: string): Target['kind'] {
    return this.resolver.resolve(this.where.module, this.where.scope, written).kind;
  }

  isNamespace(object: string): boolean {
    return this.resolver.isNamespace(this.where.module, this.where.scope, object);
  }

  member(object: string, property: string): FreeSpelling {
    return this.spell(`${object}.${property}`, this.resolver.resolveMember(this.where.module, this.where.scope, object, property));
  }

  dynamicImport(specifier: string | null, written: string): FreeSpelling {
    const target: Target =
      specifier === null
        ? { kind: 'unresolved', reason: 'loads a module the code does not name (a computed specifier, or a module a bundle holds inline), which is not hashed; import it statically' }
        : this.resolver.resolveModule(this.where.module, specifier);
    return this.spell(written, target);
  }

  private spell(written: string, target: Target): FreeSpelling {
    switch (target.kind) {
      case 'global':
      case 'library':
        this.resolved.add(written);
        return { name: target.name };
      case 'unresolved': {
        // A name the module cannot pin down may still be a registered class: tsc's legacy
        // decorators write `let X = class X {…}; X = __decorate([register], X)`, a reassigned
        // `let`, where the TypeScript source has `class X`. Spelt as a dependency as there.
        const cls = written.includes('.') ? undefined : this.registered(written);
        if (!cls) {
          this.unresolved.set(written, target.reason);
          return { name: written };
        }
        this.resolved.add(written);
        return { name: this.dependency(cls, { kind: 'registered', name: written, cls }), dependency: true };
      }
      default: {
        this.resolved.add(written);
        const value = target.kind === 'code' ? constantLiteral(target) : undefined;
        if (value) return { name: written, value };
        const key = target.kind === 'code' ? target.declaration : target.kind === 'module' ? target.module : `${target.id.name}\u0000${target.id.version ?? ''}\u0000${target.member}`;
        return { name: this.dependency(key, target), dependency: true };
      }
    }
  }

  /** `$depN`: the place of a dependency in the code, numbered in the order the code first names it. */
  private dependency(key: unknown, target: Target | RegisteredTarget): string {
    let index = this.keys.get(key);
    if (index === undefined) {
      index = this.targets.length;
      this.keys.set(key, index);
      this.targets.push(target);
    }
    return `$dep${index}`;
  }
}

/** A free name the module could not pin down that names a registered class. */
interface RegisteredTarget {
  kind: 'registered';
  name: string;
  cls: Code;
}

/**
 * The literal a `const` holds (`3`, `'EPSG:4326'`, `-1`, `true`), without positions: read as
 * its value wherever it is named, as bundlers inline it.
 */
function constantLiteral(target: CodeTarget): AstNode | undefined {
  if (target.declaration.type !== 'VariableDeclarator' || target.declaration.id.type !== 'Identifier') return undefined;
  let node = target.node;
  while (/^TS(?:As|Satisfies|NonNull)Expression$|^ParenthesizedExpression$/.test(node.type)) node = node.expression as AstNode;
  const literal = (n: AstNode) => n.type === 'Literal' && !n.regex && n.bigint === undefined;
  if (literal(node)) return { type: 'Literal', value: node.value };
  if (node.type === 'UnaryExpression' && node.operator === '-' && literal(node.argument as AstNode) && typeof node.argument.value === 'number') {
    return { type: 'UnaryExpression', operator: '-', prefix: true, argument: { type: 'Literal', value: node.argument.value } };
  }
  return undefined;
}

/**
 * Whether a declaration's value is code (a function or class), also where esbuild's `--keep-names`
 * wraps it (`var json = __name((value) => …, "json")`): a helper there as in the module it came from.
 */
function isCodeValue(node: AstNode): boolean {
  let value = node;
  while (value.type === 'CallExpression' && value.callee.type === 'Identifier' && /^__name\d*$/.test(value.callee.name as string) && value.arguments.length > 0) {
    value = value.arguments[0] as AstNode;
  }
  return /Function|Class/.test(value.type);
}

function newNode(kind: DependencyKind, label: string, className: string | undefined): DependencyNode {
  return { kind, label, className, sourceHash: '', uses: [], refs: [], unresolved: [] };
}

function isUserClass(value: unknown): value is Code {
  return typeof value === 'function' && value !== Function.prototype && !isFrameworkBase(value) && canonicalSource(value).kind !== 'native';
}

function ownUses(code: Code, name: string): Record<string, unknown> | undefined {
  if (!Object.prototype.hasOwnProperty.call(code, 'uses')) return undefined;
  const uses: unknown = (code as { uses?: unknown }).uses;
  if (uses === undefined || uses === null) return undefined;
  if (typeof uses !== 'object' || Array.isArray(uses)) {
    throw new FingerprintError(`${name}.uses must be an object naming helpers and constants ({ helper, THRESHOLD }), got ${typeof uses}.`);
  }
  return uses as Record<string, unknown>;
}

/**
 * Declared in the code's own `uses`. Not an ancestor's: a parent's `uses` says what the parent's
 * names mean, and the subclass's same name may mean something else where the subclass was written.
 */
function declaredInOwnUses(code: Code, identifier: string): boolean {
  const uses = ownUses(code, code.name);
  return uses !== undefined && Object.prototype.hasOwnProperty.call(uses, identifier);
}

/**
 * Named in the class's `static external = ['writeFile', ...]` (or an ancestor's): functions from
 * outside the project (Node builtins, packages) the user deliberately leaves out of the
 * fingerprint. Listed names count in the source hash, since the list is part of the class text.
 */
function declaredExternal(code: Code, identifier: string): boolean {
  for (let current: unknown = code; isUserClass(current); current = Object.getPrototypeOf(current)) {
    const external = Object.prototype.hasOwnProperty.call(current, 'external') ? (current as { external?: unknown }).external : undefined;
    if (Array.isArray(external) && external.includes(identifier)) return true;
    if (canonicalSource(current).kind !== 'class') break;
  }
  return false;
}
