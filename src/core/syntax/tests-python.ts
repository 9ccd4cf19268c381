import { namedChildren, rangeOf } from './definitions';
import type { Node } from './parser';
import type { TestDefinition } from './tests';

/*
 * Python tests as pytest collects them by default: `test*` functions at module level; classes named
 * `Test*` without their own `__init__`; any `unittest.TestCase` subclass, whatever its name; their
 * `test*` methods, inherited ones included; `Test*` classes nested in collected pytest-style classes.
 */

interface PyClass {
  name: string;
  /** Enclosing classes and the class itself. */
  path: string[];
  /** The whole definition, decorators included. */
  node: Node;
  /** Base expressions as written, without subscripts (`Generic[T]` is `Generic`). */
  bases: string[];
  /** `test*` methods by name, the last definition of a name winning (as at runtime). */
  tests: Map<string, Node>;
  /** Names assigned or defined in the body (`__init__`, `__new__`, ...). */
  members: Set<string>;
  /** `__test__ = False` in the body: pytest leaves the class alone. */
  optedOut: boolean;
  /** Functions and classes of the body in source order. */
  body: Array<{ kind: 'test'; name: string; node: Node } | { kind: 'class'; cls: PyClass }>;
}

/** A base named like a test case: `TestCase`, `unittest.TestCase`, `IsolatedAsyncioTestCase`, `SimpleTestCase`. */
const TEST_CASE_BASE = /TestCase$/;
/** An imported base whose name says test (`BaseTest`, `TestBase`): likely a TestCase defined elsewhere. */
const TEST_LIKE_BASE = /Test/;

export function visitPytest(root: Node): TestDefinition[] {
  const top = readBody(root, []);
  const classes = new Classes(top.filter((item) => item.kind === 'class').map((item) => item.cls));
  const lastTests = new Map<string, Node>();
  for (const item of top) if (item.kind === 'test') lastTests.set(item.name, item.node);
  const found: TestDefinition[] = [];
  for (const item of top) {
    // A name defined twice is the last definition at runtime, the only one pytest collects.
    if (item.kind === 'test' && lastTests.get(item.name) === item.node)
      found.push(testDefinition(item.name, [], item.node));
    else if (item.kind === 'class' && classes.isCollected(item.cls)) classes.emit(item.cls, found);
  }
  return found;
}

function readBody(block: Node, path: string[]): PyClass['body'] {
  const body: PyClass['body'] = [];
  for (const child of namedChildren(block)) {
    const def = child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    const name = def?.childForFieldName('name')?.text;
    if (!def || !name) continue;
    if (def.type === 'function_definition' && name.startsWith('test')) body.push({ kind: 'test', name, node: child });
    else if (def.type === 'class_definition') body.push({ kind: 'class', cls: readClass(child, def, [...path, name]) });
  }
  return body;
}

function readClass(outer: Node, def: Node, path: string[]): PyClass {
  const block = def.childForFieldName('body');
  const body = block ? readBody(block, path) : [];
  const tests = new Map<string, Node>();
  for (const item of body) if (item.kind === 'test') tests.set(item.name, item.node);
  const members = new Set<string>();
  let optedOut = false;
  for (const child of block ? namedChildren(block) : []) {
    const def = child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    const name = def?.childForFieldName('name')?.text;
    if (name) members.add(name);
    const assignment = child.type === 'expression_statement' ? child.namedChild(0) : null;
    if (assignment?.type !== 'assignment') continue;
    const target = assignment.childForFieldName('left')?.text;
    if (target) members.add(target);
    if (target === '__test__' && assignment.childForFieldName('right')?.text === 'False') optedOut = true;
  }
  const superclasses = def.childForFieldName('superclasses');
  const bases = (superclasses ? namedChildren(superclasses) : [])
    .filter((base) => base.type === 'identifier' || base.type === 'attribute' || base.type === 'subscript')
    .map((base) => (base.type === 'subscript' ? (base.childForFieldName('value')?.text ?? '') : base.text));
  return { name: path[path.length - 1]!, path, node: outer, bases, tests, members, optedOut, body };
}

/** The classes of one file, with what pytest would make of each. */
class Classes {
  private readonly byPath = new Map<string, PyClass>();

  constructor(top: PyClass[]) {
    const index = (cls: PyClass): void => {
      this.byPath.set(cls.path.join('.'), cls);
      for (const item of cls.body) if (item.kind === 'class') index(item.cls);
    };
    top.forEach(index);
  }

  /**
   * A base of `cls` resolved to a class of this file: in the scope `cls` is defined in, then at module
   * level. `class TestCase(TestCase)` derives from the imported name it shadows, not from itself.
   */
  private resolve(base: string, cls: PyClass): PyClass | undefined {
    const scope = cls.path.slice(0, -1);
    const resolved = this.byPath.get([...scope, base].join('.')) ?? this.byPath.get(base);
    return resolved === cls ? undefined : resolved;
  }

  /** Same-file base classes, nearest first, each once (close enough to Python's MRO for finding methods). */
  private ancestors(cls: PyClass, seen = new Set<PyClass>([cls])): PyClass[] {
    const found: PyClass[] = [];
    for (const base of cls.bases) {
      const resolved = this.resolve(base, cls);
      if (!resolved || seen.has(resolved)) continue;
      seen.add(resolved);
      found.push(resolved, ...this.ancestors(resolved, seen));
    }
    return found;
  }

  private isUnittest(cls: PyClass, seen = new Set<PyClass>()): boolean {
    seen.add(cls);
    return cls.bases.some((base) => {
      const resolved = this.resolve(base, cls);
      if (resolved) return !seen.has(resolved) && this.isUnittest(resolved, seen);
      const last = base.split('.').pop()!;
      return TEST_CASE_BASE.test(last) || (TEST_LIKE_BASE.test(last) && this.testMethods(cls).size > 0);
    });
  }

  /** Would pytest collect this class (given that its enclosing class, if any, is collected)? */
  isCollected(cls: PyClass): boolean {
    if (cls.optedOut) return false;
    if (this.isUnittest(cls)) return true;
    const lineage = [cls, ...this.ancestors(cls)];
    return cls.name.startsWith('Test') && !lineage.some((c) => c.members.has('__init__') || c.members.has('__new__'));
  }

  /** Own and inherited `test*` methods by name, each with the class that defines it. */
  private testMethods(cls: PyClass): Map<string, PyClass> {
    const owners = new Map<string, PyClass>();
    for (const c of [cls, ...this.ancestors(cls)])
      for (const name of c.tests.keys()) if (!owners.has(name)) owners.set(name, c);
    return owners;
  }

  emit(cls: PyClass, found: TestDefinition[]): void {
    const suite: TestDefinition = {
      name: cls.name,
      fullName: cls.path.join('::'),
      range: rangeOf(cls.node),
      kind: 'suite',
    };
    const inherited = [...this.testMethods(cls)]
      .filter(([, owner]) => owner !== cls)
      .map(([name, owner]) => testDefinition(name, owner.path, owner.tests.get(name)!));
    if (inherited.length) suite.inherited = inherited;
    found.push(suite);
    // unittest collects a TestCase's methods only; pytest-style classes may hold more test classes.
    const nests = !this.isUnittest(cls);
    for (const item of cls.body) {
      if (item.kind === 'test' && cls.tests.get(item.name) === item.node)
        found.push(testDefinition(item.name, cls.path, item.node));
      else if (item.kind === 'class' && nests && this.isCollected(item.cls)) this.emit(item.cls, found);
    }
  }
}

function testDefinition(name: string, classes: string[], node: Node): TestDefinition {
  return { name, fullName: [...classes, name].join('::'), range: rangeOf(node), kind: 'test' };
}
