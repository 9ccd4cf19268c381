#!/usr/bin/env bash
# Installs bubblewrap, the OS sandbox the tests of a repair run in on Linux, when it is missing and
# can be installed (Debian/Ubuntu, as root or with passwordless sudo). Idempotent: with bwrap in
# place it only checks that it can create its namespaces. Never fails the caller: without bubblewrap
# Self-repair falls back to running tests without an OS sandbox, and says so.
set -uo pipefail

say() { printf 'setup-sandbox: %s\n' "$*"; }

if [[ "$(uname -s)" != Linux ]]; then
  say "not Linux: nothing to install (macOS uses its own sandbox-exec)"
  exit 0
fi

if ! command -v bwrap >/dev/null 2>&1; then
  sudo=()
  [[ $EUID -ne 0 ]] && sudo=(sudo -n)
  if command -v apt-get >/dev/null 2>&1 && { [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null; }; then
    say "apt: installing bubblewrap"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null
  fi
fi

if ! command -v bwrap >/dev/null 2>&1; then
  say "bubblewrap is not installed and could not be (install the 'bubblewrap' package); tests will run without an OS sandbox"
  exit 0
fi

# The same check Self-repair makes before using it: a sandbox with its own namespaces runs `true`.
if out=$(bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent --new-session -- true 2>&1); then
  say "$(bwrap --version) works here"
else
  say "$(bwrap --version) is installed but cannot create its namespaces: ${out##*$'\n'}"
  say "(on Ubuntu 24.04 AppArmor refuses unprivileged user namespaces unless a profile allows bwrap)"
fi
exit 0
