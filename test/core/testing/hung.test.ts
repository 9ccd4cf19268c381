import assert from 'node:assert/strict';
import { setUpProject } from '../../../src/core/repair';
import { nameHungTest } from '../../../src/core/repair/hung';
import { findHungTest, withPerTestTimeout } from '../../../src/core/testing/hung';
import { nodeTestAdapter } from '../../../src/core/testing/node-test';
import { pytestAdapter } from '../../../src/core/testing/pytest';
import type { TestReport } from '../../../src/core/testing/types';
import { copyProject } from '../../support/projects';

describe('naming a hung test', function () {
  this.timeout(120_000);

  it('adds the per-test limit where the framework takes it, and nowhere else', () => {
    assert.equal(
      withPerTestTimeout(pytestAdapter, 'python3 -m pytest tests && echo done', 5),
      'python3 -m pytest -o faulthandler_timeout=5 tests && echo done',
    );
    assert.equal(withPerTestTimeout(nodeTestAdapter, 'node --test test/', 5), 'node --test-timeout=5000 --test test/');
    // npm would need the option inside the script, and NODE_OPTIONS does not take --test-timeout.
    assert.equal(withPerTestTimeout(nodeTestAdapter, 'npm test', 5), undefined);
  });

  it('reads pytest\u2019s faulthandler dump: the test, and the project frames innermost last', () => {
    const output = [
      '..Timeout (0:00:05)!',
      'Thread 0x00007f8784bedb80 (most recent call first):',
      '  File "/work/p/stats/core.py", line 8 in mean',
      '  File "/work/p/tests/test_core.py", line 9 in test_mean',
      '  File "/usr/lib/python3/site-packages/_pytest/python.py", line 166 in pytest_pyfunc_call',
      '',
      'Thread 0x00007f8784bed000 (most recent call first):',
      '  File "/work/p/stats/other.py", line 3 in worker',
    ].join('\n');
    const hung = findHungTest(pytestAdapter, { output } as TestReport, '/work/p', 5);
    assert.equal(hung?.id, 'tests/test_core.py::test_mean');
    assert.equal(hung?.message, 'hung: did not finish within 5 s');
    assert.deepEqual(
      hung?.frames.map((f) => [f.file, f.line, f.functionName]),
      [
        ['tests/test_core.py', 9, 'test_mean'],
        ['stats/core.py', 8, 'mean'],
      ],
    );
    assert.equal(findHungTest(pytestAdapter, { output: '....' } as TestReport, '/work/p', 5), undefined);
  });

  it('node --test: the file whose test never settles fails at the per-test limit', async () => {
    const copy = await copyProject('node-hangs');
    const project = await setUpProject(copy.root);
    try {
      assert.equal(project.command, 'node --test');
      const hung = await nameHungTest(project, { timeoutMs: 8_000 });
      // Node 20 fails the whole file at the limit, so the file is what it can name.
      assert.equal(hung?.id, 'test/queue.test.js');
      assert.equal(hung?.message, 'hung: did not finish within 2 s');
      assert.match(hung?.details ?? '', /timed out after 2000 ?ms/);
    } finally {
      await project.sandbox.dispose();
      await copy.remove();
    }
  });
});
