import assert from 'node:assert/strict';
import { LensRefresh, RECHECK_DELAYS_MS } from '../../src/extension/logic/lens-refresh';

/** A host whose clock moves only when the test says so. */
function fakeHost(visible: string[]) {
  const timers: { at: number; callback: () => void; live: boolean }[] = [];
  let now = 0;
  const host = {
    signals: 0,
    visible,
    signal: () => void host.signals++,
    visibleDocuments: () => host.visible,
    setTimeout(callback: () => void, ms: number) {
      const timer = { at: now + ms, callback, live: true };
      timers.push(timer);
      return { dispose: () => void (timer.live = false) };
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        next.live = false;
        next.callback();
      }
      now = until;
    },
    pending: () => timers.some((t) => t.live),
  };
  return host;
}

describe('re-signalling a code lens change until every visible editor has it', () => {
  it('signals once more when an editor was not provided for (its refresh was dropped on blur)', () => {
    const host = fakeHost(['file:///t.py']);
    const refresh = new LensRefresh(host);
    refresh.changed();
    assert.equal(host.signals, 1);
    host.advance(RECHECK_DELAYS_MS[0]!);
    assert.equal(host.signals, 2);
    refresh.providing('file:///t.py')();
    host.advance(60_000);
    assert.equal(host.signals, 2);
    assert.ok(!host.pending());
  });

  it('signals nothing more when every visible editor was provided for after the change', () => {
    const host = fakeHost(['file:///t.py']);
    const refresh = new LensRefresh(host);
    refresh.changed();
    refresh.providing('file:///t.py')();
    host.advance(60_000);
    assert.equal(host.signals, 1);
  });

  it('does not count a provide call that began before the change (its lenses are stale)', () => {
    const host = fakeHost(['file:///t.py']);
    const refresh = new LensRefresh(host);
    const stale = refresh.providing('file:///t.py');
    refresh.changed();
    stale();
    assert.deepEqual(refresh.missing(), ['file:///t.py']);
  });

  it('wants one provide call per editor when a file is shown in two', () => {
    const host = fakeHost(['file:///t.py', 'file:///t.py', 'file:///u.py']);
    const refresh = new LensRefresh(host);
    refresh.changed();
    refresh.providing('file:///t.py')();
    refresh.providing('file:///u.py')();
    assert.deepEqual(refresh.missing(), ['file:///t.py']);
    refresh.providing('file:///t.py')();
    assert.deepEqual(refresh.missing(), []);
  });

  it('gives up after its last delay, so an editor that never asks costs nothing for long', () => {
    const host = fakeHost(['file:///t.py']);
    const refresh = new LensRefresh(host);
    refresh.changed();
    host.advance(10 * 60_000);
    assert.equal(host.signals, 1 + RECHECK_DELAYS_MS.length);
    assert.ok(!host.pending());
  });

  it('checks at once when poked while a check is pending, and not at all after the last one', () => {
    const host = fakeHost(['file:///t.py']);
    const refresh = new LensRefresh(host);
    refresh.poke();
    assert.equal(host.signals, 0);
    refresh.changed();
    refresh.poke();
    assert.equal(host.signals, 2);
    refresh.dispose();
    assert.ok(!host.pending());
  });
});
