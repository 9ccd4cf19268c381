import assert from 'node:assert/strict';
import { DEFAULTS } from '../../src/core/repair/loop';
import { clampSetting, parseSetting, REPAIR_DEFAULTS, SETTING_LIMITS } from '../../src/core/settings';

describe('the settings contract both hosts use', () => {
  it('holds the loop\u2019s defaults', () => {
    assert.deepEqual(REPAIR_DEFAULTS, DEFAULTS);
    assert.equal(REPAIR_DEFAULTS.timeoutMs, SETTING_LIMITS.timeoutSeconds.default * 1000);
  });

  it('pulls hand-edited values into range and falls back to the default for anything but a number', () => {
    assert.equal(clampSetting('maxTurns', 0), 1);
    assert.equal(clampSetting('maxTurns', 7.4), 7);
    assert.equal(clampSetting('candidatesPerTurn', 99), 16);
    assert.equal(clampSetting('timeoutSeconds', '30'), 120);
    assert.equal(clampSetting('timeoutSeconds', Number.NaN), 120);
  });

  it('takes a typed value only when it is a whole number within the limits, and says why not in one line', () => {
    assert.equal(parseSetting('maxTurns', '20'), 20);
    assert.deepEqual(parseSetting('maxTurns', '21', '--max-turns'), {
      problem: '--max-turns must be a whole number from 1 to 20',
    });
    for (const bad of ['0', '2.5', 'four', '', ' ', '-1']) {
      assert.deepEqual(
        parseSetting('candidatesPerTurn', bad),
        { problem: 'candidatesPerTurn must be a whole number from 1 to 16' },
        JSON.stringify(bad),
      );
    }
  });
});
