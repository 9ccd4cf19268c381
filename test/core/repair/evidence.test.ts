import assert from 'node:assert/strict';
import type { RepairEvent } from '../../../src/core/repair/types';
import { describeEvent } from '../../../src/core/report';
import { repairSample } from '../../support/repair-run';

/** A reply with no usable change: the turn's prompt is what these tests look at. */
const NO_FIX = '## Explanation\nI cannot tell yet.\n\n## Fix\nNo change.';

type TraceFinished = Extract<RepairEvent, { type: 'trace-finished' }>;

function traceFinished(events: RepairEvent[]): TraceFinished | undefined {
  return events.find((e): e is TraceFinished => e.type === 'trace-finished');
}

describe('evidence stage: tracing the failing tests before the first turn (real pytest, scripted model)', function () {
  this.timeout(180_000);

  it('ranks the function the failing test ran first and shows the values it saw in the first prompt', async () => {
    const { events, userPrompts } = await repairSample('python-trace', [NO_FIX], { maxTurns: 1, flakyCheck: false });
    const finished = traceFinished(events);
    assert.ok(finished, 'tracing reports what it found');
    assert.ok(finished.functions > 0);
    assert.match(finished.top ?? '', /^count_matching \(counting\/core\.py:\d+\)$/);
    assert.equal(finished.values, true);
    const prompt = userPrompts[0] ?? '';
    const code = prompt.split('## Code under test')[1] ?? '';
    assert.match(code.split('```')[1] ?? '', /def count_matching\(items, predicate\):/, 'the top suspect comes first');
    const values = prompt.split('## Runtime values')[1] ?? '';
    assert.match(values, /count_matching\(items=\[0, 1, 2,/, 'the arguments of the traced call');
    assert.match(values, /index=\d+/, 'the loop variable, step by step');
    assert.match(values, /steps? left out/, 'a long loop keeps its first and last steps');
    assert.match(values, /returned 14/, 'the wrong result the test saw');
  });

  it('with runtime values off, still ranks by the trace but shows no values', async () => {
    const { events, userPrompts } = await repairSample('python-trace', [NO_FIX], {
      maxTurns: 1,
      flakyCheck: false,
      runtimeValues: false,
    });
    assert.equal(traceFinished(events)?.values, false);
    assert.doesNotMatch(userPrompts[0] ?? '', /## Runtime values/);
    assert.match(userPrompts[0] ?? '', /def count_matching/);
  });

  it('with tracing off, runs no traced test and still finds the function by the test’s calls', async () => {
    const { events, userPrompts } = await repairSample('python-trace', [NO_FIX], {
      maxTurns: 1,
      flakyCheck: false,
      tracing: false,
    });
    assert.equal(
      events.some((e) => e.type === 'trace-started' || e.type === 'trace-finished'),
      false,
    );
    assert.doesNotMatch(userPrompts[0] ?? '', /## Runtime values/);
    assert.match(userPrompts[0] ?? '', /def count_matching/);
  });

  it('words what tracing found, and what it did not, for a person', () => {
    const found: RepairEvent = {
      type: 'trace-finished',
      source: 'python-settrace',
      functions: 7,
      top: 'count_matching (counting/core.py:8)',
      values: true,
      durationMs: 2345,
    };
    assert.equal(
      describeEvent(found).line,
      'traced in 2.3 s: 7 project functions ran; most suspect: count_matching (counting/core.py:8); its runtime values recorded',
    );
    const nothing: RepairEvent = { type: 'trace-finished', functions: 0, values: false, durationMs: 900 };
    assert.equal(
      describeEvent(nothing).line,
      "tracing found nothing to go on (0.9 s); localizing by the failure's frames and the test's imports",
    );
  });
});
