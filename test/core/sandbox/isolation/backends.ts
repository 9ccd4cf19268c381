import { probeBwrap } from '../../../../src/core/sandbox/isolation';

/**
 * Whether this machine can run bubblewrap sandboxes. CI sets SELF_REPAIR_REQUIRE_BWRAP=1 after its setup
 * step: there a missing or refused bubblewrap fails the suite instead of skipping its rows.
 */
export async function requireBwrap(context: Mocha.Context): Promise<void> {
  const found = await probeBwrap();
  if (found.available) return;
  if (process.env.SELF_REPAIR_REQUIRE_BWRAP === '1') throw new Error(`bubblewrap is required here: ${found.reason}`);
  context.skip(); // Not this machine's sandbox: `found.reason` says why (no bwrap, or namespaces refused).
}
