import { FingerprintError } from '../errors.js';
import { type AstNode, forEachChild } from './ast.js';
import { canonicaliseText } from './canonical-source.js';
import { offsetOf, type ParsedModule, type Scope, scopeAt } from './module-parse.js';
import type { NameResolver } from './name-resolution.js';
import { RegistrationSite } from './registration-site.js';
import type { Code } from './source-hash.js';

/** Where a class was written: its module, its node there, and the scope its free names resolve in. */
export interface ClassLocation {
  module: ParsedModule;
  node: AstNode;
  scope: Scope;
}

const CLASS_NODES = new Set(['ClassDeclaration', 'ClassExpression']);

/**
 * Finds the module and the declaration of a class from where it was registered (`site`,
 * `url:line:column`, see `registrationSite`). In JavaScript (compiled output, a bundle, a page)
 * the class is the node whose text is exactly the class's own text, so a module edited since it
 * was loaded is never taken for the code that runs. In TypeScript (tsx and vitest map the stack
 * to the source) the text differs from the compiled class, so the class's name is looked up
 * where it was registered, following an import to the module that declares it.
 *
 * The site's line and column are read only when they decide: when the module has several class
 * nodes of the class's exact text, or none (on a page, reading them may cost a parse of the
 * script, see `RegistrationSite`).
 *
 * Undefined when the site is unknown, its module cannot be read, or the class is not in it (a
 * class made by `eval` or `new Function`, registered from elsewhere).
 *
 * @example
 * locateClass(SlopeLoader, registry.registrationSiteOf(SlopeLoader), resolver)?.module.url; // '/home/me/pipeline.ts'
 */
export function locateClass(cls: Code, where: string | RegistrationSite | undefined, resolver: NameResolver): ClassLocation | undefined {
  if (where === undefined || (typeof where === 'string' && !/:\d+:\d+$/.test(where))) return undefined;
  const site = typeof where === 'string' ? RegistrationSite.of(where) : where;
  const module = resolver.load(site.script);
  if (!module) return undefined;
  const offset = () => {
    const position = /^(\d+):(\d+)$/.exec(site.position);
    return position ? offsetOf(module, Number(position[1]), Number(position[2])) : undefined;
  };
  const text = Function.prototype.toString.call(cls);
  const exact = byText(module, text, offset);
  if (exact) return exact;
  const at = offset();
  if (at === undefined) return undefined;
  const target = resolver.resolve(module, scopeAt(module, at), cls.name);
  if (target.kind !== 'code' || !CLASS_NODES.has(target.node.type)) return module.typescript ? onlyClassNamed(module, cls.name) : undefined;
  const location = { module: target.module, node: target.node, scope: target.scope };
  if (!target.module.typescript) return byText(target.module, text, () => target.node.start as number) ?? (sameCode(location, text, cls.name) ? location : undefined);
  return location;
}

/**
 * Whether the declaration at `location` is the code `text` says, though the texts differ: tsx
 * rewrites a JavaScript module's dynamic imports (`import(x).then(…interop…)`), so a class that
 * has one is not its module's text. Compared in canonical form, which undoes such rewrites, so a
 * module edited since it was loaded is still never taken for the code that runs.
 */
function sameCode(location: ClassLocation, text: string, name: string): boolean {
  const { module, node } = location;
  try {
    return canonicaliseText(module.text.slice(node.start as number, node.end as number), name).hash === canonicaliseText(text, name).hash;
  } catch (error) {
    if (error instanceof FingerprintError) return false;
    throw error;
  }
}

/**
 * The one class of a TypeScript module written with `name` (`export const Step = register(class
 * Step extends Data {…})`: the name resolves to the call, not to the class); undefined when
 * none or several are. Only a class written in the module's top-level code: one written inside a
 * function (a factory, `toolWith(helper)`) makes a new class on each call, each with its own
 * values of the function's parameters, which its text cannot tell apart.
 */
function onlyClassNamed(module: ParsedModule, name: string): ClassLocation | undefined {
  const named = module.classes.filter((node) => node.id?.name === name);
  if (named.length !== 1) return undefined;
  const node = named[0]!;
  return insideFunction(module.program, node) ? undefined : { module, node, scope: scopeAt(module, node.start as number) };
}

const FUNCTION = /^(?:Function|ArrowFunction)(?:Declaration|Expression)$/;

/** Whether `target` is written inside a function (or method) of the tree at `node`. */
function insideFunction(node: AstNode, target: AstNode): boolean {
  let found = false;
  forEachChild(node, (child) => {
    if (found || child === target || (child.start as number) > (target.start as number) || (child.end as number) < (target.end as number)) return;
    found = FUNCTION.test(child.type) || insideFunction(child, target);
  });
  return found;
}

// The classes of a module by the length of their text, in source order: a class's text is then
// compared where it is in the module, without hashing every class's text into a map key.
const classesByLength = new WeakMap<ParsedModule, Map<number, AstNode[]>>();

/**
 * The class node of `module` whose text is `text`; of several, the nearest to `offset` (the first
 * of equals), which is asked only then.
 */
function byText(module: ParsedModule, text: string, offset: () => number | undefined): ClassLocation | undefined {
  let index = classesByLength.get(module);
  if (!index) {
    index = new Map();
    for (const node of module.classes) {
      const length = (node.end as number) - (node.start as number);
      const list = index.get(length);
      if (list) list.push(node);
      else index.set(length, [node]);
    }
    classesByLength.set(module, index);
  }
  const matches = (index.get(text.length) ?? []).filter((node) => module.text.startsWith(text, node.start as number));
  let best = matches[0];
  if (matches.length > 1) {
    const at = offset() ?? 0;
    for (const node of matches) if (Math.abs((node.start as number) - at) < Math.abs((best!.start as number) - at)) best = node;
  }
  return best && { module, node: best, scope: scopeAt(module, best.start as number) };
}
