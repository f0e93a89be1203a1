import { type AstNode, isNode } from './ast.js';
import { undoLibraryRename } from './known-names.js';
import { writtenImportSpecifier } from './toolchain-artefacts.js';

/** How an identifier in a canonical AST is bound. */
export type Binding = 'local' | 'self' | 'free' | 'super';

/**
 * What a free name means where the code was written (its module), as `renameBindings` needs it:
 * how to spell it in the canonical form. See `name-resolution.ts`.
 */
export interface FreeNameResolver {
  /**
   * How to write the free name `name` in the canonical form: a global or a library export by its
   * own name; a dependency of the project by its place among the code's dependencies (`$dep0`,
   * marked as such, so no name the code writes can hash alike).
   */
  name(name: string): FreeSpelling;
  /**
   * Whether the free name `object` is a module namespace (`import * as ns`, tsc's `helpers_1 =
   * require(…)`, esbuild's `import_helpers`): `object.property` then reads as one name.
   */
  isNamespace(object: string): boolean;
  /** How to write `object.property` for a namespace `object`. */
  member(object: string, property: string): FreeSpelling;
  /**
   * How to write the module a dynamic import loads (`import('./helpers.js')`): a dependency
   * (the module as a whole) when it can be found; otherwise the import stays as it is, reported.
   * `specifier` is `null` when the code does not say which module (`import(name)`, a module a
   * bundle holds inline); `written` is how to name the import in a report.
   */
  dynamicImport(specifier: string | null, written: string): FreeSpelling;
}

/** A free name as the canonical form writes it. */
export interface FreeSpelling {
  name: string;
  dependency?: boolean;
  /**
   * The value in its place: a constant's literal (`const LIMIT = 3`), which bundlers inline
   * (Rolldown writes `3` where the source says `LIMIT`).
   */
  value?: AstNode;
}

/** What the renaming needs to know about the code around the AST. */
export interface RenameOptions {
  /** Names that mean the class or function itself (its id, its runtime name). */
  selfNames: ReadonlySet<string>;
  /**
   * Free names to spell differently: a bundler's `helper2` becomes its `uses` key `helper`. An
   * alias is dropped when the code also names its key itself (`uses = { helper: other }` with
   * both `helper()` and `other()` in the body): the two are different things.
   */
  aliases: ReadonlyMap<string, string>;
  /** The library's own code: every free name loses a bundler's suffix (see `undoLibraryRename`). */
  libraryCode?: boolean;
  /** Resolves free names in the code's module; `aliases` are not used then. */
  resolver?: FreeNameResolver;
}

/**
 * Renames every locally bound name to `$0`, `$1`, … in binding order, names meaning the code
 * itself to `$self`, and spells free names as the resolver says (else as written, after
 * `aliases`). Marks each identifier's `binding`, so `$0` written by the user and a renamed local
 * never hash alike. Returns the free names, as spelled in the result, and as written.
 *
 * Scope-aware: `var` and function declarations hoist to their function, `let`/`const`/`class` stay
 * in their block, parameters, catch parameters and destructuring bind, a named function or class
 * expression binds its own name inside itself. Property names, labels and `this` are not bindings.
 *
 * Compilers' import styles (`(0, helpers_1.scale)(…)`, `import_helpers.LIMIT`) read as the
 * imported name only where the resolver knows the object is a module namespace: a user's own
 * object `layer_1` is never taken for one.
 */
export function renameBindings(root: AstNode, options: RenameOptions): { root: AstNode; free: Set<string>; localNames: boolean; dynamicImports: string[] } {
  const renamer = new Renamer(options);
  const renamed = renamer.visit(root, new Scope(undefined));
  return { root: renamed, ...renamer.spellFreeNames(), localNames: renamer.localNames, dynamicImports: renamer.dynamicImports };
}

class Scope {
  /** Made on the first name declared: most blocks declare none. */
  private names: Map<string, string> | undefined;
  constructor(readonly parent: Scope | undefined) {}

  lookup(name: string): string | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const found = scope.names?.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Whether `name` is bound in this scope itself. */
  has(name: string): boolean {
    return this.names?.has(name) === true;
  }

  set(name: string, renamed: string): void {
    (this.names ??= new Map()).set(name, renamed);
  }
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const CLASSES = new Set(['ClassDeclaration', 'ClassExpression']);

/** A free identifier of the result, spelled once all of them are known (see `spellFreeNames`). */
interface FreeUse {
  node: AstNode;
  written: string;
  /** Set when the node stands for `written.property` of a module namespace. */
  property?: string;
  /**
   * Set when the node is the source of a dynamic import: the specifier that locates the module
   * (`null` when nothing does). `node` is then its literal, which stays unless it becomes a dependency.
   */
  imported?: string | null;
}

class Renamer {
  private readonly uses: FreeUse[] = [];
  private counter = 0;
  /**
   * Whether the code has a label or a private name (what `renameLocalNames` renames): set where
   * the walk meets one, also where it does not descend (property names, member names, labels),
   * so that a code without any can skip that pass, which walks the whole tree again.
   */
  localNames = false;
  /** Without a resolver: the dynamic imports met, as `import("./helpers")`, for the caller to report. */
  readonly dynamicImports: string[] = [];

  constructor(private readonly options: RenameOptions) {}

  /**
   * Spells every free identifier, in the order of the code: the resolver numbers the project's
   * own dependencies in that order. Without a resolver, aliases apply unless the code also
   * writes the alias's key itself.
   */
  spellFreeNames(): { free: Set<string> } {
    const { resolver, aliases, libraryCode } = this.options;
    // A written name that is itself an alias (a bundle's `{ scaleBy: scale, scale: scale2 }`)
    // stands for another key, so it does not make its own spelling conflict.
    const conflicting = new Set(
      [...aliases.values()].filter((key) => !aliases.has(key) && this.uses.some((use) => use.written === key && use.property === undefined)),
    );
    const free = new Set<string>();
    for (const use of this.uses) {
      let name: string;
      if (resolver && use.imported !== undefined) {
        const spelling = resolver.dynamicImport(use.imported, use.written);
        if (!spelling.dependency) continue;
        for (const key of Object.keys(use.node)) delete use.node[key];
        Object.assign(use.node, { type: 'Identifier', name: spelling.name, binding: 'dependency' });
        free.add(spelling.name);
        continue;
      }
      if (resolver) {
        const spelling = use.property === undefined ? resolver.name(use.written) : resolver.member(use.written, use.property);
        if (spelling.value) {
          for (const key of Object.keys(use.node)) delete use.node[key];
          Object.assign(use.node, structuredClone(spelling.value));
          continue;
        }
        name = spelling.name;
        if (spelling.dependency) use.node.binding = 'dependency';
      } else if (libraryCode) name = undoLibraryRename(use.written);
      else {
        const alias = aliases.get(use.written);
        name = alias !== undefined && !conflicting.has(alias) ? alias : use.written;
      }
      use.node.name = name;
      free.add(name);
    }
    return { free };
  }

  visit(node: AstNode, scope: Scope): AstNode {
    switch (node.type) {
      case 'Identifier':
        return node.binding === 'super' ? node : this.resolve(node, scope);
      case 'FunctionDeclaration':
        if (node.id) node.id = this.resolve(node.id as AstNode, scope);
        this.visitFunction(node, scope);
        return node;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        // A named function expression binds its own name, inside itself only.
        const inner = node.id ? this.scopeBinding(node.id.name as string, scope) : scope;
        if (node.id) node.id = this.resolve(node.id as AstNode, inner);
        this.visitFunction(node, inner);
        return node;
      }
      case 'ClassDeclaration':
      case 'ClassExpression':
        return this.visitClass(node, scope);
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.key.type === 'PrivateIdentifier') this.localNames = true;
        if (node.computed) node.key = this.visit(node.key as AstNode, scope);
        if (node.value) node.value = this.visit(node.value as AstNode, scope);
        return node;
      case 'Property':
        if (node.computed) node.key = this.visit(node.key as AstNode, scope);
        node.value = this.visit(node.value as AstNode, scope);
        return node;
      case 'StaticBlock':
        return this.visitBody(node, 'body', new Scope(scope), true);
      case 'BlockStatement':
        return this.visitBody(node, 'body', new Scope(scope), false);
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = new Scope(scope);
        const head = node.type === 'ForStatement' ? node.init : node.left;
        if (head?.type === 'VariableDeclaration' && head.kind !== 'var') this.hoistLexical([head], inner);
        return this.visitChildren(node, inner);
      }
      case 'CatchClause': {
        const inner = new Scope(scope);
        if (node.param) this.declarePattern(node.param as AstNode, inner);
        return this.visitChildren(node, inner);
      }
      case 'SwitchStatement': {
        node.discriminant = this.visit(node.discriminant as AstNode, scope);
        const inner = new Scope(scope);
        this.hoistLexical(node.cases.flatMap((c: AstNode) => c.consequent as AstNode[]), inner);
        node.cases = node.cases.map((c: AstNode) => this.visit(c, inner));
        return node;
      }
      case 'MemberExpression':
        return this.visitMember(node, scope);
      case 'CallExpression':
        this.visitChildren(node, scope);
        node.callee = unwrapIndirectCall(node.callee as AstNode);
        return node;
      case 'LabeledStatement':
        this.localNames = true;
        node.body = this.visit(node.body as AstNode, scope);
        return node;
      case 'BreakStatement':
      case 'ContinueStatement':
        if (node.label) this.localNames = true;
        return node;
      case 'PrivateIdentifier':
        this.localNames = true;
        return node;
      case 'MetaProperty':
        return node;
      case 'ImportExpression':
        this.visitChildren(node, scope);
        this.useImport(node);
        return node;
      default:
        return this.visitChildren(node, scope);
    }
  }

  /**
   * Records a dynamic import's module as a use, in the code's order among its free names: the
   * module it loads is part of what the code does, like a helper it names.
   */
  private useImport(node: AstNode): void {
    const source = node.source as AstNode;
    const literal = source.type === 'Literal' && typeof source.value === 'string' ? (source.value as string) : undefined;
    const written = writtenImportSpecifier(node);
    const specifier = written === undefined ? (literal ?? null) : written;
    // Named as the canonical form writes it (`import("./helpers")`), alike under every toolchain.
    const label = `import(${literal === undefined ? '…' : JSON.stringify(literal)})`;
    if (!this.options.resolver) {
      if (!this.options.libraryCode && !this.dynamicImports.includes(label)) this.dynamicImports.push(label);
      return;
    }
    // A computed specifier keeps its expression (its own free names are uses already); the use
    // only reports that no module is known.
    this.uses.push({ node: literal === undefined ? { type: 'Literal', value: null } : source, written: label, imported: specifier });
  }

  private resolve(node: AstNode, scope: Scope): AstNode {
    const local = scope.lookup(node.name);
    if (local !== undefined) return { type: 'Identifier', name: local, binding: 'local' };
    if (this.options.selfNames.has(node.name)) return { type: 'Identifier', name: '$self', binding: 'self' };
    const free: AstNode = { type: 'Identifier', name: node.name, binding: 'free' };
    this.uses.push({ node: free, written: node.name as string });
    return free;
  }

  private visitMember(node: AstNode, scope: Scope): AstNode {
    const object = node.object as AstNode;
    const resolver = this.options.resolver;
    if (
      resolver &&
      object.type === 'Identifier' &&
      !node.computed &&
      node.property.type === 'Identifier' &&
      scope.lookup(object.name) === undefined &&
      !this.options.selfNames.has(object.name) &&
      resolver.isNamespace(object.name)
    ) {
      const free: AstNode = { type: 'Identifier', name: node.property.name, binding: 'free' };
      this.uses.push({ node: free, written: object.name as string, property: node.property.name as string });
      return free;
    }
    node.object = this.visit(object, scope);
    if (node.computed) node.property = this.visit(node.property as AstNode, scope);
    else if (node.property.type === 'PrivateIdentifier') this.localNames = true;
    return node;
  }

  private visitFunction(node: AstNode, outer: Scope): void {
    const scope = new Scope(outer);
    for (const param of node.params as AstNode[]) this.declarePattern(param, scope);
    node.params = node.params.map((param: AstNode) => this.visit(param, scope));
    if (node.body.type === 'BlockStatement') this.visitBody(node.body as AstNode, 'body', scope, true);
    else node.body = this.visit(node.body as AstNode, scope);
  }

  private visitClass(node: AstNode, scope: Scope): AstNode {
    let inner = scope;
    if (node.id) {
      if (node.type === 'ClassDeclaration') {
        // The name inside the class is the same binding as outside it.
        const written = node.id.name as string;
        node.id = this.resolve(node.id as AstNode, scope);
        inner = new Scope(scope);
        inner.set(written, node.id.name as string);
      } else {
        inner = this.scopeBinding(node.id.name, scope);
        node.id = this.resolve(node.id as AstNode, inner);
      }
    }
    if (node.superClass) node.superClass = this.visit(node.superClass as AstNode, scope);
    node.body.body = node.body.body.map((member: AstNode) => this.visit(member, inner));
    return node;
  }

  /** Visits a statement list in `scope`, hoisting its declarations first. */
  private visitBody(node: AstNode, key: string, scope: Scope, isFunctionScope: boolean): AstNode {
    const statements = node[key] as AstNode[];
    if (isFunctionScope) for (const statement of statements) this.hoistVar(statement, scope);
    this.hoistLexical(statements, scope);
    node[key] = statements.map((statement) => this.visit(statement, scope));
    return node;
  }

  private visitChildren(node: AstNode, scope: Scope): AstNode {
    // `for…in` rather than `Object.keys`: no array per node (nodes are plain objects, see `forEachChild`).
    for (const key in node) {
      const value = node[key];
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) node[key] = value.map((item) => (isNode(item) ? this.visit(item, scope) : item));
      else if (isNode(value)) node[key] = this.visit(value, scope);
    }
    return node;
  }

  private scopeBinding(name: string, outer: Scope): Scope {
    const scope = new Scope(outer);
    this.declare(name, scope);
    return scope;
  }

  private declare(name: string, scope: Scope): void {
    if (!scope.has(name)) scope.set(name, `$${this.counter++}`);
  }

  private declarePattern(pattern: AstNode, scope: Scope): void {
    switch (pattern.type) {
      case 'Identifier':
        this.declare(pattern.name as string, scope);
        break;
      case 'ObjectPattern':
        for (const property of pattern.properties as AstNode[]) {
          this.declarePattern(property.type === 'RestElement' ? property : (property.value as AstNode), scope);
        }
        break;
      case 'ArrayPattern':
        for (const element of pattern.elements as (AstNode | null)[]) if (element) this.declarePattern(element, scope);
        break;
      case 'AssignmentPattern':
        this.declarePattern(pattern.left as AstNode, scope);
        break;
      case 'RestElement':
        this.declarePattern(pattern.argument as AstNode, scope);
        break;
    }
  }

  /**
   * Declares the `var`s below `node`, in source order, not looking into nested functions or
   * classes. Nor into expressions and the statements that hold only expressions: a declaration
   * is a statement, and an expression holds a statement only inside a function or class.
   */
  private hoistVar(node: AstNode, scope: Scope): void {
    const type = node.type;
    if (FUNCTIONS.has(type) || CLASSES.has(type) || type === 'StaticBlock' || holdsNoStatement(type)) return;
    if (type === 'VariableDeclaration') {
      // Its declarators hold patterns and expressions only.
      if (node.kind === 'var') for (const declarator of node.declarations as AstNode[]) this.declarePattern(declarator.id as AstNode, scope);
      return;
    }
    for (const key in node) {
      const value = node[key];
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.hoistVar(item, scope);
      } else if (typeof value.type === 'string') {
        this.hoistVar(value as AstNode, scope);
      }
    }
  }

  /** Declares what a statement list declares at its own level: `let`, `const`, classes, functions. */
  private hoistLexical(statements: AstNode[], scope: Scope): void {
    for (const statement of statements) {
      if (statement.type === 'VariableDeclaration' && statement.kind !== 'var') {
        for (const declarator of statement.declarations as AstNode[]) this.declarePattern(declarator.id as AstNode, scope);
      } else if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
        this.declare(statement.id.name as string, scope);
      }
    }
  }
}

const EXPRESSION_STATEMENTS = new Set(['ExpressionStatement', 'ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement', 'EmptyStatement', 'DebuggerStatement']);

/** Node types that hold no statement but inside a function or class: expressions, identifiers, literals, statements of expressions. */
function holdsNoStatement(type: string): boolean {
  return type.endsWith('Expression') || type === 'Identifier' || type === 'Literal' || type === 'TemplateLiteral' || EXPRESSION_STATEMENTS.has(type);
}

function unwrapIndirectCall(callee: AstNode): AstNode {
  if (
    callee.type === 'SequenceExpression' &&
    callee.expressions.length === 2 &&
    callee.expressions[0].type === 'Literal' &&
    callee.expressions[0].value === 0 &&
    callee.expressions[1].type === 'Identifier' &&
    callee.expressions[1].binding === 'free'
  ) {
    return callee.expressions[1] as AstNode;
  }
  return callee;
}
