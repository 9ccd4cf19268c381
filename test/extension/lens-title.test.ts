import assert from 'node:assert/strict';
import { lensTitle } from '../../src/extension/logic/lens-title';

describe('the code lens label over a failing test', () => {
  it('is one label: the action, the test, then the reason after a single separator', () => {
    const title = lensTitle('test_mean', ['assert 60.0 == 54.0']);
    assert.equal(title, '$(wrench) Self-repair: fix "test_mean" — assert 60.0 == 54.0');
    assert.equal(title.match(/—|\|/g)?.length, 1);
  });

  it('counts the other failures of the same test', () => {
    assert.equal(
      lensTitle('adds', ['expected 1 to be 5', 'expected 2 to be 6', 'boom']),
      '$(wrench) Self-repair: fix "adds" — expected 1 to be 5 (+2 more)',
    );
  });

  it('drops the separator when there is no reason, and keeps a long reason on one short line', () => {
    assert.equal(lensTitle('test_x', ['']), '$(wrench) Self-repair: fix "test_x"');
    const long = lensTitle('test_x', [`first line\n${'x'.repeat(200)}`]);
    assert.ok(!long.includes('\n'));
    assert.ok(long.length < 140, long);
  });
});
