#!/usr/bin/env bash
# Installs the toolchains the framework fixtures need (test/fixtures/projects/), where they are missing
# and can be installed (Debian/Ubuntu, as root or with passwordless sudo). Idempotent, one block per
# toolchain. Never fails the caller: a missing toolchain is reported, and the tests that need it skip
# or fail saying why.
set -uo pipefail

say() { printf 'setup-frameworks: %s\n' "$*"; }

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

exit 0
