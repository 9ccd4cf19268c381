import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectPath, readCoverageDir, type ProjectView } from '../../../../src/core/localize/trace/v8-coverage';

/**
 * Dumps in the shape node writes them, for the cases a node 20 run cannot produce (TypeScript run without a
 * map, a file gone since) or that are tedious to provoke (a byte-order mark, a half-written dump).
 */
describe('readCoverageDir', () => {
  let root: string;
  let dumps: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'v8-dump-root-'));
    dumps = await mkdtemp(path.join(os.tmpdir(), 'v8-dump-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(dumps, { recursive: true, force: true });
  });

  const view = (): ProjectView => ({
    roots: [root],
    isTestFile: (rel) => rel.startsWith('test/'),
    readText: (rel) => readFile(path.join(root, rel), 'utf8').catch(() => undefined),
  });

  async function project(files: Record<string, string>): Promise<void> {
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), text);
    }
  }

  /** A script's coverage: its top-level range (when `length` is given) and functions `[name, offset, count]`. */
  function script(url: string, length: number | undefined, functions: [string, number, number][]) {
    const top =
      length === undefined ? [] : [{ functionName: '', ranges: [{ startOffset: 0, endOffset: length, count: 1 }] }];
    const rest = functions.map(([functionName, startOffset, count]) => ({
      functionName,
      ranges: [{ startOffset, endOffset: startOffset + 1, count }],
    }));
    return { scriptId: '1', url, functions: [...top, ...rest] };
  }
  const url = (rel: string): string => pathToFileURL(path.join(root, rel)).href;

  const TS =
    'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const twice = (n: number) => add(n, n);\n';

  it('keeps a TypeScript file run without a map only when its text is what V8 ran', async () => {
    await project({ 'src/same.ts': TS, 'src/other.ts': TS });
    const result = [
      script(url('src/same.ts'), TS.length, [
        ['add', 0, 2],
        ['twice', TS.indexOf('(n: number)'), 1],
      ]),
      // Transpiled on the way in: the offsets are not the file's.
      script(url('src/other.ts'), TS.length - 30, [['add', 0, 1]]),
    ];
    await writeFile(path.join(dumps, 'coverage-1-1-0.json'), JSON.stringify({ result }));
    const [process] = await readCoverageDir(dumps, view());
    assert.deepEqual(process!.functions, [
      { file: 'src/same.ts', name: 'add', line: 1 },
      { file: 'src/same.ts', name: 'twice', line: 5 },
    ]);
  });

  it('without a top-level range, trusts JavaScript and not TypeScript', async () => {
    const js = 'function a() {}\nfunction b() {}\n';
    await project({ 'src/a.js': js, 'src/a.ts': TS });
    const result = [
      script(url('src/a.js'), undefined, [['b', js.indexOf('function b'), 1]]),
      script(url('src/a.ts'), undefined, [['add', 0, 1]]),
    ];
    await writeFile(path.join(dumps, 'coverage-1-1-0.json'), JSON.stringify({ result }));
    const [process] = await readCoverageDir(dumps, view());
    assert.deepEqual(process!.functions, [{ file: 'src/a.js', name: 'b', line: 2 }]);
  });

  it('counts offsets after a byte-order mark as node does: with it in CommonJS, without it in ES modules', async () => {
    const js = 'function a() {}\nfunction b() {}\n';
    await project({ 'src/bom.cjs': `\uFEFF${js}`, 'src/bom.mjs': `\uFEFF${js}` });
    const result = [
      script(url('src/bom.cjs'), js.length + 1, [
        ['a', 1, 1],
        ['b', 17, 1],
      ]),
      // In the ES module, offset 16 starts line 2 of the text without the mark (with it, line 1 would end there).
      script(url('src/bom.mjs'), js.length, [['b', 16, 1]]),
    ];
    await writeFile(path.join(dumps, 'coverage-1-1-0.json'), JSON.stringify({ result }));
    const [process] = await readCoverageDir(dumps, view());
    assert.deepEqual(process!.functions, [
      { file: 'src/bom.cjs', name: 'a', line: 1 },
      { file: 'src/bom.cjs', name: 'b', line: 2 },
      { file: 'src/bom.mjs', name: 'b', line: 2 },
    ]);
  });

  it('leaves out what is not project source, functions that never ran or V8 made up, and files gone since', async () => {
    const js = 'function a() {}\nfunction b() {}\n';
    await project({ 'src/a.js': js, 'test/a.test.js': js, 'node_modules/dep/index.js': js });
    const result = [
      script(url('src/a.js'), js.length, [
        ['a', 1, 0],
        ['b', js.indexOf('function b'), 3],
        ['<instance_members_initializer>', 5, 1],
      ]),
      script(url('src/gone.js'), 20, [['c', 5, 1]]),
      script(url('test/a.test.js'), js.length, [['a', 1, 1]]),
      script(url('node_modules/dep/index.js'), js.length, [['a', 1, 1]]),
      script(pathToFileURL(path.join(path.dirname(root), 'elsewhere.js')).href, 5, [['x', 1, 1]]),
      script('node:internal/main', 5, [['run', 1, 1]]),
      script('data:text/javascript,export%20{}', 5, [['r', 1, 1]]),
    ];
    await writeFile(path.join(dumps, 'coverage-1-1-0.json'), JSON.stringify({ result }));
    // A process killed while writing leaves a truncated dump behind.
    await writeFile(path.join(dumps, 'coverage-2-1-0.json'), '{"result":[{"url":');
    const processes = await readCoverageDir(dumps, view());
    assert.equal(processes.length, 1);
    assert.deepEqual(processes[0]!.functions, [{ file: 'src/a.js', name: 'b', line: 2 }]);
    assert.deepEqual([...processes[0]!.testFiles], ['test/a.test.js']);
  });
});

describe('projectPath', () => {
  it('is the POSIX path inside a root, outside node_modules', () => {
    assert.equal(projectPath('/p/src/a.js', ['/q', '/p']), 'src/a.js');
    assert.equal(projectPath('/p/..x/a.js', ['/p']), '..x/a.js');
    assert.equal(projectPath('/p/node_modules/d/a.js', ['/p']), undefined);
    assert.equal(projectPath('/p2/a.js', ['/p']), undefined);
    assert.equal(projectPath('/p', ['/p']), undefined);
  });
});
