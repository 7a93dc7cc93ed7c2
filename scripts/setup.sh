#!/usr/bin/env bash
# Installs what a fresh machine lacks for `make test`, `make demo` and
# `make bench`, and nothing that is already there. Safe to run repeatedly.
#   - the wasm32-unknown-unknown Rust target
#   - wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version
#   - Chromium and ChromeDriver from Debian (for browser tests)
#   - npm packages from the committed lockfile (`npm ci`), which bring the
#     npm `binaryen` wasm-opt (never Debian's: it breaks wasm-bindgen output)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then
  say "Cargo.lock names no wasm-bindgen version"; exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$wb_version" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $wb_version (had: ${have:-none})"
  # --locked fails on this registry (a locked dependency is missing); fall back.
  cargo install wasm-bindgen-cli --version "=$wb_version" --locked --force \
    || cargo install wasm-bindgen-cli --version "=$wb_version" --force
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Chromium and ChromeDriver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! node_modules/.bin/wasm-opt --version >/dev/null 2>&1; then
  say "node_modules/.bin/wasm-opt (npm binaryen) does not run"; exit 1
fi
