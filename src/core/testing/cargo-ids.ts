import { existsSync } from 'node:fs';
import path from 'node:path';

/** Files that are a target of their own: the library, the binary, each bin, test, bench and example. */
const TARGET_FILE =
  /^(?:src\/(?:lib|main)\.rs|(?:src\/bin|tests|benches|examples)\/[^/]+\.rs|(?:src\/bin|tests|benches|examples)\/[^/]+\/main\.rs)$/;
/** A module of a multi-file bin, test, bench or example: `tests/api/helpers.rs` belongs to `tests/api/main.rs`. */
const TARGET_MODULE = /^((?:src\/bin|tests|benches|examples)\/[^/]+)\/(.+)$/;

/**
 * The id `cargo test` reports for the test tree-sitter names `fullName` in `file`: the source file of
 * the target that compiles it and the test's module path in that target, as libtest prints it
 * (`tests::adds` in src/math.rs is `src/lib.rs::math::tests::adds`).
 */
export function cargoTestId(projectRoot: string, file: string, fullName: string): string {
  const absolute = path.resolve(projectRoot, file);
  const crate = crateDirOf(absolute) ?? path.resolve(projectRoot);
  const inCrate = toPosix(path.relative(crate, absolute));
  const { target, modules } = targetOf(crate, inCrate);
  return [toPosix(path.relative(projectRoot, path.join(crate, target))), ...modules, fullName].join('::');
}

function targetOf(crate: string, inCrate: string): { target: string; modules: string[] } {
  if (TARGET_FILE.test(inCrate)) return { target: inCrate, modules: [] };
  const inTarget = TARGET_MODULE.exec(inCrate);
  if (inTarget) return { target: `${inTarget[1]!}/main.rs`, modules: modulePath(inTarget[2]!) };
  if (inCrate.startsWith('src/')) {
    // A module of the library when there is one, else of the binary.
    const target = existsSync(path.join(crate, 'src', 'lib.rs')) ? 'src/lib.rs' : 'src/main.rs';
    return { target, modules: modulePath(inCrate.slice('src/'.length)) };
  }
  return { target: inCrate, modules: [] };
}

/** `math/stats.rs` → `math::stats`; `math/mod.rs` → `math`. */
function modulePath(fileInTarget: string): string[] {
  const parts = fileInTarget.replace(/\.rs$/, '').split('/');
  if (parts[parts.length - 1] === 'mod') parts.pop();
  return parts;
}

/** The folder of the nearest Cargo.toml above the file: its package. */
function crateDirOf(absolute: string): string | undefined {
  for (let dir = path.dirname(absolute); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'Cargo.toml'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function toPosix(relPath: string): string {
  return relPath.split(path.sep).join('/');
}
