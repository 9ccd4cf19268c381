import * as assert from 'node:assert/strict';
import {
  calledNames,
  enclosingFunction,
  filesWithEditedTests,
  findSyntaxProblems,
  findTestDefinitions,
  languageForFile,
  listFunctions,
  replaceFunctionDefinition,
} from '../../../src/core/syntax';
import { fixture } from './fixtures';

const FILE = 'src/lib.rs';

describe('syntax: Rust', () => {
  const text = fixture('rust-file', 'lib.rs');

  it('knows .rs files', () => assert.equal(languageForFile('src/lib.rs'), 'rust'));

  it('lists functions, methods of impl blocks and traits as Type.method, module paths, nested functions', async () => {
    const found = await listFunctions(text, FILE, 'rust');
    assert.deepEqual(
      found.map((f) => `${f.kind} ${f.name} ${f.range.startLine}-${f.range.endLine}`),
      [
        'method Stack.new 9-11',
        'method Stack.push 13-16',
        'method Stack.fmt 20-22',
        'method Sized2.size 26-28',
        'function util.clamp 33-38',
        'nested util.clamp.inner 34-36',
        'function total 41-45',
        'function tests.pushes 51-56',
        'function tests.clamps 58-62',
        'function tests.nested.deep 65-66',
        'function tests.helper 69-69',
      ],
    );
    const push = found.find((f) => f.name === 'Stack.push')!;
    assert.ok(push.text.startsWith('#[inline]\n'), 'attributes belong to the function');
    assert.equal((await enclosingFunction(text, FILE, 'rust', 44))?.name, 'total');
  });

  it('finds #[test] functions with the module path libtest prints, and the modules that hold them', async () => {
    const defs = await findTestDefinitions(text, FILE, 'rust');
    assert.deepEqual(
      defs.map((d) => `${d.kind} ${d.fullName} ${d.range.startLine}`),
      [
        'suite tests 47',
        'test tests::pushes 51',
        'test tests::clamps 58',
        'suite tests::nested 64',
        'test tests::nested::deep 65',
      ],
    );
  });

  it('names the calls of a test, those inside assert_eq!(…) included', async () => {
    const test =
      'fn t() { assert_eq!(util::clamp(5, 0, 3), total(&[3])); let s = Stack::<i64>::new(); s.push(1); parse::<u8>("1"); }';
    assert.deepEqual(await calledNames(test, 'rust'), ['clamp', 'total', 'new', 'push', 'parse']);
  });

  it('replaces a method given alone, re-indented, leaving its attributes and everything else as it was', async () => {
    const given = 'pub fn push(&mut self, item: T) {\n    self.items.insert(0, item);\n}';
    const out = await replaceFunctionDefinition(text, 'rust', given);
    assert.ok(out);
    assert.equal(
      out,
      text.replace(
        '    pub fn push(&mut self, item: T) {\n        self.items.push(item);\n    }',
        '    pub fn push(&mut self, item: T) {\n        self.items.insert(0, item);\n    }',
      ),
    );
    const withRaw = await replaceFunctionDefinition(
      text,
      'rust',
      'pub fn total(values: &[i64]) -> i64 {\n    let text = r#"a raw\nstring"#;\n    values.iter().sum()\n}',
    );
    assert.match(withRaw!, /let text = r#"a raw\nstring"#;\n {4}values\.iter\(\)\.sum\(\)\n\}/);
  });

  it('finds syntax errors', async () => {
    assert.deepEqual(await findSyntaxProblems(text, 'rust'), []);
    const broken = await findSyntaxProblems('fn f() -> i64 {\n    let x = (1 + 2;\n    x\n}\n', 'rust');
    assert.ok(broken.length > 0);
    assert.equal(broken[0]!.line, 2);
  });

  it('tells a change to a #[cfg(test)] module or a #[test] function from a change to the code', async () => {
    const codeOnly = text.replace('self.items.push(item);', 'self.items.insert(0, item);');
    const testChanged = text.replace('"1 items"', '"2 items"');
    const testAdded = `${text}\n#[test]\nfn extra() {}\n`;
    const edited = await filesWithEditedTests([
      { path: 'src/a.rs', before: text, after: codeOnly },
      { path: 'src/b.rs', before: text, after: testChanged },
      { path: 'src/c.rs', before: text, after: testAdded },
      { path: 'src/d.py', before: text, after: testChanged },
      { path: 'src/e.rs', before: '', after: testAdded, created: true },
    ]);
    assert.deepEqual([...edited].sort(), ['src/b.rs', 'src/c.rs']);
  });
});
