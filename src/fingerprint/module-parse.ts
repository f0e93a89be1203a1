import { Parser, tokTypes, type Options } from 'acorn';
import { tsPlugin } from '@sveltejs/acorn-typescript';
import { type AstNode, isNode } from './ast.js';
import type { ModuleText } from './module-reader.js';
import { yieldToEventLoop } from '../yield-to-event-loop.js';

/** How a name is bound where it is declared. */
export type BindingKind =
  | 'function'
  | 'class'
  | 'variable'
  | 'enum'
  | 'parameter'
  /** `import { a as b }`, `import b from`: `imported` from `specifier`. */
  | 'import'
  /** `import * as ns`, tsc's `const helpers_1 = require(…)`, esbuild's `var import_x = require(…)`. */
  | 'namespace';

/** A name declared in a module: where, how, and (for an import) from where. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The declaring node: a function or class declaration, a variable declarator, an import specifier... */
  node: AstNode;
  /** The scope the declaration is in: where its own free names resolve. */
  scope: Scope;
  /** For an import or namespace: the module specifier. */
  specifier?: string;
  /** For an import: the imported name (`default` for a default import). */
  imported?: string;
  /** For a variable: `const`, `let` or `var`. */
  declarationKind?: string;
}

/** A block of the module where names are declared: the module itself, a function, a block. */
export interface Scope {
  start: number;
  end: number;
  parent: Scope | undefined;
  children: Scope[];
  /** Shared and empty until the scope declares something (most blocks declare nothing): read only. */
  bindings: ReadonlyMap<string, Binding>;
}

const NO_BINDINGS: ReadonlyMap<string, Binding> = new Map();

/** What a module exports under one name. */
export type ExportEntry = { local: string } | { node: AstNode } | { specifier: string; imported: string };

/** A parsed module: its scopes, exports and class nodes, and (for a bundle) where each source file's code is. */
export interface ParsedModule {
  url: string;
  text: string;
  typescript: boolean;
  program: AstNode;
  scope: Scope;
  exports: Map<string, ExportEntry>;
  /** `export * from` specifiers, in order. */
  starExports: string[];
  /** Every class declaration and expression, in source order. */
  classes: AstNode[];
  /** A bundle's source files, from the comments esbuild (`// src/a.ts`) and Rolldown (`//#region src/a.ts`) write. */
  regions: Array<{ start: number; end: number; path: string }>;
  /** Offset of the first character of each line. */
  lineStarts: number[];
}

const TypeScriptParser = Parser.extend(tsPlugin() as never);
const parsed = new WeakMap<ModuleText, ParsedModule | null>();

/**
 * Parses a module once per text version: JavaScript with acorn, TypeScript with the
 * acorn-typescript plugin. Undefined when the text does not parse.
 *
 * @example
 * parseModule(reader.read(url)!)?.scope.bindings.get('slopeKernel')?.kind; // 'function'
 */
export function parseModule(source: ModuleText): ParsedModule | undefined {
  let found = parsed.get(source);
  if (found === undefined) {
    found = parse(source) ?? null;
    parsed.set(source, found);
  }
  return found ?? undefined;
}

/**
 * Characters of a plain JavaScript module parsed between two pauses of `parseModuleInSlices`
 * (whole top-level statements): a few ms of acorn's work.
 */
export const PARSE_SLICE_CHARS = 65_536;

/**
 * `parseModule`, with `pause` between slices of the module's top-level statements (for plain
 * JavaScript: a page's bundle is megabytes, seconds of acorn's work in one piece on a loaded
 * machine), into parseModule's cache: the same ParsedModule, an AST identical to one parse. A
 * single statement is not cut (a bundled library wrapped in one function is parsed whole);
 * TypeScript modules are parsed in one piece.
 * @example await parseModuleInSlices(reader.read(url)!); parseModule(reader.read(url)!); // from the cache
 */
export async function parseModuleInSlices(source: ModuleText, pause: () => Promise<void> = yieldToEventLoop): Promise<ParsedModule | undefined> {
  if (parsed.has(source) || isTypeScript(source)) return parseModule(source);
  const comments: Array<{ start: number; end: number; text: string }> = [];
  let program: AstNode;
  try {
    program = await parseInSlices(source.text, parseOptions(false, comments), pause);
  } catch {
    // Not a module: parsed again as a script, in one piece, as parseModule does.
    return parseModule(source);
  }
  await pause();
  // Parsed meanwhile by a synchronous caller: that one stays.
  if (parsed.has(source)) return parsed.get(source) ?? undefined;
  const module = moduleOf(source, false, program, comments);
  parsed.set(source, module);
  return module;
}

/** acorn's `Parser.parse` (its `parseTopLevel`, a statement at a time), with pauses. */
async function parseInSlices(text: string, options: Options, pause: () => Promise<void>): Promise<AstNode> {
  // acorn's internals, as its parseTopLevel uses them (acorn 8).
  const parser = new (Parser as unknown as new (options: Options, text: string) => AcornInternals)(options, text);
  const node = parser.startNode();
  parser.nextToken();
  const exported = Object.create(null) as object;
  node.body = [];
  let sliceStart = 0;
  while (parser.type !== tokTypes.eof) {
    const statement = parser.parseStatement(null, true, exported);
    node.body.push(statement);
    if ((statement.end as number) - sliceStart >= PARSE_SLICE_CHARS) {
      await pause();
      sliceStart = statement.end as number;
    }
  }
  if (parser.inModule) {
    for (const name of Object.keys(parser.undefinedExports)) parser.raiseRecoverable(parser.undefinedExports[name]!.start, `Export '${name}' is not defined`);
  }
  parser.adaptDirectivePrologue(node.body);
  parser.next();
  node.sourceType = options.sourceType === 'commonjs' ? 'script' : options.sourceType;
  return parser.finishNode(node, 'Program');
}

interface AcornInternals {
  type: unknown;
  inModule: boolean;
  undefinedExports: Record<string, { start: number }>;
  startNode(): AstNode & { body: AstNode[] };
  nextToken(): void;
  next(): void;
  parseStatement(context: null, topLevel: boolean, exports: object): AstNode;
  raiseRecoverable(position: number, message: string): void;
  adaptDirectivePrologue(body: AstNode[]): void;
  finishNode(node: AstNode, type: string): AstNode;
}

function isTypeScript(source: ModuleText): boolean {
  return /\.[cm]?tsx?$/.test(source.url.replace(/[?#].*$/, ''));
}

function parseOptions(typescript: boolean, comments: Array<{ start: number; end: number; text: string }>): Options {
  return {
    ecmaVersion: 'latest',
    sourceType: 'module',
    locations: typescript,
    allowHashBang: true,
    allowAwaitOutsideFunction: true,
    onComment: (block, text, start, end) => {
      if (!block) comments.push({ start, end, text });
    },
  };
}

function parse(source: ModuleText): ParsedModule | undefined {
  const typescript = isTypeScript(source);
  const comments: Array<{ start: number; end: number; text: string }> = [];
  const options = parseOptions(typescript, comments);
  let program: AstNode;
  try {
    program = (typescript ? TypeScriptParser : Parser).parse(source.text, options) as unknown as AstNode;
  } catch {
    try {
      comments.length = 0;
      program = (typescript ? TypeScriptParser : Parser).parse(source.text, { ...options, sourceType: 'script', allowReturnOutsideFunction: true }) as unknown as AstNode;
    } catch {
      return undefined;
    }
  }
  return moduleOf(source, typescript, program, comments);
}

function moduleOf(source: ModuleText, typescript: boolean, program: AstNode, comments: Array<{ start: number; end: number; text: string }>): ParsedModule {
  const builder = new ScopeBuilder(program);
  const module: ParsedModule = {
    url: source.url,
    text: source.text,
    typescript,
    program,
    scope: builder.root,
    exports: new Map(),
    starExports: [],
    classes: builder.classes,
    regions: bundleRegions(source.text, comments),
    lineStarts: lineStarts(source.text),
  };
  collectExports(module);
  return module;
}

/** The innermost scope of `module` that contains `offset`. */
export function scopeAt(module: ParsedModule, offset: number): Scope {
  let scope = module.scope;
  for (;;) {
    const inner = childAt(scope, offset);
    if (!inner) return scope;
    scope = inner;
  }
}

// Whether a scope's children are in source order without overlapping (almost always: an arrow
// function in a `switch` head or a class's `extends` is the exception), computed once per scope.
const inOrder = new WeakMap<Scope, boolean>();

/**
 * The first child of `scope` that contains `offset`. A module's scope has a child per function
 * and method, and each class is looked up in it: searched by halves where the children are in
 * order (where at most one can contain `offset`), one by one otherwise.
 */
function childAt(scope: Scope, offset: number): Scope | undefined {
  const children = scope.children;
  let ordered = inOrder.get(scope);
  if (ordered === undefined) {
    ordered = children.every((child, i) => i === 0 || children[i - 1]!.end <= child.start);
    inOrder.set(scope, ordered);
  }
  if (!ordered) return children.find((child) => child.start <= offset && offset < child.end);
  let low = 0;
  let high = children.length - 1;
  let found: Scope | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const child = children[middle]!;
    if (child.start <= offset) {
      found = child;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found && offset < found.end ? found : undefined;
}

/** The binding `name` has in `scope` or an enclosing one. */
export function lookup(scope: Scope, name: string): Binding | undefined {
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    const found = current.bindings.get(name);
    if (found) return found;
  }
  return undefined;
}

/** The offset of 1-based `line` and `column` in `module`'s text. */
export function offsetOf(module: ParsedModule, line: number, column: number): number {
  return (module.lineStarts[line - 1] ?? module.text.length) + column - 1;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Builds the scope tree of a program: which names each function and block declares. */
class ScopeBuilder {
  readonly root: Scope;
  readonly classes: AstNode[] = [];
  /** The names that call `require`: `require` itself and top-level `createRequire(…)` results. */
  private readonly requireNames: Set<string>;

  constructor(program: AstNode) {
    this.requireNames = requireFunctionNames(program);
    this.root = { start: program.start as number, end: program.end as number, parent: undefined, children: [], bindings: NO_BINDINGS };
    this.declareStatements(program.body as AstNode[], this.root, true);
    for (const statement of program.body as AstNode[]) this.visit(statement, this.root);
  }

  private newScope(node: AstNode, parent: Scope): Scope {
    const scope: Scope = { start: node.start as number, end: node.end as number, parent, children: [], bindings: NO_BINDINGS };
    parent.children.push(scope);
    return scope;
  }

  private bind(scope: Scope, name: string, binding: Omit<Binding, 'name' | 'scope'>): void {
    // The first declaration wins (a function's parameter over a later `var` of the same name).
    if (scope.bindings.has(name)) return;
    if (scope.bindings === NO_BINDINGS) scope.bindings = new Map();
    (scope.bindings as Map<string, Binding>).set(name, { name, scope, ...binding });
  }

  /** Declares what a statement list declares at its level: functions, classes, let/const, and (in a function) var. */
  private declareStatements(statements: AstNode[], scope: Scope, functionScope: boolean): void {
    for (const raw of statements) {
      const statement = unwrapExport(raw);
      if (!statement) continue;
      switch (statement.type) {
        case 'FunctionDeclaration':
          if (statement.id && statement.body) this.bind(scope, statement.id.name as string, { kind: 'function', node: statement });
          break;
        case 'ClassDeclaration':
          if (statement.id) this.bind(scope, statement.id.name as string, { kind: 'class', node: statement });
          break;
        case 'TSEnumDeclaration':
          this.bind(scope, statement.id.name as string, { kind: 'enum', node: statement });
          break;
        case 'VariableDeclaration':
          // `var` is hoisted to the function below, from wherever it is.
          if (statement.kind !== 'var') this.declareVariables(statement, scope);
          break;
        case 'ImportDeclaration':
          this.declareImport(statement, scope);
          break;
      }
      if (functionScope) this.hoistVar(statement, scope);
    }
  }

  private declareVariables(declaration: AstNode, scope: Scope): void {
    if (declaration.declare) return;
    for (const declarator of declaration.declarations as AstNode[]) {
      const init = declarator.init as AstNode | null;
      const specifier = requiredModule(init, this.requireNames);
      // `const { kernel } = require('./h.cjs')` and `require('./h.cjs').kernel` (a CommonJS helper
      // required from ESM through createRequire) import `kernel`, as `import { kernel }` does.
      const requiredMembers = specifier !== undefined ? requiredPatternMembers(declarator.id as AstNode) : undefined;
      const requiredMember = init?.type === 'MemberExpression' && !init.computed ? requiredModule(init.object as AstNode, this.requireNames) : undefined;
      for (const name of patternNames(declarator.id as AstNode)) {
        if (specifier !== undefined && declarator.id.type === 'Identifier') this.bind(scope, name, { kind: 'namespace', node: declarator, specifier });
        else if (specifier !== undefined && requiredMembers?.has(name)) {
          this.bind(scope, name, { kind: 'import', node: declarator, specifier, imported: requiredMembers.get(name)! });
        } else if (requiredMember !== undefined && declarator.id.type === 'Identifier') {
          this.bind(scope, name, { kind: 'import', node: declarator, specifier: requiredMember, imported: init!.property.name as string });
        } else this.bind(scope, name, { kind: 'variable', node: declarator, declarationKind: declaration.kind as string });
      }
    }
  }

  private declareImport(statement: AstNode, scope: Scope): void {
    if (statement.importKind === 'type') return;
    const specifier = statement.source.value as string;
    for (const spec of statement.specifiers as AstNode[]) {
      if (spec.importKind === 'type') continue;
      const local = spec.local.name as string;
      if (spec.type === 'ImportNamespaceSpecifier') this.bind(scope, local, { kind: 'namespace', node: spec, specifier });
      else {
        const imported = spec.type === 'ImportDefaultSpecifier' ? 'default' : (moduleExportName(spec.imported as AstNode) ?? local);
        this.bind(scope, local, { kind: 'import', node: spec, specifier, imported });
      }
    }
  }

  /**
   * Declares the `var`s below `node` in the function scope, not looking into nested functions.
   * A `var` is a statement: only statements that hold statements are looked into, not
   * expressions (which reach a statement only through a function or class, where hoisting stops),
   * nor TypeScript-only blocks. The order is the source order, as the first declaration wins.
   */
  private hoistVar(node: AstNode | null | undefined, scope: Scope): void {
    if (!node) return;
    switch (node.type) {
      case 'VariableDeclaration':
        if (node.kind === 'var') this.declareVariables(node, scope);
        return;
      case 'BlockStatement':
        for (const statement of node.body as AstNode[]) this.hoistVar(statement, scope);
        return;
      case 'IfStatement':
        this.hoistVar(node.consequent as AstNode, scope);
        this.hoistVar(node.alternate as AstNode | null, scope);
        return;
      case 'ForStatement':
        this.hoistVar(node.init as AstNode | null, scope);
        this.hoistVar(node.body as AstNode, scope);
        return;
      case 'ForInStatement':
      case 'ForOfStatement':
        this.hoistVar(node.left as AstNode, scope);
        this.hoistVar(node.body as AstNode, scope);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
      case 'WithStatement':
        this.hoistVar(node.body as AstNode, scope);
        return;
      case 'TryStatement':
        this.hoistVar(node.block as AstNode, scope);
        this.hoistVar(node.handler?.body as AstNode | undefined, scope);
        this.hoistVar(node.finalizer as AstNode | null, scope);
        return;
      case 'SwitchStatement':
        for (const c of node.cases as AstNode[]) for (const statement of c.consequent as AstNode[]) this.hoistVar(statement, scope);
        return;
    }
  }

  /** `visit` on every node directly below `node`, in source order (`forEachChild` without a closure per node). */
  private visitChildren(node: AstNode, scope: Scope): void {
    for (const key in node) {
      if (key === 'start' || key === 'end' || key === 'loc' || key === 'range' || key === 'raw' || key === 'sourceFile') continue;
      const value = node[key];
      if (typeof value !== 'object' || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.visit(item, scope);
      } else if (typeof value.type === 'string') {
        this.visit(value as AstNode, scope);
      }
    }
  }

  private visit(node: AstNode, scope: Scope): void {
    if (node.type.startsWith('TS') && node.type !== 'TSAsExpression' && node.type !== 'TSSatisfiesExpression' && node.type !== 'TSNonNullExpression' && node.type !== 'TSEnumDeclaration') return;
    if (FUNCTIONS.has(node.type)) return this.visitFunction(node, scope);
    switch (node.type) {
      case 'ClassDeclaration':
      case 'ClassExpression': {
        this.classes.push(node);
        let inner = scope;
        if (node.type === 'ClassExpression' && node.id) {
          inner = this.newScope(node, scope);
          this.bind(inner, node.id.name as string, { kind: 'class', node });
        }
        if (node.superClass) this.visit(node.superClass as AstNode, scope);
        for (const member of node.body.body as AstNode[]) this.visit(member, inner);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock': {
        const inner = this.newScope(node, scope);
        this.declareStatements(node.body as AstNode[], inner, node.type === 'StaticBlock');
        for (const statement of node.body as AstNode[]) this.visit(statement, inner);
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = this.newScope(node, scope);
        const head = node.type === 'ForStatement' ? node.init : node.left;
        if (head?.type === 'VariableDeclaration' && head.kind !== 'var') this.declareVariables(head, inner);
        this.visitChildren(node, inner);
        return;
      }
      case 'CatchClause': {
        const inner = this.newScope(node, scope);
        if (node.param) for (const name of patternNames(node.param as AstNode)) this.bind(inner, name, { kind: 'parameter', node });
        this.visit(node.body as AstNode, inner);
        return;
      }
      case 'SwitchStatement': {
        this.visit(node.discriminant as AstNode, scope);
        const inner = this.newScope(node, scope);
        const cases = node.cases as AstNode[];
        this.declareStatements(cases.flatMap((c) => c.consequent as AstNode[]), inner, false);
        for (const c of cases) this.visitChildren(c, inner);
        return;
      }
      default:
        this.visitChildren(node, scope);
    }
  }

  private visitFunction(node: AstNode, outer: Scope): void {
    const scope = this.newScope(node, outer);
    if (node.type === 'FunctionExpression' && node.id) this.bind(scope, node.id.name as string, { kind: 'function', node });
    for (const param of node.params as AstNode[]) {
      const pattern = param.type === 'TSParameterProperty' ? (param.parameter as AstNode) : param;
      for (const name of patternNames(pattern)) this.bind(scope, name, { kind: 'parameter', node });
      this.visit(pattern, scope);
    }
    if (!node.body) return;
    if (node.body.type === 'BlockStatement') {
      this.declareStatements(node.body.body as AstNode[], scope, true);
      for (const statement of node.body.body as AstNode[]) this.visit(statement, scope);
    } else {
      this.visit(node.body as AstNode, scope);
    }
  }
}

/** The declaration inside `export …` / `export default …`, or the statement itself. */
function unwrapExport(statement: AstNode): AstNode | undefined {
  if (statement.type === 'ExportNamedDeclaration') return (statement.declaration as AstNode | null) ?? undefined;
  if (statement.type === 'ExportDefaultDeclaration') {
    const declaration = statement.declaration as AstNode;
    return declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration' ? declaration : undefined;
  }
  return statement;
}

/** The names a binding pattern declares. */
export function patternNames(pattern: AstNode): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name as string];
    case 'ObjectPattern':
      return (pattern.properties as AstNode[]).flatMap((p) => patternNames(p.type === 'RestElement' ? p : (p.value as AstNode)));
    case 'ArrayPattern':
      return (pattern.elements as (AstNode | null)[]).flatMap((element) => (element ? patternNames(element) : []));
    case 'AssignmentPattern':
      return patternNames(pattern.left as AstNode);
    case 'RestElement':
      return patternNames(pattern.argument as AstNode);
    case 'TSParameterProperty':
      return patternNames(pattern.parameter as AstNode);
    default:
      return [];
  }
}

/**
 * The names an object pattern takes from a required module, each with the member it takes
 * (`{ kernel, scale: s }` → kernel → kernel, s → scale); undefined for any other pattern, and
 * without names bound through defaults, nesting or a rest element (their values are not one export).
 */
function requiredPatternMembers(pattern: AstNode): Map<string, string> | undefined {
  if (pattern.type !== 'ObjectPattern') return undefined;
  const members = new Map<string, string>();
  for (const property of pattern.properties as AstNode[]) {
    if (property.type !== 'Property' || property.computed || property.value.type !== 'Identifier') continue;
    const member = moduleExportName(property.key as AstNode);
    if (member !== undefined) members.set(property.value.name as string, member);
  }
  return members;
}

/**
 * The module a CommonJS import requires: `require("./x")`, also wrapped as tsc
 * (`__importDefault(…)`, `__importStar(…)`) and esbuild (`__toESM(…)`) write it, and from ESM
 * through `createRequire` (`const req = createRequire(import.meta.url); req('./x.cjs')`, or
 * `createRequire(import.meta.url)('./x.cjs')`).
 */
function requiredModule(init: AstNode | null, requireNames: ReadonlySet<string>): string | undefined {
  let node = init;
  while (node?.type === 'CallExpression' && node.callee.type === 'Identifier' && /^__(?:importDefault|importStar|toESM)$/.test(node.callee.name as string)) {
    node = node.arguments[0] as AstNode;
  }
  if (node?.type !== 'CallExpression' || node.arguments[0]?.type !== 'Literal') return undefined;
  const callee = node.callee as AstNode;
  const requires = (callee.type === 'Identifier' && requireNames.has(callee.name as string)) || isCreateRequire(callee);
  return requires ? String(node.arguments[0].value) : undefined;
}

/** `require`, and the top-level constants holding `createRequire(…)`. */
function requireFunctionNames(program: AstNode): Set<string> {
  const names = new Set(['require']);
  for (const statement of program.body as AstNode[]) {
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') continue;
    for (const declarator of statement.declarations as AstNode[]) {
      if (declarator.id.type === 'Identifier' && isCreateRequire(declarator.init as AstNode | null)) names.add(declarator.id.name as string);
    }
  }
  return names;
}

/** A call of Node's `createRequire` (`createRequire(…)`, `module.createRequire(…)`). */
function isCreateRequire(node: AstNode | null): boolean {
  if (node?.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  return (callee.type === 'Identifier' && callee.name === 'createRequire') || (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'createRequire');
}

function moduleExportName(node: AstNode | undefined): string | undefined {
  if (!node) return undefined;
  return node.type === 'Identifier' ? (node.name as string) : String(node.value);
}

/** ESM exports, and the `exports.x = …` assignments of CommonJS output (tsc's, esbuild's). */
function collectExports(module: ParsedModule): void {
  for (const statement of module.program.body as AstNode[]) {
    if (statement.type === 'ExportNamedDeclaration' && statement.exportKind !== 'type') {
      const declaration = statement.declaration as AstNode | null;
      if (declaration) {
        if (declaration.type === 'VariableDeclaration') {
          for (const declarator of declaration.declarations as AstNode[]) for (const name of patternNames(declarator.id as AstNode)) module.exports.set(name, { local: name });
        } else if (declaration.id) {
          module.exports.set(declaration.id.name as string, { local: declaration.id.name as string });
        }
      }
      for (const spec of (statement.specifiers ?? []) as AstNode[]) {
        if (spec.exportKind === 'type') continue;
        const exported = moduleExportName(spec.exported as AstNode)!;
        const local = moduleExportName(spec.local as AstNode)!;
        module.exports.set(exported, statement.source ? { specifier: statement.source.value as string, imported: local } : { local });
      }
    } else if (statement.type === 'ExportAllDeclaration') {
      if (statement.exported) module.exports.set(moduleExportName(statement.exported as AstNode)!, { specifier: statement.source.value as string, imported: '*' });
      else module.starExports.push(statement.source.value as string);
    } else if (statement.type === 'ExportDefaultDeclaration') {
      const declaration = statement.declaration as AstNode;
      module.exports.set('default', declaration.id ? { local: declaration.id.name as string } : { node: declaration });
    } else if (statement.type === 'ExpressionStatement') {
      collectCommonJsExport(module, statement.expression as AstNode);
    }
  }
}

function collectCommonJsExport(module: ParsedModule, expression: AstNode): void {
  if (expression.type === 'AssignmentExpression' && isModuleExports(expression.left as AstNode)) {
    // `module.exports = { kernel, scale(x) {…}, LEVEL: 2 }`: each property is an export, as
    // `require(…).kernel` reads it; the whole value is what a default import gets.
    const value = rightmost(expression);
    module.exports.set('default', value.type === 'Identifier' ? { local: value.name as string } : { node: value });
    if (value.type !== 'ObjectExpression') return;
    for (const property of value.properties as AstNode[]) {
      if (property.type !== 'Property' || property.computed || property.kind !== 'init') continue;
      const name = moduleExportName(property.key as AstNode);
      const exported = property.value as AstNode;
      if (name !== undefined) module.exports.set(name, exported.type === 'Identifier' ? { local: exported.name as string } : { node: exported });
    }
    return;
  }
  // `exports.a = exports.b = void 0` declares names before their values: only a value counts.
  for (let node = expression; node?.type === 'AssignmentExpression'; node = node.right as AstNode) {
    const name = commonJsExportName(node.left as AstNode);
    const value = rightmost(node);
    if (name === undefined || isVoidZero(value)) continue;
    module.exports.set(name, value.type === 'Identifier' ? { local: value.name as string } : { node: value });
  }
}

function isModuleExports(target: AstNode): boolean {
  return target.type === 'MemberExpression' && !target.computed && target.object.type === 'Identifier' && target.object.name === 'module' && target.property.name === 'exports';
}

function commonJsExportName(target: AstNode): string | undefined {
  if (target.type !== 'MemberExpression' || target.computed) return undefined;
  const object = target.object as AstNode;
  const isExports =
    (object.type === 'Identifier' && object.name === 'exports') ||
    (object.type === 'MemberExpression' && object.object.type === 'Identifier' && object.object.name === 'module' && object.property.name === 'exports');
  return isExports ? (target.property.name as string) : undefined;
}

function rightmost(node: AstNode): AstNode {
  let value = node.right as AstNode;
  while (value.type === 'AssignmentExpression') value = value.right as AstNode;
  return value;
}

function isVoidZero(node: AstNode): boolean {
  return node.type === 'UnaryExpression' && node.operator === 'void' && node.argument.type === 'Literal';
}

/**
 * Where each source file's code sits in a bundle: esbuild starts each file's code with a line
 * comment naming it (`// src/helpers.ts`), Rolldown wraps it in `//#region src/helpers.ts` …
 * `//#endregion`. Empty for a module that is not a bundle (or a minified one).
 */
function bundleRegions(text: string, comments: Array<{ start: number; end: number; text: string }>): ParsedModule['regions'] {
  const regions: ParsedModule['regions'] = [];
  for (const comment of comments) {
    if (comment.start > 0 && text[comment.start - 1] !== '\n') continue;
    const region = /^#region (\S+)$/.exec(comment.text);
    const esbuild = /^ ((?:[\w@.~-]+\/)*[\w@.~-]+\.[cm]?[jt]sx?)$/.exec(comment.text);
    if (region || esbuild) {
      const last = regions.at(-1);
      if (last && last.end === text.length) last.end = comment.start;
      regions.push({ start: comment.start, end: text.length, path: (region ?? esbuild)![1]! });
    } else if (comment.text === '#endregion') {
      const last = regions.at(-1);
      if (last && last.end === text.length) last.end = comment.end;
    }
  }
  return regions;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
