import * as assert from 'node:assert/strict';
import { functionShapes } from '../../../src/core';
import { chooseStub, implementMessages } from '../../../src/extension/generate/choose';

const SOURCE = [
  'def mean(xs):', //  1
  '    """Arithmetic mean."""', //  2
  '    raise NotImplementedError', //  3
  '', //  4
  'def total(xs):', //  5
  '    """Sum."""', //  6
  '    return sum(xs)', //  7
  '', //  8
  'def spread(xs):', //  9
  '    """Largest minus smallest."""', // 10
  '    pass', // 11
  '', // 12
  'def bare(xs):', // 13
  '    pass', // 14
].join('\n');

describe('extension/generate: which function Implement Function works on', () => {
  it('the stub under the cursor', async () => {
    const choice = chooseStub(await functionShapes(SOURCE, 'stats.py', 'python'), 10, 'stats.py');
    assert.ok('stub' in choice);
    assert.equal(choice.stub.name, 'spread');
  });

  it('elsewhere, or on a function with a body, the file’s stubs to pick from', async () => {
    const functions = await functionShapes(SOURCE, 'stats.py', 'python');
    for (const line of [undefined, 4, 6, 14]) {
      const choice = chooseStub(functions, line, 'stats.py');
      assert.ok('pick' in choice, String(line));
      assert.deepEqual(
        choice.pick.map((s) => s.name),
        ['mean', 'spread'],
      );
    }
  });

  it('without stubs: why, in one line, and repair offered for a function with a body', async () => {
    const text = 'def total(xs):\n    """Sum."""\n    return sum(xs)\n\ndef bare(xs):\n    pass\n';
    const functions = await functionShapes(text, 'stats.py', 'python');
    assert.deepEqual(chooseStub(functions, 2, 'stats.py'), {
      problem: implementMessages.notStub('total'),
      offerRepair: true,
    });
    assert.deepEqual(chooseStub(functions, 6, 'stats.py'), { problem: implementMessages.noDocs('bare') });
    assert.deepEqual(chooseStub(functions, 4, 'stats.py'), { problem: implementMessages.noStubs('stats.py') });
  });
});
