#!/usr/bin/env bash
# `make test`: installs what is missing, then runs every check and test, each
# as a step, and ends with one line `N passed, N failed` summing every test
# any runner ran (a failed step with no count of its own counts as 1 failed).
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false \
  CLOUDFLARE_CF_FETCH_ENABLED=false NO_COLOR=1 CARGO_TERM_COLOR=never
mkdir -p tests/out
passed=0; failed=0; failed_steps=()

# step NAME COMMAND...: runs it, echoes its output, adds its counts.
step() {
  local name=$1; shift
  local log="tests/out/step-${name}.log"
  printf '\n=== %s\n' "$name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  # cargo test / wasm-bindgen-test: "test result: ok. N passed; M failed"
  local p f
  p=$(grep -aoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -aoE '; [0-9]+ failed' "$log" | awk '{s+=$2} END {print s+0}')
  # node --test: "# pass N" / "ℹ pass N"
  p=$((p + $(grep -aE '^(# |ℹ )pass [0-9]+$' "$log" | awk '{s+=$3} END {print s+0}')))
  f=$((f + $(grep -aE '^(# |ℹ )fail [0-9]+$' "$log" | awk '{s+=$3} END {print s+0}')))
  if [ "$rc" -ne 0 ]; then
    failed_steps+=("$name")
    [ "$f" -eq 0 ] && f=1
  fi
  passed=$((passed + p)); failed=$((failed + f))
}

# vitest writes its counts as JSON; its text summary is not a closing line CI reads.
vitest_counts() {
  node -e 'const r=require("./tests/out/worker-vitest.json");console.log(`test result: json. ${r.numPassedTests} passed; ${r.numFailedTests} failed`)'
}

step setup scripts/setup.sh || true
[ ${#failed_steps[@]} -eq 0 ] || { echo "0 passed, 1 failed"; exit 1; }

step fmt cargo fmt --check
step clippy cargo clippy --all-targets --quiet -- -D warnings
step clippy-wasm env STAND_IN_URL=http://127.0.0.1:1 cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
step cargo-test cargo test --quiet
step pkg scripts/build-pkg.sh
step size node scripts/size-budget.mjs

# wasm-bindgen tests in Node and in Chromium, against one stand-in.
standin_out=$(mktemp)
node stand-in/server.mjs --port 0 --quiet > "$standin_out" &
standin_pid=$!
for _ in $(seq 50); do grep -q listening "$standin_out" && break; sleep 0.1; done
export STAND_IN_URL=$(grep -o 'http://[0-9.:]*' "$standin_out")
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
step wasm-node cargo test --target wasm32-unknown-unknown --test wasm
step wasm-chromium env WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --test wasm
kill "$standin_pid" 2>/dev/null; rm -f "$standin_out"

step types node_modules/.bin/tsc -p tests/types
# A call that never settles fails its test after 3 minutes (the slowest takes
# about 12 s) instead of hanging the run.
step js node --test --test-reporter=spec --test-concurrency=1 --test-timeout=180000 tests/js/ tests/browser/
step worker-vitest bash -c 'node_modules/.bin/vitest run --config worker/vitest.config.js && '"$(declare -f vitest_counts); vitest_counts"

printf '\n'
if [ ${#failed_steps[@]} -gt 0 ]; then echo "failed steps: ${failed_steps[*]}"; fi
echo "$passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ]
