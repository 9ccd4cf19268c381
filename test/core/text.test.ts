import { strict as assert } from 'node:assert';
import { MAX_DETAILS_CHARS, oneLine, trimText, truncate } from '../../src/core/text';

const numbered = (count: number, width = 0): string =>
  Array.from({ length: count }, (_, i) => `line ${i}`.padEnd(width, '.')).join('\n');

describe('text helpers', () => {
  describe('truncate', () => {
    it('leaves a short text alone and ends a cut one with an ellipsis, within the limit', () => {
      assert.equal(truncate('short', 10), 'short');
      assert.equal(truncate('abcdefghij', 10), 'abcdefghij');
      assert.equal(truncate('abcdefghijk', 10), 'abcdefghi…');
      assert.equal(truncate('abcd    efgh', 6), 'abcd…', 'no blank before the ellipsis');
    });

    it('is what oneLine cuts with', () => {
      assert.equal(oneLine('abc\n  def ghi', 8), truncate('abc def ghi', 8));
    });
  });

  describe('trimText', () => {
    it('keeps a short text as it is, apart from line endings and blank edges', () => {
      assert.equal(trimText('\n\n  Error: x\r\n    at f (a.js:1:1)\n\n'), '  Error: x\n    at f (a.js:1:1)');
    });

    it('cuts lines to the cap, keeping a quarter from the head and the rest from the tail', () => {
      const trimmed = trimText(numbered(100), 20);
      const lines = trimmed.split('\n');
      assert.equal(lines.length, 21);
      assert.deepEqual(lines.slice(0, 6), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4', '… 80 lines cut …']);
      assert.equal(lines[20], 'line 99');
    });

    it('caps characters at MAX_DETAILS_CHARS, the marker included, and keeps the end', () => {
      const long = numbered(2000, 20);
      const trimmed = trimText(long);
      assert.ok(trimmed.length <= MAX_DETAILS_CHARS, `${trimmed.length} characters`);
      assert.ok(trimmed.length > MAX_DETAILS_CHARS - 50, 'uses the room it has');
      assert.match(trimmed, /^line 0\.+\n/);
      assert.ok(trimmed.endsWith(`\n${'line 1999'.padEnd(20, '.')}`));
      const cut = Number(/\n… (\d+) characters cut …\n/.exec(trimmed)?.[1]);
      assert.equal(
        trimmed.length - `\n… ${cut} characters cut …\n`.length + cut,
        long.length,
        'the marker counts what went',
      );
    });

    it('cuts nothing more the second time, so a capped trace can be trimmed again for a prompt', () => {
      const once = trimText(numbered(2000, 30));
      assert.equal(trimText(once), once);
      const lines = trimText(numbered(500), 40);
      assert.equal(trimText(lines, 41), lines);
    });
  });
});
