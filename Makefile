# The commands the README names: `make test`, `make demo`, `make bench` and
# `make pkg`. Each works alone on a fresh clone: each installs what is missing
# first (scripts/setup.sh). `make clean` removes everything they generate.
.PHONY: test demo pkg bench setup clean

test:
	@scripts/test.sh

demo: setup pkg
	node scripts/demo.mjs

bench: setup pkg
	node bench/run.mjs
	node bench/bulk.mjs
	node bench/worker-load.mjs

pkg: setup
	scripts/build-pkg.sh

setup:
	@scripts/setup.sh

clean:
	rm -rf pkg target tests/out bench/out node_modules worker/node_modules .wrangler worker/.wrangler
