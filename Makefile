# The two commands: `make demo` and `make test`. Both install what is missing.
.PHONY: test demo pkg bench setup clean

test:
	@scripts/test.sh

demo: setup pkg
	node scripts/demo.mjs

bench: setup pkg
	node bench/run.mjs
	node bench/bulk.mjs
	node bench/worker-load.mjs

pkg:
	scripts/build-pkg.sh

setup:
	@scripts/setup.sh

clean:
	rm -rf pkg target tests/out node_modules
