# Two commands matter: `make run` and `make test`. Everything they need is installed by
# scripts/setup.sh from Debian packages (and npm for the web app).
SHELL := /bin/bash
JOBS ?= 2
RELEASE := build/release

.PHONY: all setup build run test test-fast bench lint format clean

all: build

setup:
	@bash scripts/setup.sh

# The release build: what `make run` and `make bench` use. No test switches.
build: setup
	@cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOMOST_BENCH=ON >/dev/null
	@ninja -C $(RELEASE) -j $(JOBS) pomost

run: build
	@bash scripts/web.sh build
	@mkdir -p var
	$(RELEASE)/src/pomost serve --demo --db var/demo.db

test: setup
	@bash scripts/test.sh

# Only the plain test build (no sanitizers): for quick local iterations.
test-fast: setup
	@POMOST_SKIP_SANITIZERS=1 bash scripts/test.sh

bench: build
	@bash scripts/bench.sh

lint: setup
	@cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOMOST_TESTING=ON >/dev/null
	@run-clang-tidy -quiet -p build/test 'src/.*' 2>/dev/null || clang-tidy -p build/test $$(git ls-files 'src/*.cc')

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build
