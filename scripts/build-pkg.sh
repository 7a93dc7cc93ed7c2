#!/usr/bin/env bash
# Builds the npm package into pkg/: Rust -> wasm32, wasm-bindgen (web target),
# wasm-opt -Oz (npm binaryen), short import/export names (minify-names.mjs),
# then the package.json, runtime entries and types.
set -euo pipefail
cd "$(dirname "$0")/.."
name=keywords_everywhere_backlinks
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --quiet
rm -rf pkg
wasm-bindgen "target/wasm32-unknown-unknown/release/$name.wasm" \
  --target web --out-dir pkg --no-typescript \
  --remove-name-section --remove-producers-section
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
node scripts/minify-names.mjs
node scripts/package-pkg.mjs
