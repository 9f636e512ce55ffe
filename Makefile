# Thin wrapper over the CMake presets. See README.md.
PREFIX ?= /usr/local
FUZZ_TIME ?= 30

.PHONY: all setup deps release run test lint fuzz bench install clean

all: release

setup: deps release

deps:
	./scripts/install-deps.sh
	./scripts/install-node-deps.sh

release:
	cmake --preset release >/dev/null
	cmake --build --preset release
	@echo "built build/openclaw"

# The gateway in the foreground on 127.0.0.1:18789 (scripts/run.sh).
run:
	@./scripts/run.sh

test:
	cmake --preset debug >/dev/null
	cmake --build --preset debug
	ctest --preset debug

lint:
	cmake --preset debug >/dev/null
	./scripts/lint.sh build/debug

fuzz:
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	./scripts/run-fuzzers.sh build/fuzz $(FUZZ_TIME)

bench:
	cmake --preset bench >/dev/null
	cmake --build --preset bench
	./bench/run.sh build/bench

install: release
	cmake --install build --prefix "$(PREFIX)"

clean:
	rm -rf build
