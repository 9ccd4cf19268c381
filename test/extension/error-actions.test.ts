import assert from 'node:assert/strict';
import { errorActions } from '../../src/extension/logic/error-actions';

describe('the buttons of an error message, picked by the error\u2019s kind', () => {
  it('offers Set API Key for a missing or rejected key, whatever the message says', () => {
    assert.deepEqual(errorActions('missing-key', { log: false }), ['Set API Key', 'Open Settings']);
    assert.deepEqual(errorActions('bad-key', { log: true }), ['Set API Key', 'Open Settings', 'Show Log']);
  });

  it('offers the settings for what they fix (endpoint, model, test command), and never the key', () => {
    for (const kind of ['unreachable', 'unknown-model', 'test-command'] as const) {
      assert.deepEqual(errorActions(kind, { log: true }), ['Open Settings', 'Show Log'], kind);
    }
  });

  it('offers only the log when the function to implement is not a stub or no test calls it', () => {
    assert.deepEqual(errorActions('generate-target', { log: true }), ['Show Log']);
  });

  it('offers only the log for the endpoint\u2019s own trouble and for faults of Self-repair', () => {
    for (const kind of ['rate-limited', 'server', 'bad-response', 'internal', undefined] as const) {
      assert.deepEqual(errorActions(kind, { log: true }), ['Show Log'], String(kind));
    }
  });
});
