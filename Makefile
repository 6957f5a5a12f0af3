# hetong — the two commands of the README:
#   make run    install what is missing, build, create ./var/demo if needed, serve on 127.0.0.1
#   make test   install what is missing, build (release, and ASan+UBSan) and the web app, run
#               every test under both (the release tests include the web app's Vitest unit
#               tests and its Playwright end-to-end tests in Chromium), then run each libFuzzer
#               target briefly (clang build of the parsers)
SHELL := /bin/bash
.DEFAULT_GOAL := build

DEMO_DIR ?= var/demo
LISTEN ?= 127.0.0.1:8080
HETONG := build/release/src/app/hetong
JOBS ?= $(shell nproc)

.PHONY: bootstrap web build build-asan build-fuzz run test test-release test-asan test-fuzz bench \
	bench-contracts format check-format lint clean

bootstrap:
	@scripts/bootstrap

# The web app (web/): npm packages from package-lock.json, then Vite builds web/dist, which
# `hetong serve` serves at /. Done again only when the lock file or a source changed.
WEB_SOURCES := $(shell find web/src web/index.html web/public web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)
web/node_modules/.package-lock.json: web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@cd web && npm run --silent build -- --logLevel warn
web: bootstrap web/dist/index.html

build: bootstrap web
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: bootstrap
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

build-fuzz: bootstrap
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

run: build
	@if [ ! -f $(DEMO_DIR)/hetong.conf ]; then \
	  $(HETONG) init --data $(DEMO_DIR) --demo --listen $(LISTEN); fi
	@echo "hetong: serving $(DEMO_DIR) — open http://$(LISTEN)/healthz (Ctrl-C stops)"
	@exec $(HETONG) serve --data $(DEMO_DIR)

test: check-format test-release test-asan test-fuzz

test-release: build
	@ctest --preset release

test-asan: build-asan
	@ctest --preset asan

test-fuzz: build-fuzz
	@ctest --preset fuzz

bench: build
	@cmake --build --preset release --target bench

bench-contracts: build
	@cmake --build --preset release --target bench-contracts

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	@bad=$$(git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | grep -c 'error:' || true); \
	if [ "$$bad" != "0" ]; then \
	  git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | grep 'error:' | head -20; \
	  echo "clang-format: $$bad problems (run 'make format')"; exit 1; fi

# clang-tidy needs one compile command per source: a configure of its own without unity builds.
lint: bootstrap
	@cmake --preset release -B build/lint -DHETONG_UNITY_BUILD=OFF >/dev/null
	@git ls-files 'src/*.cc' | grep -v '_test.cc' | xargs run-clang-tidy -quiet -p build/lint >/dev/null

clean:
	rm -rf build
