/**
 * The files that may hold tests: every language a framework adapter runs. Whether one does is the
 * adapter's `isTestFile` to say (`*_test.go`; Rust's `tests/*.rs`, while unit tests sit in any source file).
 */
export const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,jsx,ts,mts,cts,tsx,go,rs}';

/** Folders of dependencies, caches and build output: never the project's own tests. */
export const EXCLUDE_GLOB =
  '**/{node_modules,.venv,venv,.git,__pycache__,.pytest_cache,.tox,dist,out,build,target,vendor}/**';
