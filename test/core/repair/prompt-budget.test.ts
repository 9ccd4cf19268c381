import assert from 'node:assert/strict';
import { buildRepairPrompt, SYSTEM_PROMPT, type RepairPrompt } from '../../../src/core/repair';
import type { CodeSnippet, PromptInput } from '../../../src/core/repair/prompt';
import { CHARS_PER_TOKEN, cutLines, estimateTokens, fairShare } from '../../../src/core/repair/prompt-budget';
import type { TestCaseResult, TestReport } from '../../../src/core/testing/types';

/** A failing test whose output is `lines` lines of a traceback. */
function failure(name: string, lines = 12): TestCaseResult {
  const trace = Array.from({ length: lines }, (_, i) => `  File "pkg/deep${i}.py", line ${i + 1}, in step${i}`);
  return {
    id: `tests/test_x.py::${name}`,
    name,
    file: 'tests/test_x.py',
    status: 'failed',
    message: `assert ${name}() == 1`,
    details: [...trace, `E   AssertionError: ${name} is wrong`].join('\n'),
    frames: [],
  };
}

/** A function of `lines` lines, in file `file`, ranked in `group` (no group when undefined). */
function fn(name: string, lines: number, group?: number, file = 'pkg/more.py'): CodeSnippet {
  const body = Array.from({ length: lines - 2 }, (_, i) => `    total_${i} = step_${i}(total_${i - 1})  # ${name}`);
  return {
    file,
    startLine: 1,
    endLine: lines,
    text: [`def ${name}(xs):`, ...body, '    return total'].join('\n'),
    label: `function ${name}, lines 1-${lines}`,
    language: 'python',
    ...(group === undefined ? {} : { group }),
  };
}

function testCode(name: string, asserts = 1): CodeSnippet {
  const checks = Array.from(
    { length: asserts },
    (_, i) => `    assert ${name.replace('test_', '')}([${i}, 2, 3]) == ${i}`,
  );
  const text = [`def ${name}():`, ...checks].join('\n');
  const lines = asserts + 1;
  return {
    file: 'tests/test_x.py',
    startLine: 1,
    endLine: lines,
    text,
    label: `test ${name}, lines 1-${lines}`,
    language: 'python',
  };
}

const report = (tests: TestCaseResult[]): TestReport => ({
  framework: 'pytest',
  tests,
  counts: { passed: 3, failed: tests.length, errored: 0, skipped: 0 },
  exitCode: 1,
  timedOut: false,
  output: '',
  durationMs: 10,
});

/**
 * One of each part. Those not in the core grow in order of value (about 600, 800, 1,000, 1,200, 1,400
 * and 1,600 characters), so that, as the budget shrinks, the kept ones are always the most valuable:
 * a smaller part further down could otherwise fill a gap a larger one left.
 */
function everyPart(): PromptInput {
  return {
    testCommand: 'pytest',
    failing: [failure('test_a'), failure('test_b')],
    tests: [testCode('test_a', 29)],
    code: [fn('top', 10, 0), fn('second', 29, 1), fn('third', 35, 2)],
    values: Array.from({ length: 30 }, (_, i) => `line ${i + 3}: total_${i} = ${i * 7}`).join('\n'),
    previous: {
      turn: 1,
      explanation: 'The loop starts one step late.',
      patch: '-    i = 1\n+    i = 0\n',
      report: report([failure('test_c', 36)]),
      regressions: [],
      kept: false,
    },
  };
}

/** The parts not in the core, most valuable first, by the names the prompt gives them. */
const VALUE_ORDER = [
  'failure of tests/test_x.py::test_b',
  'runtime values',
  'test test_a (tests/test_x.py)',
  'function second (pkg/more.py)',
  'function third (pkg/more.py)',
  'failure of tests/test_x.py::test_c with your change',
];

function sentTokens(prompt: RepairPrompt): number {
  return estimateTokens(prompt.messages.map((m) => m.content).join(''));
}

describe('the prompt budget', () => {
  it('estimates tokens as characters / 3.5, rounded up, and counts the system prompt', () => {
    assert.equal(CHARS_PER_TOKEN, 3.5);
    assert.deepEqual(
      [estimateTokens(''), estimateTokens('abc'), estimateTokens('abcd'), estimateTokens('a'.repeat(7))],
      [0, 1, 2, 2],
    );
    const prompt = buildRepairPrompt({ testCommand: 'pytest', failing: [failure('test_a')], tests: [], code: [] });
    assert.ok(prompt.estimatedTokens >= sentTokens(prompt));
    assert.ok(prompt.estimatedTokens > estimateTokens(SYSTEM_PROMPT) + estimateTokens(prompt.messages[1]!.content) - 1);
    assert.equal(prompt.budget, 6000, 'the settings\u2019 default');
    assert.deepEqual([prompt.trimmed, prompt.omitted], [[], []]);
  });

  it('keeps everything when it fits, in reading order: previous attempt, failures, test code, code, values', () => {
    const prompt = buildRepairPrompt({ ...everyPart(), maxTokens: 50_000 });
    assert.deepEqual([prompt.trimmed, prompt.omitted], [[], []]);
    const text = prompt.messages[1]!.content;
    const at = (s: string): number => {
      assert.ok(text.includes(s), s);
      return text.indexOf(s);
    };
    const order = [
      '## Your previous attempt (turn 1)',
      'Failures with your change:',
      '## Tests that still fail',
      '### tests/test_x.py::test_b',
      '## Test code (read-only)',
      '## Code under test',
      'def top(xs)',
      'def second(xs)',
      'def third(xs)',
      '## Runtime values (from the failing test)\n```',
      'Explain why the failing tests fail',
    ].map(at);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('leaves parts out whole, the least valuable first, as the budget shrinks; the core always stays', () => {
    let seen = 0;
    // Below the settings' least budget, so that the core alone just fits at the start.
    for (let budget = 600; budget <= 2600; budget += 10) {
      const prompt = buildRepairPrompt({ ...everyPart(), maxTokens: budget });
      const kept = VALUE_ORDER.filter((name) => !prompt.omitted.includes(name));
      assert.deepEqual(kept, VALUE_ORDER.slice(0, kept.length), `budget ${budget}: kept ${kept.join(', ')}`);
      assert.deepEqual(prompt.omitted, VALUE_ORDER.slice(kept.length), `budget ${budget}: named in order`);
      assert.ok(prompt.estimatedTokens <= budget, `budget ${budget}: ${prompt.estimatedTokens}`);
      const text = prompt.messages[1]!.content;
      for (const core of ['### tests/test_x.py::test_a', 'def top(xs)', 'The loop starts one step late.', '+    i = 0'])
        assert.ok(text.includes(core), `budget ${budget}: ${core}`);
      // A part left out leaves no trace, not even its heading.
      if (prompt.omitted.includes('runtime values')) assert.doesNotMatch(text, /## Runtime values/);
      if (prompt.omitted.includes('test test_a (tests/test_x.py)')) assert.doesNotMatch(text, /## Test code/);
      if (prompt.omitted.includes(VALUE_ORDER[5]!)) assert.doesNotMatch(text, /Failures with your change/);
      seen |= 1 << kept.length;
    }
    assert.equal(seen, (1 << (VALUE_ORDER.length + 1)) - 1, 'every step from none kept to all kept was seen');
  });

  it('keeps the snippets of one suspect together, ranks snippets without a group in their order', () => {
    const imports = { ...fn('imports', 3, 1), label: 'imports, lines 1-3', text: 'import math\n' };
    const grouped = buildRepairPrompt({
      testCommand: 'pytest',
      failing: [failure('test_a')],
      tests: [],
      code: [fn('later', 40, 2), imports, fn('middle', 40, 1), fn('top', 10, 0)],
      maxTokens: 1200,
    });
    const text = grouped.messages[1]!.content;
    assert.ok(text.indexOf('def top(xs)') < text.indexOf('import math'), 'group 0 first');
    assert.ok(text.includes('def middle(xs)') && text.includes('import math'), 'group 1 whole, imports and all');
    assert.ok(!text.includes('def later(xs)'));
    assert.deepEqual(grouped.omitted, ['function later (pkg/more.py)']);

    const ranked = buildRepairPrompt({
      testCommand: 'pytest',
      failing: [failure('test_a')],
      tests: [],
      code: [fn('first', 10), fn('second', 40), fn('third', 10)],
      maxTokens: 1000,
    });
    assert.deepEqual(
      ranked.omitted,
      ['function second (pkg/more.py)'],
      'the first is the core; then in order, if they fit',
    );
    assert.match(ranked.messages[1]!.content, /def first[\s\S]*def third/);
  });

  it('labels runtime values as seen on the original code when the code shown holds the previous change', () => {
    const input = everyPart();
    const kept = buildRepairPrompt({ ...input, previous: { ...input.previous!, kept: true } }).messages[1]!.content;
    assert.match(
      kept,
      /## Runtime values \(from the failing test, observed on the original code, before your change\)/,
    );
    assert.doesNotMatch(kept, /Failures with your change/, 'shown only when the change was set aside');
  });

  it('holds for big inputs: 20 failures with long traces and 10 big suspects stay within the budget', () => {
    const input: PromptInput = {
      testCommand: 'python -m pytest',
      failing: Array.from({ length: 20 }, (_, i) => failure(`test_${i}`, 400)),
      tests: Array.from({ length: 8 }, (_, i) => testCode(`test_${i}`)),
      code: Array.from({ length: 10 }, (_, g) => [fn(`suspect${g}`, 300, g), { ...fn(`helper${g}`, 60, g) }]).flat(),
      values: 'x = 1\n'.repeat(2000),
    };
    for (const maxTokens of [1000, 6000, 20_000]) {
      const prompt = buildRepairPrompt({ ...input, maxTokens });
      assert.ok(prompt.estimatedTokens <= maxTokens, `${prompt.estimatedTokens} of ${maxTokens}`);
      assert.ok(sentTokens(prompt) <= maxTokens);
      const text = prompt.messages[1]!.content;
      assert.match(text, /### tests\/test_x\.py::test_0 \(failed\)/);
      assert.match(text, /def suspect0\(xs\):/);
      assert.ok(
        prompt.omitted.includes('function suspect9 (pkg/more.py)'),
        `${maxTokens}: ${prompt.omitted.join(', ')}`,
      );
      if (maxTokens < 20_000) assert.ok(prompt.omitted.includes('failure of tests/test_x.py::test_19'));
    }
    for (let maxTokens = 1000; maxTokens <= 12_000; maxTokens += 500) {
      const prompt = buildRepairPrompt({ ...input, maxTokens });
      assert.ok(sentTokens(prompt) <= prompt.estimatedTokens && prompt.estimatedTokens <= maxTokens, String(maxTokens));
    }
    const roomy = buildRepairPrompt({ ...input, maxTokens: 20_000 });
    assert.ok(!roomy.omitted.includes('test test_0 (tests/test_x.py)'), 'further failures do not crowd out the test');
  });

  it('a tiny budget still holds the first failure and the top function, cut with a visible marker', () => {
    const prompt = buildRepairPrompt({
      testCommand: 'pytest',
      failing: [failure('test_a', 600), failure('test_b')],
      tests: [testCode('test_a')],
      code: [fn('top', 500, 0), fn('next', 20, 1)],
      maxTokens: 1000,
    });
    assert.ok(prompt.estimatedTokens <= 1000, String(prompt.estimatedTokens));
    assert.deepEqual(prompt.trimmed, ['failure of tests/test_x.py::test_a', 'function top (pkg/more.py)']);
    const text = prompt.messages[1]!.content;
    assert.match(text, /### tests\/test_x\.py::test_a \(failed\)\nMessage: assert test_a\(\) == 1/);
    assert.match(text, /E {3}AssertionError: test_a is wrong\n```/, 'the end of the trace, where the error is');
    assert.match(text, /```python\ndef top\(xs\):\n[\s\S]*\n… \d+ lines left out …\n[\s\S]* {4}return total\n```/);
    assert.match(text, /```\n {2}File "pkg\/deep0\.py"[\s\S]*\n… \d+ lines left out …\n/);
  });

  it('cuts the previous explanation and diff rather than leaving them out', () => {
    const input = everyPart();
    const long = Array.from({ length: 400 }, (_, i) => `Step ${i} of the reasoning.`).join('\n');
    const patch = Array.from({ length: 400 }, (_, i) => `+    line_${i} = ${i}`).join('\n');
    const prompt = buildRepairPrompt({
      ...input,
      previous: { ...input.previous!, explanation: long, patch },
      maxTokens: 1500,
    });
    assert.ok(prompt.estimatedTokens <= 1500);
    assert.deepEqual(prompt.trimmed, ['your previous explanation', 'your previous change']);
    const text = prompt.messages[1]!.content;
    assert.match(text, /> Step 0 of the reasoning\.\n[\s\S]*… \d+ lines left out …\n[\s\S]*> Step 399/);
    assert.match(text, /```diff\n\+ {4}line_0 = 0\n[\s\S]*… \d+ lines left out …[\s\S]*line_399 = 399\n```/);
  });
});

describe('cutting a text to a size', () => {
  const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');

  it('keeps whole lines from head and tail around a count of the lines left out', () => {
    const cut = cutLines(text, 200);
    assert.ok(cut.length <= 200, String(cut.length));
    const lines = cut.split('\n');
    const marker = lines.findIndex((l) => l.startsWith('…'));
    const left = Number(/^… (\d+) lines left out …$/.exec(lines[marker]!)?.[1]);
    assert.deepEqual(lines.slice(0, 2), ['line 0', 'line 1']);
    assert.equal(lines.at(-1), 'line 99');
    assert.equal(lines.length - 1 + left, 100, 'every line is kept or counted');
    assert.equal(cutLines(text, text.length), text, 'a text that fits is unchanged');
  });

  it('keeps at most maxLines lines, and cuts a first line too long on its own', () => {
    const cut = cutLines(text, 10_000, 0.25, 8).split('\n');
    assert.deepEqual(cut, ['line 0', 'line 1', '… 92 lines left out …', ...text.split('\n').slice(94)]);
    const long = cutLines('x'.repeat(5000), 100);
    assert.ok(long.length <= 100 && long.startsWith('xxx') && long.endsWith('…'), long);
  });

  it('shares room fairly: small parts whole, large ones cut to the same size', () => {
    assert.equal(fairShare([100, 5000, 8000], 2100), 1000);
    assert.equal(fairShare([100, 200], 1000), Number.POSITIVE_INFINITY);
    assert.equal(fairShare([100, 200], -5), 0);
  });
});
