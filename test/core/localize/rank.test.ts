import * as assert from 'node:assert/strict';
import { listFunctions } from '../../../src/core/syntax';
import type { FunctionInfo } from '../../../src/core/syntax/types';
import { matchExecuted, ochiai, SuspectList } from '../../../src/core/localize/rank';
import type { ExecutedFunction } from '../../../src/core/localize/types';

const MODULE = `import functools


@functools.cache
def cached(x):
    return [y for y in range(x)]


class Box:
    @property
    def size(self):
        return 1

    def grow(self):
        def inner():
            return lambda: 2
        return inner


def size():
    return 0
`;

function executed(name: string, line: number): ExecutedFunction {
  return { file: 'm.py', name, line, failingTests: ['t'], passingTests: 0 };
}

function fn(name: string, startLine: number, endLine: number): FunctionInfo {
  return {
    name,
    file: 'f.py',
    range: { startLine, endLine, startIndex: startLine * 100, endIndex: endLine * 100 },
    text: '',
  };
}

describe('localize/rank', () => {
  it('computes Ochiai: what only failing tests run scores 1, what every test runs scores low', () => {
    assert.equal(ochiai(1, 0, 1), 1);
    assert.equal(ochiai(1, 3, 1), 0.5);
    assert.equal(ochiai(0, 5, 1), 0);
    assert.ok(Math.abs(ochiai(2, 2, 4) - 2 / Math.sqrt(16)) < 1e-12);
  });

  it('maps a tracer’s function (qualname, first line) to the function as the parser lists it', async () => {
    const functions = await listFunctions(MODULE, 'm.py', 'python');
    const name = (e: ExecutedFunction) => matchExecuted(e, functions)?.name;
    // co_firstlineno of a decorated function is its decorator's line, as our ranges start.
    assert.equal(name(executed('cached', 4)), 'cached');
    assert.equal(name(executed('Box.size', 10)), 'Box.size');
    // A line that is no function's first: the innermost function around it with that simple name.
    assert.equal(name(executed('size', 11)), 'Box.size');
    assert.equal(name(executed('size', 20)), 'size');
    // Comprehensions and lambdas stand for the named function around them.
    assert.equal(name(executed('cached.<locals>.<listcomp>', 6)), 'cached');
    assert.equal(name(executed('Box.grow.<locals>.inner.<locals>.<lambda>', 16)), 'Box.grow.inner');
    assert.equal(name(executed('Box.grow.<locals>.inner', 15)), 'Box.grow.inner');
    // V8 gives anonymous functions no name: the innermost function around the line.
    assert.equal(name({ ...executed('', 16) }), 'Box.grow.inner');
    assert.equal(name(executed('<module>', 1)), undefined);
    assert.equal(name(executed('elsewhere', 1)), undefined);
  });

  it('ranks by spectrum, frames and names, and breaks ties by a direct call, then by length', () => {
    const suspects = new SuspectList();
    suspects.note(fn('everywhere', 1, 5), { ochiai: ochiai(1, 9, 1) });
    suspects.note(fn('onlyFailing', 10, 40), { ochiai: ochiai(1, 0, 1) });
    suspects.note(fn('short', 50, 52), { named: true });
    suspects.note(fn('long', 60, 90), { named: true });
    suspects.note(fn('called', 100, 140), { called: true });
    suspects.note(fn('outerFrame', 150, 155), { frameDepth: 1 });
    suspects.note(fn('innerFrame', 160, 165), { frameDepth: 0 });
    suspects.note(fn('spectrumOnly', 170, 171), { ochiai: 0.3 });
    // A second signal for a known function merges with the first; equal scores go to the shorter function.
    suspects.note(fn('everywhere', 1, 5), { frameDepth: 3 });
    assert.deepEqual(
      suspects.ranked(10).map((s) => s.fn.name),
      ['innerFrame', 'onlyFailing', 'everywhere', 'outerFrame', 'called', 'spectrumOnly', 'short', 'long'],
    );
    assert.equal(suspects.ranked(2).length, 2);
  });
});
