# The two commands: `make demo` and `make test`. Both install what is missing.
.PHONY: test demo pkg bench setup clean screenshots

test:
	@scripts/test.sh

demo: setup pkg
	node scripts/demo.mjs

bench: setup pkg
	node bench/run.mjs
	node bench/worker-load.mjs

pkg:
	scripts/build-pkg.sh

# The README's pictures of the demo page (www/screenshots/), taken with headless Chromium.
screenshots: setup pkg
	node scripts/screenshots.mjs

setup:
	@scripts/setup.sh

clean:
	rm -rf pkg target tests/out node_modules
