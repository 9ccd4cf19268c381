import assert from 'node:assert/strict';
import { endText, RepairProgress } from '../../src/extension/logic/progress';
import { formatCount } from '../../src/extension/logic/text';
import { reply } from '../support/replies';
import { recordRepair, type RecordedRepair } from './helpers';

describe('status bar text from repair events', function () {
  this.timeout(120_000);
  let fixed: RecordedRepair;
  let unfixed: RecordedRepair;

  before(async () => {
    fixed = await recordRepair('python-buggy', [reply('python-mean-wrong-fix'), reply('python-mean-search-replace')]);
    unfixed = await recordRepair('python-buggy', [reply('python-mean-wrong-fix')], 1);
  });

  /** The status text after each event of a real repair. */
  function texts(run: RecordedRepair): string[] {
    const progress = new RepairProgress({ model: 'scripted-coder', project: 'python-buggy' });
    return run.events.map((event) => {
      progress.apply(event);
      return progress.statusText();
    });
  }

  it('shows the turn, candidates verified, tests passing and tokens while the repair runs', () => {
    const shown = texts(fixed);
    assert.equal(shown[0], '$(sync~spin) Self-repair: running tests');
    assert.ok(shown.includes('$(sync~spin) Self-repair: running tests · tests 3/4'), shown.join('\n'));
    const tokens = formatCount(fixed.result.usage.promptTokens + fixed.result.usage.completionTokens);
    assert.ok(
      shown.at(-2)!.endsWith(`· ${tokens} tokens`),
      `${shown.at(-2)} should end with the total tokens ${tokens}`,
    );
    const turnTwo = shown.filter((t) => t.includes('turn 2/4'));
    assert.ok(turnTwo.length > 0, shown.join('\n'));
    assert.equal(
      turnTwo.at(-1),
      `$(sync~spin) Self-repair: turn 2/4 · 2 candidates verified · tests 4/4 · ${tokens} tokens`,
    );
    assert.ok(
      shown.some((t) => t.startsWith('$(sync~spin) Self-repair: turn 1/4 · 1 candidate verified · tests 3/4 · ')),
      shown.join('\n'),
    );
    assert.equal(shown.at(-1), '$(check) Self-repair: fixed');
  });

  it('ends in "no fix after 1 turn — see log" with the turn count in the tooltip', () => {
    const progress = new RepairProgress({ model: 'scripted-coder', project: 'python-buggy', focus: 'test_mean' });
    for (const event of unfixed.events) progress.apply(event);
    assert.equal(progress.statusText(), '$(x) Self-repair: no fix after 1 turn — see log');
    assert.match(progress.tooltip(), /Turn 1 of 1 · model scripted-coder/);
    assert.match(progress.tooltip(), /Candidates: 1 verified \(0 fixed\), 0 rejected/);
    assert.match(progress.tooltip(), /Result: not fixed after 1 turn/);
  });

  it('names every end state', () => {
    const none = { candidates: [], turns: 4 };
    assert.equal(endText({ status: 'fixed', ...none }), '$(check) Self-repair: nothing to repair');
    assert.equal(endText({ status: 'cancelled', ...none }), '$(circle-slash) Self-repair: cancelled');
    assert.equal(endText({ status: 'error', ...none }), '$(error) Self-repair: error');
    assert.equal(endText({ status: 'unfixed', ...none }), '$(x) Self-repair: no fix after 4 turns — see log');
  });

  it('names the budget that ended a repair', () => {
    const none = { candidates: [], turns: 4 };
    assert.equal(
      endText({ status: 'unfixed', budget: 'tokens', ...none }),
      '$(x) Self-repair: no fix after 4 turns (token budget spent) — see log',
    );
    assert.equal(
      endText({ status: 'unfixed', budget: 'time', ...none }),
      '$(x) Self-repair: no fix after 4 turns (time budget spent) — see log',
    );
  });

  it('tells the notification what is happening now', () => {
    const progress = new RepairProgress({ model: 'scripted-coder', project: 'python-buggy' });
    const lines = fixed.events.map((event) => (progress.apply(event), progress.notification()));
    assert.ok(lines.includes('running the tests (pytest)…'), lines.join('\n'));
    assert.ok(lines.includes('turn 1/4: asking scripted-coder…'), lines.join('\n'));
    assert.ok(lines.includes('turn 2/4: verifying candidates in a copy of the project…'), lines.join('\n'));
  });

  it('says how long it has waited for the model until the first token arrives', () => {
    const progress = new RepairProgress({ model: 'm', project: 'p' });
    progress.apply({ type: 'turn-started', turn: 1, maxTurns: 4 });
    progress.apply({ type: 'request-waiting', turn: 1, candidate: 1, elapsedMs: 12_400 });
    assert.equal(progress.statusText(), '$(sync~spin) Self-repair: turn 1/4 · waiting for the model (12 s)');
    assert.equal(progress.notification(), 'turn 1/4: asking m: waiting for the model (12 s)…');
    progress.apply({ type: 'request-streaming', turn: 1, candidate: 1, chars: 40 });
    assert.equal(progress.statusText(), '$(sync~spin) Self-repair: turn 1/4');
    assert.equal(progress.notification(), 'turn 1/4: asking m (40 chars)…');
  });

  it('writes token counts short', () => {
    assert.deepEqual([0, 812, 1000, 1234, 12_345, 999_999, 1_250_000].map(formatCount), [
      '0',
      '812',
      '1k',
      '1.2k',
      '12k',
      '1M',
      '1.3M',
    ]);
  });
});
