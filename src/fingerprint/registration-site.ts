/**
 * Where a class was registered (`url:line:column`), with the line and column read only when a
 * caller needs them. On a page, V8 gives a stack frame its line and column by parsing the frame's
 * script again (`V8.CollectSourcePositions`): for a frame in a bundle's top-level code, that is
 * the whole bundle (316 ms for 8 MB at page load). The script's URL costs nothing, and is all the
 * registry and the fingerprint need in almost every case.
 *
 * @example
 * const site = RegistrationSite.of('file:///app/pipeline.ts:12:1');
 * site.url;  // 'file:///app/pipeline.ts'
 * site.text; // 'file:///app/pipeline.ts:12:1'
 */
export class RegistrationSite {
  #position: string | (() => string | undefined) | undefined;

  /**
   * The script as the engine named it, query included: the module that ran. Browsers key modules
   * by their whole URL, and a dev server serves each reloaded version of a module under a query of
   * its own (Vite's `?t=`), so this is what the fingerprint reads; `url` says which place it is.
   */
  readonly script: string;

  private constructor(
    /** The script (a file path or URL, without a query string): the same place across reloads. */
    readonly url: string,
    position: string | (() => string | undefined),
    script?: string,
  ) {
    this.#position = position;
    this.script = script ?? url;
  }

  /** A site known as text (`url:line:column`, as `registrationSite` and the stack give it; the URL may carry a query). */
  static of(text: string): RegistrationSite {
    const match = /^(.*):(\d+:\d+)$/.exec(text);
    const script = match ? match[1]! : text;
    return new RegistrationSite(withoutQuery(script), match ? match[2]! : '', script);
  }

  /** A site of `script` (a URL, maybe with a query) whose `line:column` is asked of `position` the first time it is needed. */
  static lazy(script: string, position: () => string | undefined): RegistrationSite {
    return new RegistrationSite(withoutQuery(script), position, script);
  }

  /** Whether the line and column are known yet (a lazy site's are read on first use). */
  get positionRead(): boolean {
    return typeof this.#position === 'string';
  }

  /** The line and column (`12:1`), 1-based; '' when the engine gave none. */
  get position(): string {
    if (typeof this.#position !== 'string') this.#position = this.#position?.() ?? '';
    return this.#position;
  }

  /** `url:line:column` (`url` alone when the engine gave no position). */
  get text(): string {
    return this.position ? `${this.url}:${this.position}` : this.url;
  }

  /** Whether two sites are the same place: the URLs first, the positions only when those agree. */
  static same(a: RegistrationSite | undefined, b: RegistrationSite | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return a === b || (a.url === b.url && a.position === b.position);
  }
}

/** The parts of a V8 CallSite that finding a registration site reads. */
export interface StackFrame {
  getTypeName(): string | null;
  getFunctionName(): string | null;
  getMethodName(): string | null;
  getScriptNameOrSourceURL(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  isEval(): boolean;
}

/**
 * Where the class being registered was declared: the first stack frame outside this module and
 * outside decorator helpers (`__decorateElement`, `__esDecorate`...), without a URL's query string
 * (dev servers add `?t=...` when they reload a module). Undefined when the engine gives no stack.
 * The registry's frames are known by file name, and by function name where a bundle has put its
 * code into a file of another name.
 *
 * `below` is the registry's function that asked (`ClassRegistry.prototype.add`): on V8 the stack
 * starts below it, so the registry's own frames are left out even in a bundle or minified code,
 * where no file name tells them apart.
 *
 * On a page in V8 (a script served over http(s), or a blob) the stack is taken as frames and the
 * chosen frame's line and column are read only when asked (see `RegistrationSite`). Everywhere
 * else the stack's text is read as before: under tsx and vitest, Node maps that text to the
 * TypeScript sources, which the frames would not be.
 */
export function registrationSite(below?: Function): RegistrationSite | undefined {
  const frames = pageFrames(below ?? registrationSite);
  if (frames) {
    const site = siteOfFrames(frames);
    if (site !== 'text') return site;
  }
  return siteOfText(stackText(below ?? registrationSite));
}

/**
 * The first frame of `frames` that is not the registry's nor a decorator helper's, as a lazy
 * site; 'text' when that frame is not a page's script (an `eval`, a file in Node): the stack's
 * text then says what it always said.
 */
export function siteOfFrames(frames: readonly StackFrame[]): RegistrationSite | undefined | 'text' {
  for (const frame of frames) {
    const url = frame.getScriptNameOrSourceURL();
    if (!url) continue;
    if (frame.isEval() || !PAGE_SCRIPT.test(url)) return 'text';
    if (skipped(label(frame), url)) continue;
    // The frame is kept, not its position: reading the position is what costs.
    return RegistrationSite.lazy(url, () => {
      const line = frame.getLineNumber();
      const column = frame.getColumnNumber();
      return line === null || column === null ? undefined : `${line}:${column}`;
    });
  }
  return undefined;
}

/** A page's script: served over http(s), or a blob (a bundle made in the page). */
const PAGE_SCRIPT = /^(?:https?|blob):/i;

/** The text before a frame's location in V8's stack text (`ClassRegistry.add [as put]`). */
function label(frame: StackFrame): string {
  const name = frame.getFunctionName();
  const type = frame.getTypeName();
  const method = frame.getMethodName();
  const base = name ? (type && !name.startsWith(`${type}.`) ? `${type}.${name}` : name) : type && method ? `${type}.${method}` : '';
  return method && name && method !== name && !name.endsWith(`.${method}`) ? `${base} [as ${method}]` : base;
}

/** The registry's own frames and decorator helpers' (the same tests on the frame as on its text). */
function skipped(label: string, url: string): boolean {
  return /registry\.[cm]?[jt]s/.test(url) || /^(Object\.)?_{2}\w*/.test(label) || OWN_FUNCTIONS.test(label);
}

/**
 * The registry's functions, by name: where a bundle (what Node runs from the package, or a
 * page's) has put its code into a file of another name, and the engine cannot start the stack
 * below `ClassRegistry.add` (V8 can).
 */
const OWN_FUNCTIONS = /\bregister\b|\bregistrationSite\b|\bstackText\b|ClassRegistry\.add\b/;

function withoutQuery(url: string): string {
  return url.replace(/\?[^:]*$/, '');
}

/**
 * The stack below `below` as V8's CallSites, in V8 outside Node, when the page has no
 * `Error.prepareStackTrace` of its own (its text, source-mapped maybe, is then what sites are read
 * from); undefined anywhere else. Reading a frame's script costs nothing; its line and column cost
 * a parse of the frame's function (`V8.CollectSourcePositions`).
 */
export function pageFrames(below: Function): readonly StackFrame[] | undefined {
  const errorClass = Error as ErrorConstructor & { captureStackTrace?: (target: object, below?: Function) => void };
  if (typeof errorClass.captureStackTrace !== 'function' || isNode()) return undefined;
  const own = Object.getOwnPropertyDescriptor(errorClass, 'prepareStackTrace');
  // The page's own prepareStackTrace is never replaced, not even for a moment.
  if (own && (own.get || own.set || own.value !== undefined || !own.writable || !own.configurable)) return undefined;
  if ((errorClass as { prepareStackTrace?: unknown }).prepareStackTrace !== undefined) return undefined;
  const holder: { stack?: unknown } = {};
  Object.defineProperty(errorClass, 'prepareStackTrace', { value: (_error: unknown, frames: StackFrame[]) => frames, writable: true, configurable: true, enumerable: false });
  try {
    errorClass.captureStackTrace(holder, below);
    // V8 formats the stack when it is first read, with the prepareStackTrace of that moment.
    const frames = holder.stack;
    return Array.isArray(frames) ? (frames as StackFrame[]) : undefined;
  } finally {
    if (own) Object.defineProperty(errorClass, 'prepareStackTrace', own);
    else delete (errorClass as { prepareStackTrace?: unknown }).prepareStackTrace;
  }
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

/** The stack's text below `below` where the engine can leave out frames (V8), else a whole stack. */
function stackText(below: Function): string | undefined {
  const errorClass = Error as ErrorConstructor & { captureStackTrace?: (target: object, below?: Function) => void };
  if (typeof errorClass.captureStackTrace !== 'function') return new Error().stack;
  // One capture: a `new Error()` would take a whole stack first, only to be captured again.
  const holder: { stack?: string } = {};
  errorClass.captureStackTrace(holder, below);
  return holder.stack;
}

/** The site of a stack's text (see `registrationSite`). */
export function siteOfText(stack: string | undefined): RegistrationSite | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').slice(1);
  for (const frame of frames) {
    const text = frame.trim();
    const caller = text.split(/[(@]/)[0] ?? '';
    if (!text || /registry\.[cm]?[jt]s/.test(text) || /(^|\s|@)(at\s+)?(Object\.)?_{2}\w*/.test(text.replace(/^at\s+/, ' ')) || OWN_FUNCTIONS.test(caller)) continue;
    // In V8's `at label (location)` the location is all that the parentheses hold: a path Node
    // maps a TypeScript frame to (tsx, vitest) keeps its spaces (`/home/me/My Maps/pipeline.ts`),
    // where a URL would have them as %20.
    const location = /\(((?:[a-z][a-z0-9+.-]*:\/\/\/?|\/)[^()]*?):(\d+):(\d+)\)$/i.exec(text) ?? /\(?((?:[a-z][a-z0-9+.-]*:\/\/\/?|\/)[^)\s]*?|[^()\s]+?):(\d+):(\d+)\)?$/i.exec(text);
    if (!location) continue;
    return RegistrationSite.of(`${location[1]!}:${location[2]}:${location[3]}`);
  }
  return undefined;
}
