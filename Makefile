# The commands the README names: `make test`, `make demo`, `make bench`,
# `make pkg` and `make screenshots`. Each works alone on a fresh clone: each
# installs what is missing first (scripts/setup.sh). `make clean` removes
# everything they generate.
.PHONY: test demo pkg bench setup clean screenshots

test:
	@scripts/test.sh

demo: setup pkg
	node scripts/demo.mjs

bench: setup pkg
	node bench/run.mjs
	node bench/bulk.mjs
	node bench/worker-load.mjs
	node bench/worker-profile.mjs

pkg: setup
	scripts/build-pkg.sh

# The README's pictures of the demo page (www/screenshots/), taken with headless Chromium.
screenshots: setup pkg
	node scripts/screenshots.mjs

setup:
	@scripts/setup.sh

clean:
	rm -rf pkg target tests/out bench/out node_modules worker/node_modules .wrangler worker/.wrangler
