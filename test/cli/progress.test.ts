import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { progressPrinter } from '../../src/cli/progress';
import type { RepairEvent } from '../../src/core/repair/types';
import { describeEvent, describeResult } from '../../src/core/report';
import { formatRepairEvent } from '../../src/extension/logic/log-format';
import { recordRepair, type RecordedRepair } from '../extension/helpers';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');

/** What the CLI prints on stderr for each event, as printed lines. */
function printed(events: RepairEvent[]): string[][] {
  return events.map((event) => {
    let out = '';
    progressPrinter((text) => (out += text), { model: 'gpt-4o-mini', live: false })(event);
    return out.split('\n').filter(Boolean);
  });
}

/** Token counts and durations differ from run to run. */
function steady(line: string): string {
  return line
    .replace(/\d+\+\d+ tokens, [\d.]+ s/, 'N+N tokens, N s')
    .replace(/^( {2}prompt ~)[\d,]+ tokens/, '$1N tokens')
    .replace(/^traced in [\d.]+ s:/, 'traced in N s:')
    .replace(/^candidate time limit: .*$/, 'candidate time limit: (follows the baseline)');
}

describe('the CLI\u2019s progress lines', function () {
  this.timeout(120_000);
  let run: RecordedRepair;

  before(async () => {
    run = await recordRepair('python-buggy', [reply('python-mean-wrong-fix'), reply('python-mean-search-replace')]);
  });

  it('are the sample the README shows, for the repair it describes', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const sample = /Progress goes to stderr:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1]?.trimEnd().split('\n');
    assert.ok(sample, 'the README has a progress sample');
    // A test run's progress line shows only when the run lasts over 10 s, which is the machine's doing.
    const events = run.events.filter((e) => e.type !== 'tests-progress');
    const lines = [...printed(events).flat(), describeResult(run.result).line];
    // The sample's first line is the CLI's word on the sandbox, before the repair starts; its last
    // line is the CLI's word on the untouched files, after the outcome.
    assert.match(sample[0]!, /^isolation: (bwrap|seatbelt|none)\b/);
    assert.deepEqual(lines.map(steady), sample.slice(1, -1).map(steady));
  });

  it('use the same words as the extension\u2019s log: tallies, verdicts, outcome', () => {
    const cli = printed(run.events);
    let compared = 0;
    run.events.forEach((event, i) => {
      const words = describeEvent(event);
      const log = formatRepairEvent(event)
        .map((line) => line.text)
        .join('\n');
      const shown = event.type === 'finished' ? describeResult(event.result).line : cli[i]!.join('\n');
      for (const part of [words.counts, words.problem, event.type === 'finished' ? words.line : undefined]) {
        if (!part || !shown) continue;
        assert.ok(shown.includes(part) && log.includes(part), `${event.type}: "${part}" in\n${shown}\nand\n${log}`);
        compared++;
      }
    });
    assert.ok(compared >= 5, `compared ${compared} sentences`);
  });
});
