import { strict as assert } from 'node:assert';
import type { RuntimeValues, TracedCall } from '../../../src/core/localize/types';
import { formatRuntimeValues } from '../../../src/core/localize/values';

const target = { file: 'more_itertools/more.py', name: 'exactly_n', line: 3405 };
const test = 'tests/test_more.py::ExactlyNTests::test_true';

function values(calls: TracedCall[], omittedCalls = 0): RuntimeValues {
  return { target, test, calls, omittedCalls };
}

const loopCall: TracedCall = {
  args: { iterable: '[True, True, False]', n: '2', predicate: "<class 'bool'>" },
  steps: [
    { line: 3412, locals: { iterable: '[True, True, False]', n: '2', count: '0' } },
    { line: 3413, locals: { iterable: '[True, True, False]', n: '2', count: '0', x: 'True' } },
    { line: 3414, locals: { iterable: '[True, True, False]', n: '2', count: '1', x: 'True' } },
    { line: 3414, locals: { iterable: '[True, True, False]', n: '2', count: '1', x: 'True' } },
    { line: 3415, locals: { iterable: '[True, True, False]', n: '2', count: '1', x: 'False' } },
  ],
  omittedSteps: 14,
  omittedAt: 3,
  returned: 'False',
};

describe('formatRuntimeValues', () => {
  it('names the function and the test, then each call: its arguments, what changed at each step, its end', () => {
    assert.equal(
      formatRuntimeValues(values([loopCall])),
      [
        'exactly_n (more_itertools/more.py:3405) while tests/test_more.py::ExactlyNTests::test_true ran:',
        "exactly_n(iterable=[True, True, False], n=2, predicate=<class 'bool'>)",
        '  line 3412: count=0',
        '  line 3413: x=True',
        '  line 3414: count=1',
        '  … 14 steps left out …',
        '  line 3414',
        '  line 3415: x=False',
        '  returned False',
      ].join('\n'),
    );
  });

  it('shows a raised exception, yielded values, a stop of line tracing, and the calls left out', () => {
    const generator: TracedCall = {
      args: { self: '<Window>', size: '2' },
      steps: [
        { line: 10, locals: { size: '2', window: '[]' } },
        { line: 12, locals: { size: '2', window: '[1, 2]' }, yielded: '(1, 2)' },
      ],
      omittedSteps: 0,
      linesStopped: true,
    };
    const raising: TracedCall = { args: {}, steps: [], omittedSteps: 0, raised: "ValueError('empty')" };
    const text = formatRuntimeValues({
      ...values([generator, raising], 1),
      target: { ...target, name: 'Window.slide' },
    });
    assert.deepEqual(text.split('\n').slice(1), [
      'slide(self=<Window>, size=2)',
      '  line 10: window=[]',
      '  line 12: window=[1, 2], yielded (1, 2)',
      '  … line tracing stopped here: the call ran too many lines …',
      'slide()',
      "  raised ValueError('empty')",
      '… 1 more call left out …',
    ]);
  });

  it('without omittedAt, puts the left-out steps in the middle', () => {
    const call: TracedCall = { ...loopCall };
    delete call.omittedAt;
    const lines = formatRuntimeValues(values([call])).split('\n');
    assert.equal(lines.indexOf('  … 14 steps left out …'), 5);
  });

  it('keeps to maxChars with whole lines and says how many were left out', () => {
    const many = Array.from({ length: 20 }, () => loopCall);
    const full = formatRuntimeValues(values(many), 100_000);
    const capped = formatRuntimeValues(values(many), 500);
    assert.ok(capped.length <= 500, `${capped.length} chars`);
    const kept = capped.split('\n');
    const note = /^… (\d+) more lines left out …$/.exec(kept.pop()!);
    assert.ok(note, capped);
    assert.equal(kept.length + Number(note[1]), full.split('\n').length);
    assert.ok(full.startsWith(kept.join('\n')));
  });
});
