import * as assert from 'node:assert/strict';
import { importedCode } from '../../../src/core/localize/imports';
import { Sources } from '../../../src/core/localize/sources';

/** Sources over in-memory files; the test files are readable but are not source. */
function project(sources: Record<string, string>, tests: Record<string, string>): Sources {
  const all = { ...sources, ...tests };
  return new Sources(Object.keys(sources), async (f) => all[f]);
}

describe('localize/imports (where a test file’s imports lead)', () => {
  it('follows Python imports, through a package’s __init__ one level, under any source root', async () => {
    const sources = project(
      {
        'src/pkg/__init__.py': 'from .more import *\nfrom . import sub\nfrom pkg.other import g\n',
        'src/pkg/more.py': 'from .deep import h\n\ndef f():\n    return 1\n',
        'src/pkg/deep.py': 'def h():\n    return 2\n',
        'src/pkg/sub.py': '',
        'src/pkg/other.py': '',
        'src/pkg/mod.py': '',
        'src/pkg/tools/__init__.py': '',
        'src/pkg/tools/knife.py': '',
        'docs/conf.py': '',
      },
      {
        'tests/test_a.py': 'import pkg as p\nfrom pkg.mod import f as first\nfrom pkg.tools import knife\nimport os\n',
      },
    );
    const found = await importedCode('tests/test_a.py', sources);
    // pkg/deep.py is two levels away: more.py's own imports are not followed.
    assert.deepEqual(found.files.sort(), [
      'src/pkg/__init__.py',
      'src/pkg/mod.py',
      'src/pkg/more.py',
      'src/pkg/other.py',
      'src/pkg/sub.py',
      'src/pkg/tools/__init__.py',
      'src/pkg/tools/knife.py',
    ]);
    assert.deepEqual([...found.renamed], [['first', 'f']]);
  });

  it('follows relative Python imports from a test package', async () => {
    const sources = project(
      { 'app/core.py': '', 'app/__init__.py': '' },
      { 'app/tests/test_core.py': 'from .. import core\nfrom ..core import run\n' },
    );
    assert.deepEqual((await importedCode('app/tests/test_core.py', sources)).files.sort(), [
      'app/__init__.py',
      'app/core.py',
    ]);
  });

  it('follows relative JavaScript imports and requires, TypeScript behind .js names, and index re-exports', async () => {
    const sources = project(
      {
        'src/x.ts': 'export function f() {}\n',
        'lib/index.js': "export * from './a.js';\nexport { b } from './b';\nimport './side.js';\n",
        'lib/a.js': '',
        'lib/b.js': '',
        'lib/side.js': '',
        'lib/far.js': '',
      },
      {
        'test/x.test.ts':
          "import { f } from '../src/x.js';\nimport { a } from '../lib';\nimport assert from 'node:assert';\nconst { far: near } = require('../lib/far');\n",
      },
    );
    const found = await importedCode('test/x.test.ts', sources);
    assert.deepEqual(found.files.sort(), [
      'lib/a.js',
      'lib/b.js',
      'lib/far.js',
      'lib/index.js',
      'lib/side.js',
      'src/x.ts',
    ]);
    assert.deepEqual([...found.renamed], [['near', 'far']]);
  });
});
