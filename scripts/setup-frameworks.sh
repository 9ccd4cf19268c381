#!/usr/bin/env bash
# Toolchains the framework adapters' tests run (test/core/testing, test/cli). One block per
# framework; each is idempotent, says what is missing, and never fails the caller.

# --- cargo (Rust): the cargo-* projects under test/fixtures/projects ------------------------------
setup_cargo() {
  if command -v cargo >/dev/null 2>&1; then
    echo "setup-frameworks: cargo: $(cargo --version 2>&1)"
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-frameworks: cargo is missing; installing Debian's cargo"
    if (apt-get install -y --no-install-recommends cargo >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends cargo >/dev/null 2>&1; }) &&
      command -v cargo >/dev/null 2>&1; then
      echo "setup-frameworks: cargo: $(cargo --version 2>&1)"
      return 0
    fi
  fi
  echo "setup-frameworks: cargo is missing: the cargo test tests will fail; install Rust (rustup, or apt-get install cargo)" >&2
  return 0
}
setup_cargo
# --- end cargo ---------------------------------------------------------------------------------

exit 0
