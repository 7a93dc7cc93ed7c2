#!/usr/bin/env bash
# Builds the npm package into pkg/: Rust -> wasm32, wasm-bindgen (web target),
# wasm-opt -Oz (npm binaryen), short import/export names (minify-names.mjs),
# then the package.json, runtime entries and types.
#
# Everything is built in a temporary folder under target/ and moved to pkg/
# only once complete: a build that fails leaves the previous pkg/ (or none)
# in place, never a half-built one (whose missing or partial package.json
# would break the next `npm ci`, as the root package.json names file:./pkg).
# Needs `scripts/setup.sh` first (`make pkg` runs it): wasm-opt and esbuild
# come from node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
name=keywords_everywhere_backlinks
cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --quiet
mkdir -p target
out=$(mktemp -d target/pkg-build.XXXXXX)
trap 'rm -rf "$out"' EXIT
wasm-bindgen "target/wasm32-unknown-unknown/release/$name.wasm" \
  --target web --out-dir "$out" --no-typescript \
  --remove-name-section --remove-producers-section
# -ocimfs 200: binaryen inlines a function with one caller whatever its size,
# which put each check's error messages (and the Retry-After date parser)
# back into the function that runs on every call. Kept apart, a first call
# that succeeds never runs them, so the runtime never compiles them (V8
# compiles each wasm function when it first runs): 26 KB of code to compile
# on a cold first call instead of 38 KB, about 1 ms less cold start in Node,
# and a .wasm 300 B gzip smaller, with the same call times.
node_modules/.bin/wasm-opt -Oz -ocimfs 200 --strip-debug --strip-producers \
  "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
node scripts/minify-names.mjs "$out"
node scripts/package-pkg.mjs "$out"
# Complete: replace pkg/ with it (a rename within one file system).
rm -rf pkg
mv "$out" pkg
trap - EXIT
# Links the package's bin (the command-line tool) into node_modules/.bin:
# `npm ci` links only what the lockfile records of pkg/, which does not exist
# yet when it runs on a fresh clone. Offline, and the lockfile is untouched.
if [ -d node_modules/keywords-everywhere-backlinks ]; then
  npm rebuild keywords-everywhere-backlinks --offline --no-audit --no-fund --loglevel=error >/dev/null
fi
