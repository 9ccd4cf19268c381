/**
 * Go and Rust projects in a real VS Code: a Test Explorer run of `go test` / `cargo test` marks the
 * failing tests, and the "Self-repair" code lens stands over exactly those (a go test's id names its
 * package, a Rust unit test's its crate target: neither names the file the lens is in).
 */
import assert from 'node:assert/strict';
import { useSession } from './support/session';

describe('code lenses over failing go tests (go-buggy)', function () {
  const session = useSession({ project: 'go-buggy' });

  it('shows TestMean failed and the others passed in the Test Explorer', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('stats/stats_test.go', {
      failed: ['TestMean'],
      passed: ['TestMedian', 'TestRange'],
    });
    await workbench.screenshot('go-test-explorer-failing');
  });

  it('puts the "Self-repair" code lens over TestMean only', async () => {
    const { workbench } = session();
    const lenses = await workbench.codeLensesIn('stats/stats_test.go', /Self-repair/);
    assert.deepEqual(
      lenses.map(({ line }) => line),
      ['func TestMean(t *testing.T) {'],
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    assert.match(lenses[0]!.lens, /^Self-repair: fix "TestMean" — stats_test\.go:7: Mean\(\[1 2 3\]\) = 3, want 2$/);
    await workbench.screenshot('go-code-lens');
  });
});

describe('code lenses over failing cargo tests (cargo-buggy)', function () {
  const session = useSession({ project: 'cargo-buggy' });

  it('shows mean_of_two failed and adds_negatives passed in the Test Explorer', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('tests/api.rs', { failed: ['mean_of_two'], passed: ['adds_negatives'] });
  });

  it('puts the "Self-repair" code lens over the failing unit test in src/lib.rs only', async () => {
    const { workbench } = session();
    await workbench.openFile('src/lib.rs');
    // The tests sit below the fold, and an editor renders only the lenses in view.
    await workbench.goToLine(44);
    await workbench.waitForCodeLens(/Self-repair/);
    const lenses = await workbench.codeLensLines();
    // A Rust test's definition starts at its `#[test]` attribute.
    assert.deepEqual(
      lenses.map(({ line }) => line.trim()),
      ['#[test]'],
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    assert.match(lenses[0]!.lens, /^Self-repair: fix "[a-z_]+" — assertion `left == right` failed$/);
    await workbench.screenshot('cargo-code-lens');
  });
});
