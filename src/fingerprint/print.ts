import type { AstNode } from './ast.js';

/**
 * Prints a canonical AST as JavaScript: two-space indents, one statement per line, double-quoted
 * strings, parentheses only where precedence needs them. The output is what gets stored and
 * diffed; it parses back to the same canonical AST. It is not what gets hashed (see
 * `serialiseAst`).
 */
export function printAst(node: AstNode): string {
  return new Printer().statementOrExpression(node);
}

// Higher binds tighter.
const BINARY_PRECEDENCE: Record<string, number> = {
  '??': 3, '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7,
  '==': 8, '!=': 8, '===': 8, '!==': 8,
  '<': 9, '>': 9, '<=': 9, '>=': 9, instanceof: 9, in: 9,
  '<<': 10, '>>': 10, '>>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12, '**': 13,
};
const UNARY = 14;
const POSTFIX = 16;
const CALL = 17;
const PRIMARY = 20;

function precedence(node: AstNode): number {
  switch (node.type) {
    case 'SequenceExpression': return 0;
    case 'YieldExpression': case 'AssignmentExpression': case 'ArrowFunctionExpression': return 1;
    case 'ConditionalExpression': return 2;
    case 'BinaryExpression': case 'LogicalExpression': return BINARY_PRECEDENCE[node.operator as string] ?? 9;
    case 'UnaryExpression': case 'AwaitExpression': return UNARY;
    case 'UpdateExpression': return node.prefix ? UNARY : POSTFIX;
    case 'CallExpression': case 'MemberExpression': case 'NewExpression': case 'ChainExpression':
    case 'TaggedTemplateExpression': case 'ImportExpression': return CALL;
    // A folded negative number prints as `-1`: a unary expression.
    case 'Literal': return typeof node.value === 'number' && (node.value < 0 || Object.is(node.value, -0)) ? UNARY : PRIMARY;
    default: return PRIMARY;
  }
}

class Printer {
  private depth = 0;

  statementOrExpression(node: AstNode): string {
    return node.type.endsWith('Statement') || node.type.endsWith('Declaration') ? this.statement(node) : this.expression(node);
  }

  private get indent(): string {
    return '  '.repeat(this.depth);
  }

  private block(statements: AstNode[]): string {
    if (statements.length === 0) return '{}';
    this.depth++;
    const lines = statements.map((statement) => this.indent + this.statement(statement));
    this.depth--;
    return `{\n${lines.join('\n')}\n${this.indent}}`;
  }

  private statement(node: AstNode): string {
    switch (node.type) {
      case 'ExpressionStatement': {
        const text = this.expression(node.expression as AstNode);
        return /^(\{|function\b|async function\b|class\b|let\s*\[)/.test(text) ? `(${text});` : `${text};`;
      }
      case 'BlockStatement': case 'StaticBlock': {
        const body = this.block(node.body as AstNode[]);
        return node.type === 'StaticBlock' ? `static ${body}` : body;
      }
      case 'EmptyStatement': return ';';
      case 'DebuggerStatement': return 'debugger;';
      case 'ReturnStatement': return node.argument ? `return ${this.expression(node.argument as AstNode)};` : 'return;';
      case 'ThrowStatement': return `throw ${this.expression(node.argument as AstNode)};`;
      case 'BreakStatement': case 'ContinueStatement': {
        const word = node.type === 'BreakStatement' ? 'break' : 'continue';
        return node.label ? `${word} ${node.label.name};` : `${word};`;
      }
      case 'LabeledStatement': return `${node.label.name}: ${this.statement(node.body as AstNode)}`;
      case 'IfStatement': {
        const head = `if (${this.expression(node.test as AstNode)}) ${this.statement(node.consequent as AstNode)}`;
        return node.alternate ? `${head} else ${this.statement(node.alternate as AstNode)}` : head;
      }
      case 'SwitchStatement': {
        this.depth++;
        const cases = (node.cases as AstNode[]).map((c) => {
          const head = c.test ? `case ${this.expression(c.test as AstNode)}:` : 'default:';
          this.depth++;
          const body = (c.consequent as AstNode[]).map((s) => `\n${this.indent}${this.statement(s)}`).join('');
          this.depth--;
          return `${this.indent}${head}${body}`;
        });
        this.depth--;
        return `switch (${this.expression(node.discriminant as AstNode)}) {\n${cases.join('\n')}\n${this.indent}}`;
      }
      case 'TryStatement': {
        let text = `try ${this.statement(node.block as AstNode)}`;
        if (node.handler) {
          const param = node.handler.param ? ` (${this.pattern(node.handler.param as AstNode)})` : '';
          text += ` catch${param} ${this.statement(node.handler.body as AstNode)}`;
        }
        if (node.finalizer) text += ` finally ${this.statement(node.finalizer as AstNode)}`;
        return text;
      }
      case 'WhileStatement': return `while (${this.expression(node.test as AstNode)}) ${this.statement(node.body as AstNode)}`;
      case 'DoWhileStatement': return `do ${this.statement(node.body as AstNode)} while (${this.expression(node.test as AstNode)});`;
      case 'WithStatement': return `with (${this.expression(node.object as AstNode)}) ${this.statement(node.body as AstNode)}`;
      case 'ForStatement': {
        const init = node.init ? this.forHead(node.init as AstNode) : '';
        const test = node.test ? ` ${this.expression(node.test as AstNode)}` : '';
        const update = node.update ? ` ${this.expression(node.update as AstNode)}` : '';
        return `for (${init};${test};${update}) ${this.statement(node.body as AstNode)}`;
      }
      case 'ForInStatement': case 'ForOfStatement': {
        const word = node.type === 'ForInStatement' ? 'in' : 'of';
        const right = this.expression(node.right as AstNode, word === 'of' ? 1 : 0);
        return `for${node.await ? ' await' : ''} (${this.forHead(node.left as AstNode)} ${word} ${right}) ${this.statement(node.body as AstNode)}`;
      }
      case 'VariableDeclaration': return `${this.variableDeclaration(node)};`;
      case 'FunctionDeclaration': return this.function(node);
      case 'ClassDeclaration': return this.class(node);
      default: return `${this.expression(node)};`;
    }
  }

  private forHead(node: AstNode): string {
    return node.type === 'VariableDeclaration' ? this.variableDeclaration(node) : this.expression(node, 1);
  }

  private variableDeclaration(node: AstNode): string {
    const declarations = (node.declarations as AstNode[]).map((d) =>
      d.init ? `${this.pattern(d.id as AstNode)} = ${this.expression(d.init as AstNode, 1)}` : this.pattern(d.id as AstNode),
    );
    return `${node.kind} ${declarations.join(', ')}`;
  }

  private pattern(node: AstNode): string {
    switch (node.type) {
      case 'ObjectPattern':
        return `{ ${(node.properties as AstNode[]).map((p) => (p.type === 'RestElement' ? this.pattern(p) : `${this.key(p)}: ${this.pattern(p.value as AstNode)}`)).join(', ')} }`;
      case 'ArrayPattern':
        return `[${(node.elements as (AstNode | null)[]).map((e) => (e ? this.pattern(e) : '')).join(', ')}${node.elements.at(-1) === null ? ',' : ''}]`;
      case 'AssignmentPattern': return `${this.pattern(node.left as AstNode)} = ${this.expression(node.right as AstNode, 1)}`;
      case 'RestElement': return `...${this.pattern(node.argument as AstNode)}`;
      default: return this.expression(node, 1);
    }
  }

  private key(node: AstNode): string {
    return node.computed ? `[${this.expression(node.key as AstNode, 1)}]` : this.expression(node.key as AstNode);
  }

  private params(params: AstNode[]): string {
    return `(${params.map((p) => this.pattern(p)).join(', ')})`;
  }

  private function(node: AstNode, asMethod = false): string {
    const prefix = asMethod ? '' : `${node.async ? 'async ' : ''}function${node.generator ? '*' : ''}${node.id ? ` ${node.id.name}` : ''}`;
    return `${prefix}${this.params(node.params as AstNode[])} ${this.statement(node.body as AstNode)}`;
  }

  private class(node: AstNode): string {
    const head = `class${node.id ? ` ${node.id.name}` : ''}${node.superClass ? ` extends ${this.expression(node.superClass as AstNode, CALL)}` : ''}`;
    // The canonical form initialises fields in the constructor; a private one is declared here
    // too, or the text would not parse.
    const declarations = undeclaredPrivateNames(node).map((name) => `#${name};`);
    if (node.body.body.length === 0 && declarations.length === 0) return `${head} {}`;
    this.depth++;
    const members = [...declarations, ...(node.body.body as AstNode[]).map((m) => this.classMember(m))].map((m) => this.indent + m);
    this.depth--;
    return `${head} {\n${members.join('\n')}\n${this.indent}}`;
  }

  private classMember(node: AstNode): string {
    if (node.type === 'StaticBlock') return this.statement(node);
    const isStatic = node.static ? 'static ' : '';
    if (node.type === 'PropertyDefinition') {
      return `${isStatic}${this.key(node)}${node.value ? ` = ${this.expression(node.value as AstNode, 1)}` : ''};`;
    }
    return `${isStatic}${this.methodHead(node)}${this.function(node.value as AstNode, true)}`;
  }

  private methodHead(node: AstNode): string {
    const value = node.value as AstNode;
    const kind = node.kind === 'get' || node.kind === 'set' ? `${node.kind} ` : '';
    return `${kind}${value.async ? 'async ' : ''}${value.generator ? '*' : ''}${this.key(node)}`;
  }

  private expression(node: AstNode, minPrecedence = 0): string {
    const text = this.bareExpression(node);
    return precedence(node) < minPrecedence ? `(${text})` : text;
  }

  private bareExpression(node: AstNode): string {
    switch (node.type) {
      case 'Identifier': case 'PrivateIdentifier':
        return node.type === 'PrivateIdentifier' ? `#${node.name}` : (node.name as string);
      case 'Literal':
        if (node.regex) return `/${node.regex.pattern}/${node.regex.flags}`;
        if (node.bigint !== undefined) return `${node.bigint}n`;
        if (typeof node.value === 'number' && Object.is(node.value, -0)) return '-0';
        return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
      case 'ThisExpression': return 'this';
      case 'Super': return 'super';
      case 'MetaProperty': return `${node.meta.name}.${node.property.name}`;
      case 'ArrayExpression':
        return `[${(node.elements as (AstNode | null)[]).map((e) => (e ? this.expression(e, 1) : '')).join(', ')}${node.elements.at(-1) === null ? ',' : ''}]`;
      case 'ObjectExpression':
        if (node.properties.length === 0) return '{}';
        return `{ ${(node.properties as AstNode[]).map((p) => this.property(p)).join(', ')} }`;
      case 'SpreadElement': case 'RestElement': return `...${this.expression(node.argument as AstNode, 1)}`;
      case 'FunctionExpression': return this.function(node);
      case 'ArrowFunctionExpression': {
        const body = node.body.type === 'BlockStatement' ? this.statement(node.body as AstNode) : this.expression(node.body as AstNode, 1);
        return `${node.async ? 'async ' : ''}${this.params(node.params as AstNode[])} => ${node.body.type === 'ObjectExpression' ? `(${body})` : body}`;
      }
      case 'ClassExpression': return this.class(node);
      case 'TemplateLiteral': return this.template(node, false);
      case 'TaggedTemplateExpression': return `${this.expression(node.tag as AstNode, CALL)}${this.template(node.quasi as AstNode, true)}`;
      case 'MemberExpression': {
        const object = node.object as AstNode;
        const objectText = object.type === 'Literal' && typeof object.value === 'number' ? `(${this.bareExpression(object)})` : this.expression(object, CALL);
        const dot = node.optional ? '?.' : '.';
        return node.computed ? `${objectText}${node.optional ? '?.' : ''}[${this.expression(node.property as AstNode)}]` : `${objectText}${dot}${this.expression(node.property as AstNode)}`;
      }
      case 'ChainExpression': return this.bareExpression(node.expression as AstNode);
      case 'CallExpression': {
        const callee = node.callee as AstNode;
        return `${this.expression(callee, CALL)}${node.optional ? '?.' : ''}${this.args(node.arguments as AstNode[])}`;
      }
      case 'NewExpression': {
        const callee = node.callee as AstNode;
        const wrap = containsCall(callee) || precedence(callee) < CALL;
        return `new ${wrap ? `(${this.bareExpression(callee)})` : this.bareExpression(callee)}${this.args(node.arguments as AstNode[])}`;
      }
      case 'ImportExpression':
        return `import(${this.expression(node.source as AstNode, 1)}${node.options ? `, ${this.expression(node.options as AstNode, 1)}` : ''})`;
      case 'UpdateExpression': {
        const argument = this.expression(node.argument as AstNode, POSTFIX);
        return node.prefix ? `${node.operator}${argument}` : `${argument}${node.operator}`;
      }
      case 'UnaryExpression': {
        const argument = node.argument as AstNode;
        const nested = (argument.type === 'UnaryExpression' || argument.type === 'UpdateExpression') && /^[+-]/.test(argument.operator as string);
        const text = nested ? `(${this.bareExpression(argument)})` : this.expression(argument, UNARY);
        return /^[a-z]/.test(node.operator as string) ? `${node.operator} ${text}` : `${node.operator}${text}`;
      }
      case 'AwaitExpression': return `await ${this.expression(node.argument as AstNode, UNARY)}`;
      case 'YieldExpression':
        return `yield${node.delegate ? '*' : ''}${node.argument ? ` ${this.expression(node.argument as AstNode, 1)}` : ''}`;
      case 'BinaryExpression': case 'LogicalExpression': return this.binary(node);
      case 'AssignmentExpression':
        return `${this.pattern(node.left as AstNode)} ${node.operator} ${this.expression(node.right as AstNode, 1)}`;
      case 'ConditionalExpression':
        return `${this.expression(node.test as AstNode, 3)} ? ${this.expression(node.consequent as AstNode, 1)} : ${this.expression(node.alternate as AstNode, 1)}`;
      case 'SequenceExpression': return (node.expressions as AstNode[]).map((e) => this.expression(e, 1)).join(', ');
      case 'ObjectPattern': case 'ArrayPattern': case 'AssignmentPattern': return this.pattern(node);
      default: return this.statement(node);
    }
  }

  private binary(node: AstNode): string {
    const own = precedence(node);
    const operator = node.operator as string;
    const side = (child: AstNode, min: number): string => {
      // `??` cannot mix with `||` or `&&` without parentheses.
      const mixes = child.type === 'LogicalExpression' && (child.operator === '??') !== (operator === '??');
      return mixes ? `(${this.bareExpression(child)})` : this.expression(child, min);
    };
    const left = side(node.left as AstNode, operator === '**' ? UNARY + 1 : own);
    const right = side(node.right as AstNode, operator === '**' ? own : own + 1);
    return `${left} ${operator} ${right}`;
  }

  private property(node: AstNode): string {
    if (node.type === 'SpreadElement') return this.bareExpression(node);
    const value = node.value as AstNode;
    if (node.kind === 'get' || node.kind === 'set' || node.method) return `${this.methodHead(node)}${this.function(value, true)}`;
    return `${this.key(node)}: ${this.expression(value, 1)}`;
  }

  private args(args: AstNode[]): string {
    return `(${args.map((a) => this.expression(a, 1)).join(', ')})`;
  }

  private template(node: AstNode, raw: boolean): string {
    const quasis = node.quasis as AstNode[];
    const expressions = node.expressions as AstNode[];
    let text = '`';
    quasis.forEach((quasi, index) => {
      const { cooked, raw: rawText } = quasi.value as { cooked: string | null; raw: string };
      text += raw || cooked === null ? rawText : escapeTemplate(cooked);
      if (index < expressions.length) text += `\${${this.expression(expressions[index] as AstNode)}}`;
    });
    return `${text}\``;
  }
}

/** Private names used in a class body (not in classes nested in it) that no member declares, in order. */
function undeclaredPrivateNames(cls: AstNode): string[] {
  const declared = new Set<string>();
  for (const member of cls.body.body as AstNode[]) if (member.key?.type === 'PrivateIdentifier') declared.add(member.key.name as string);
  const used: string[] = [];
  const visit = (node: AstNode): void => {
    if (node.type === 'PrivateIdentifier' && !declared.has(node.name as string) && !used.includes(node.name as string)) used.push(node.name as string);
    if (node !== cls && (node.type === 'ClassExpression' || node.type === 'ClassDeclaration')) return;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) for (const item of value) if (item && typeof item === 'object' && typeof item.type === 'string') visit(item as AstNode);
      if (value && typeof value === 'object' && typeof value.type === 'string') visit(value as AstNode);
    }
  };
  visit(cls.body as AstNode);
  return used;
}

function containsCall(node: AstNode): boolean {
  for (let current: AstNode | undefined = node; current; current = current.object as AstNode | undefined) {
    if (current.type === 'CallExpression' || current.type === 'ChainExpression') return true;
    if (current.type !== 'MemberExpression') return false;
  }
  return false;
}

function escapeTemplate(cooked: string): string {
  return JSON.stringify(cooked)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/`/g, '\\`')
    .replace(/\$\{/g, '\\${');
}
