import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair } from '../../../src/core/repair';
import { ScriptedModelServer } from '../../support/openai-server';
import { copyProject, processesInSandboxes } from '../../support/projects';
import { reply } from '../../support/replies';
import { repairSample } from '../../support/repair-run';

const MODEL = 'scripted-coder';

describe('repair loop (real tests, real HTTP, scripted model)', function () {
  this.timeout(120_000);

  it('repairs the Python project in two turns, feeding back the first explanation, diff and new failure', async () => {
    const { result, userPrompts, events } = await repairSample('python-buggy', [
      reply('python-mean-wrong-fix'),
      reply('python-mean-search-replace'),
    ]);
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.turns, 2);
    assert.equal(result.requests, 2);
    assert.deepEqual(result.before, { passed: 3, failed: 1 });
    assert.deepEqual(result.after, { passed: 4, failed: 0 });
    assert.match(result.patch, /^-\s+return sum\(xs\) \/ \(len\(xs\) - 1\)$/m);
    assert.match(result.patch, /^\+\s+return sum\(xs\) \/ len\(xs\)$/m);

    const [first, second] = userPrompts;
    assert.match(first!, /tests\/test_core\.py::test_mean/);
    assert.match(first!, /def mean\(xs\)/, 'the localized code is sent');
    assert.match(first!, /3\.0/, 'the actual value is sent');
    assert.match(second!, /I think the divisor is off by two/, 'the first explanation comes back');
    assert.match(second!, /\+\s+return sum\(xs\) \/ \(len\(xs\) \+ 1\)/, 'the first candidate comes back as a diff');
    assert.match(second!, /1\.5/, 'the new failure (mean is now 1.5) is sent');

    const verified = events.filter((e) => e.type === 'candidate-verified');
    assert.deepEqual(
      verified.map((e) => [e.turn, e.passed, e.failed]),
      [
        // The first candidate still fails test_mean: judged from the run of that test alone (staged).
        [1, 0, 1],
        [2, 4, 0],
      ],
    );
    assert.equal(events.at(-1)?.type, 'finished');
    assert.ok(result.usage.promptTokens > 0 && result.usage.completionTokens > 0);
    assert.deepEqual(
      result.requestLog.map((r) => [r.turn, r.candidate]),
      [
        [1, 1],
        [2, 1],
      ],
    );
    assert.equal(
      result.requestLog.reduce((sum, r) => sum + r.promptTokens, 0),
      result.usage.promptTokens,
    );
    assert.ok(
      result.requestLog[1]!.promptTokens > result.requestLog[0]!.promptTokens,
      'the second prompt carries the feedback',
    );
  });

  const formats: Array<[string, string, string, RegExp]> = [
    ['SEARCH/REPLACE blocks', 'python-buggy', 'python-mean-search-replace', /^\+\s+return sum\(xs\) \/ len\(xs\)$/m],
    ['a unified diff', 'js-buggy', 'js-total-unified-diff', /^\+\s+sum \+= item\.price \* item\.quantity;$/m],
    [
      'a unified diff with wrong hunk line numbers',
      'python-buggy',
      'python-mean-diff-wrong-line-numbers',
      /^\+\s+return sum\(xs\) \/ len\(xs\)$/m,
    ],
    [
      'the whole new function (Python)',
      'python-buggy',
      'python-mean-whole-function',
      /^\+\s+return sum\(xs\) \/ len\(xs\)$/m,
    ],
    [
      'the whole new function (JavaScript)',
      'js-buggy',
      'js-total-whole-function',
      /^\+\s+return items\.reduce\(\(sum, item\) => sum \+ item\.price \* item\.quantity, 0\);$/m,
    ],
    ['the whole file', 'js-buggy', 'js-total-whole-file', /^\+\s+sum \+= item\.price \* item\.quantity;$/m],
  ];
  for (const [format, project, scenario, expected] of formats) {
    it(`repairs ${project} from a reply carrying ${format}`, async () => {
      const { result } = await repairSample(project, [reply(scenario)]);
      assert.equal(result.status, 'fixed', result.message);
      assert.equal(result.turns, 1);
      assert.equal(result.after.failed, 0);
      assert.match(result.patch, expected);
      assert.doesNotMatch(result.patch, /test/, 'no test file is patched');
    });
  }

  it('never answers with a candidate that breaks a passing test', async () => {
    const { result, userPrompts } = await repairSample('python-buggy', [
      reply('python-breaks-median'),
      reply('python-mean-search-replace'),
    ]);
    assert.equal(result.status, 'fixed');
    assert.equal(result.turns, 2);
    const breaking = result.candidates.find((c) => c.turn === 1)!;
    assert.deepEqual(breaking.regressions, ['tests/test_core.py::test_median_even']);
    assert.equal(breaking.fixed, false);
    assert.match(userPrompts[1]!, /broke tests that passed before: tests\/test_core\.py::test_median_even/);
    assert.doesNotMatch(result.patch, /ordered\[mid\]$/m);
  });

  it('rejects a candidate that edits a test, and tells the model why', async () => {
    const { result, userPrompts, events } = await repairSample('python-buggy', [
      reply('python-edits-test'),
      reply('python-mean-search-replace'),
    ]);
    assert.equal(result.status, 'fixed');
    const rejected = events.find((e) => e.type === 'candidate-rejected');
    assert.ok(rejected && rejected.type === 'candidate-rejected');
    assert.match(rejected.reason, /tests\/test_core\.py.*read-only/);
    assert.match(userPrompts[1]!, /rejected before any test ran: .*read-only/);
  });

  it('rejects a candidate that does not parse before running any test', async () => {
    const { result, userPrompts, events } = await repairSample('python-buggy', [
      reply('python-syntax-error'),
      reply('python-mean-search-replace'),
    ]);
    assert.equal(result.status, 'fixed');
    assert.equal(
      events.filter((e) => e.type === 'candidate-verified').length,
      1,
      'only the good candidate ran the tests',
    );
    assert.match(userPrompts[1]!, /does not parse: stats\/core\.py:\d+/);
  });

  it('ends a candidate that loops forever at the timeout, leaves no process behind, and goes on', async () => {
    const { result, userPrompts } = await repairSample(
      'python-buggy',
      [reply('python-infinite-loop'), reply('python-mean-search-replace')],
      {
        timeoutMs: 4_000,
      },
    );
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.turns, 2);
    const looping = result.candidates.find((c) => c.turn === 1)!;
    assert.equal(looping.report?.timedOut, true);
    assert.match(userPrompts[1]!, /timed out/);
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('repairs code whose tests never finish: the killed run is the failure fed to the model', async () => {
    const { result, userPrompts } = await repairSample('python-hangs', [reply('python-hangs-fix')], {
      timeoutMs: 4_000,
    });
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.baseline?.timedOut, true);
    assert.match(userPrompts[0]!, /### \(test run\) \(errored\)\nMessage: tests timed out after 4 s/);
    assert.match(userPrompts[0]!, /while i < len\(xs\):/, 'the code under test is shown');
    assert.deepEqual(result.before, { passed: 0, failed: 1 });
    assert.deepEqual(result.after, { passed: 2, failed: 0 });
    assert.match(result.patch, /^\+\s+i \+= 1$/m);
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('gives up after the last turn with status unfixed and no patch', async () => {
    const { result } = await repairSample(
      'python-buggy',
      [reply('python-mean-wrong-fix'), reply('python-mean-wrong-fix')],
      { maxTurns: 2 },
    );
    assert.equal(result.status, 'unfixed');
    assert.equal(result.turns, 2);
    assert.equal(result.patch, '');
    assert.deepEqual(result.after, { passed: 3, failed: 1 });
  });

  it('asks for several candidates per turn and offers the verified one first', async () => {
    const { result } = await repairSample(
      'python-buggy',
      [reply('python-mean-wrong-fix'), reply('python-mean-whole-function'), reply('python-edits-test')],
      {
        candidatesPerTurn: 3,
      },
    );
    assert.equal(result.status, 'fixed');
    assert.equal(result.requests, 3);
    assert.equal(result.turns, 1);
    assert.equal(result.candidates[0]!.fixed, true);
    assert.equal(result.candidates.length, 3);
    assert.ok(result.candidates.at(-1)!.rejected, 'the test-editing candidate is ranked last');
  });

  it('is cancelled while the model is streaming, promptly and cleanly', async () => {
    const controller = new AbortController();
    const { result } = await repairSample(
      'python-buggy',
      [{ content: reply('python-mean-search-replace'), chunkDelayMs: 500 }],
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'request-streaming') controller.abort();
        },
      },
    );
    assert.equal(result.status, 'cancelled');
    assert.equal(result.patch, '');
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('says in one line when the model is unknown', async () => {
    const copy = await copyProject('js-buggy');
    const server = await ScriptedModelServer.start({ models: [MODEL] });
    try {
      const result = await repair({
        projectRoot: copy.root,
        model: new OpenAIModelClient({ baseUrl: server.url, model: 'nope' }),
      });
      assert.equal(result.status, 'error');
      assert.match(result.message, /unknown model "nope"/);
      assert.doesNotMatch(result.message, /\n/);
    } finally {
      await server.close();
      await copy.remove();
    }
  });

  it('reports nothing to repair when every test passes', async () => {
    const copy = await copyProject('python-buggy');
    try {
      const file = path.join(copy.root, 'stats', 'core.py');
      await writeFile(file, (await readFile(file, 'utf8')).replace('(len(xs) - 1)', 'len(xs)'));
      const result = await repair({
        projectRoot: copy.root,
        model: new OpenAIModelClient({ baseUrl: 'http://127.0.0.1:9/v1', model: MODEL }),
      });
      assert.equal(result.status, 'fixed');
      assert.equal(result.requests, 0);
      assert.match(result.message, /all tests already pass/);
    } finally {
      await copy.remove();
    }
  });
});
