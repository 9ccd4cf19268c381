/** The files that may hold tests: every language a framework adapter runs. */
export const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,jsx,ts,mts,cts,tsx}';

/** Folders of dependencies, caches and build output: never the project's own tests. */
export const EXCLUDE_GLOB = '**/{node_modules,.venv,venv,.git,__pycache__,.pytest_cache,.tox,dist,out,build}/**';
