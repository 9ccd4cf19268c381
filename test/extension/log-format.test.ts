import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatRepairEvent, type LogLine } from '../../src/extension/logic/log-format';
import { reply } from '../support/replies';
import { recordRepair, type RecordedRepair } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

interface Rule {
  match?: string;
  name?: string;
  captures?: Record<string, { name: string }>;
  patterns?: Rule[];
  include?: string;
}

/** The grammar's rules as JavaScript regular expressions (the patterns stay within the shared syntax), each with its scope. */
function grammarRules(): Array<{ regex: RegExp; scopes: string[] }> {
  const grammar = JSON.parse(readFileSync(path.join(ROOT, 'syntaxes', 'self-repair-log.tmLanguage.json'), 'utf8')) as {
    repository: Record<string, Rule>;
  };
  const flat: Array<{ regex: RegExp; scopes: string[] }> = [];
  const visit = (rule: Rule): void => {
    if (rule.match) {
      const scopes = [rule.name, ...Object.values(rule.captures ?? {}).map((c) => c.name)].filter(
        (s): s is string => !!s,
      );
      flat.push({ regex: new RegExp(rule.match, 'm'), scopes });
    }
    rule.patterns?.forEach(visit);
  };
  Object.values(grammar.repository).forEach(visit);
  return flat;
}

/**
 * Scopes the grammar gives to a line, as a TextMate tokenizer does with a flat list of rules: from
 * the current position, the earliest match wins, the rule listed first on a tie.
 */
function scopesOf(line: string): string[] {
  const rules = grammarRules().map((rule) => ({ ...rule, regex: new RegExp(rule.regex.source, 'gm') }));
  const scopes: string[] = [];
  for (let pos = 0; pos < line.length;) {
    let best: { index: number; end: number; scopes: string[] } | undefined;
    for (const rule of rules) {
      rule.regex.lastIndex = pos;
      const match = rule.regex.exec(line);
      if (match && match[0] && (!best || match.index < best.index))
        best = { index: match.index, end: match.index + match[0].length, scopes: rule.scopes };
    }
    if (!best) break;
    scopes.push(...best.scopes);
    pos = best.end;
  }
  return scopes;
}

describe('the Self-repair log', function () {
  this.timeout(120_000);
  let run: RecordedRepair;
  let log: LogLine[];
  let text: string;

  before(async () => {
    run = await recordRepair('python-buggy', [reply('python-mean-wrong-fix'), reply('python-mean-search-replace')]);
    log = run.events.flatMap(formatRepairEvent);
    text = log.map((l) => l.text).join('\n');
  });

  it('has, for every turn, the prompt, the explanation, the patch and the test results', () => {
    for (const turn of [1, 2]) assert.ok(text.includes(`── turn ${turn}/4 ──`), `turn ${turn} header`);
    assert.equal(text.match(/\[prompt\] turn \d/g)?.length, 2);
    assert.equal(text.match(/\[explanation\] candidate 1:/g)?.length, 2);
    assert.equal(text.match(/\[patch\] candidate 1:/g)?.length, 2);
    // Staged verification: the wrong candidate is judged from its failing test alone.
    assert.match(
      text,
      /\[tests\] candidate 1: 0 passed, 1 failed \(its failing tests alone\) — FAIL \(still failing\)/,
    );
    assert.match(text, /\[tests\] candidate 1: 4 passed, 0 failed — PASS \(fixed\)/);
    assert.match(text, /before: 3 passed, 1 failed\n?/);
    assert.match(text, /FAIL tests\/test_core\.py::test_mean — assert 3\.0 == 2\.0/);
    assert.match(text, /fixed: fixed in 2 turns.* \(2 requests, \d+\+\d+ tokens, [\d.]+ s\)/);
    // What the model was asked is there word for word.
    const asked = run.events.find((e) => e.type === 'request-started');
    assert.ok(asked?.type === 'request-started' && text.includes(asked.prompt.split('\n')[0]!));
    // Whole, after a line with its size and budget that notes the system prompt sent before it.
    const whole = asked.prompt
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    assert.match(
      text,
      /\[prompt\] turn 1: prompt ~[\d,]+ tokens of 6,000; sent after the system prompt \([\d,]+ characters, the same in every request\)\n {4}## Failing tests/,
    );
    assert.ok(text.includes(whole), 'the user message whole');
    assert.ok(log.some((l) => l.level === 'warn' && l.text.includes('FAIL (still failing)')));
  });

  it('puts the patch behind a gutter the grammar colours', () => {
    const patchLines = text.split('\n').filter((l) => l.startsWith('  │ '));
    const added = patchLines.find((l) => l.includes('+    return sum(xs) / len(xs)'));
    const removed = patchLines.find((l) => l.includes('-    return sum(xs) / (len(xs) - 1)'));
    assert.ok(added && removed, patchLines.join('\n'));
    assert.ok(scopesOf(added).includes('markup.inserted.diff.self-repair-log'), scopesOf(added).join());
    assert.ok(scopesOf(removed).includes('markup.deleted.diff.self-repair-log'), scopesOf(removed).join());
    const header = patchLines.find((l) => l.includes('+++ b/stats/core.py'))!;
    assert.ok(!scopesOf(header).includes('markup.inserted.diff.self-repair-log'), 'a file header is not an added line');
  });

  it('colours the turn markers and verdicts', () => {
    assert.ok(scopesOf('── turn 2/4 ──').includes('markup.heading.self-repair-log'));
    assert.ok(
      scopesOf('[tests] candidate 1: 4 passed, 0 failed — PASS (fixed)').includes('markup.inserted.self-repair-log'),
    );
    assert.ok(
      scopesOf('[tests] candidate 1: 3 passed, 1 failed — FAIL (still failing)').includes(
        'markup.deleted.self-repair-log token.error-token',
      ),
    );
    assert.ok(
      scopesOf('not fixed: not fixed after 4 turns').includes('markup.deleted.self-repair-log token.error-token'),
    );
    assert.deepEqual(scopesOf('running tests (pytest): python3 -m pytest'), []);
  });

  it('shows the best attempt when nothing was fixed', async () => {
    const failed = await recordRepair('python-buggy', [reply('python-mean-wrong-fix')], 1);
    const lines = failed.events
      .flatMap(formatRepairEvent)
      .map((l) => l.text)
      .join('\n');
    assert.match(lines, /not fixed: not fixed after 1 turn/);
    assert.match(
      lines,
      /best attempt: candidate 1 of turn 1: 0 passed, 1 failed \(its failing tests alone\)\n {2}│ diff --git a\/stats\/core\.py b\/stats\/core\.py/,
    );
  });
});
