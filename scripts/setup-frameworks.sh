#!/usr/bin/env bash
# Installs what the test frameworks' fixture projects (test/fixtures/projects/) need, so that the tests
# run each framework for real. Idempotent: what is already installed is left as it is. One block per
# toolchain; each says what it installed, or what is missing and why.
# - Toolchains (Go, cargo) are installed where they are missing and can be (Debian/Ubuntu, as root or
#   with passwordless sudo). One that cannot be installed is reported and does not fail this script:
#   the tests that need it skip or fail saying why.
# - The JavaScript runners' fixtures are installed from their lockfiles; an install that fails does fail
#   this script, naming the fixture, as every test of it would fail.
set -uo pipefail

say() { printf 'setup-frameworks: %s\n' "$*"; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
projects="$root/test/fixtures/projects"
failed=0

sudo=()
[[ $EUID -ne 0 ]] && sudo=(sudo -n)
can_apt() { command -v apt-get >/dev/null 2>&1 && { [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null; }; }
apt_updated=
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z $apt_updated ]]; then
    "${sudo[@]}" apt-get update -qq >/dev/null && apt_updated=1
  fi
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Go (go test): Debian's golang-go -------------------------------------------------------------------
if command -v go >/dev/null 2>&1; then
  say "$(go version) is installed"
elif can_apt && apt_install golang-go && command -v go >/dev/null 2>&1; then
  say "installed $(go version)"
else
  say "could not install Go (install the 'golang-go' package); the go test fixtures will be skipped"
fi
# --- end Go ---------------------------------------------------------------------------------------------

# --- cargo (cargo test): the cargo-* projects; rustup's cargo if present, else Debian's -------------------
if command -v cargo >/dev/null 2>&1; then
  say "cargo: $(cargo --version 2>&1)"
elif can_apt && apt_install cargo && command -v cargo >/dev/null 2>&1; then
  say "installed $(cargo --version 2>&1)"
else
  say "cargo is missing: the cargo test tests will fail; install Rust (rustup, or apt-get install cargo)" >&2
fi
# --- end cargo ------------------------------------------------------------------------------------------

# --- JavaScript runners (jest, vitest, mocha): `npm ci` in each fixture with a lockfile -----------------
# Every fixture with a package-lock.json pins its runner; one without node_modules gets it installed
# exactly as locked.
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
