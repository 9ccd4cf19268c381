#!/usr/bin/env bash
# Installs what the test frameworks' fixture projects (test/fixtures/projects/) need to run, so that the
# tests can run each framework for real. Idempotent: what is already installed is left as it is. Each
# framework has its own block below; a block says what it installed, or what is missing and why.
set -uo pipefail

say() { printf 'setup-frameworks: %s\n' "$*"; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
projects="$root/test/fixtures/projects"
failed=0

# --- JavaScript runners (jest, vitest, mocha): `npm ci` in each fixture with a lockfile -----------------
# Every fixture with a package-lock.json pins its runner; one without node_modules gets it installed
# exactly as locked. A fixture whose install fails makes this script fail, naming it.
install_node_fixtures() {
  if ! command -v npm >/dev/null 2>&1; then
    say "npm is not on PATH: cannot install the jest, vitest and mocha fixtures"
    return 1
  fi
  local status=0 lock dir name
  for lock in "$projects"/*/package-lock.json; do
    [[ -e "$lock" ]] || continue
    dir="$(dirname "$lock")"
    name="$(basename "$dir")"
    if [[ -d "$dir/node_modules" ]]; then
      continue
    fi
    say "npm ci in $name"
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      say "npm ci failed in $name (is the npm registry reachable?); its tests cannot run"
      rm -rf "$dir/node_modules"
      status=1
    fi
  done
  return $status
}
install_node_fixtures || failed=1
# --- end of JavaScript runners ---------------------------------------------------------------------------

if [[ $failed -ne 0 ]]; then
  say "some fixtures are not installed (see above)"
  exit 1
fi
say "fixtures ready"
