# The whole set-up on a fresh Debian machine (as root): `make demo` or `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo
MYBUILD := $(BUILD_DIR)/bin/mybuild
# ccache, when installed, makes rebuilds in fresh clones fast; nothing needs it.
CCACHE := $(shell command -v ccache 2>/dev/null)

.PHONY: all deps test-deps fuzz-deps build demo test test-sanitize fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --with-test-tools

fuzz-deps:
	@bash scripts/install-deps.sh --with-fuzz-tools

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE)) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(MYBUILD)

test: test-deps build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1500

# The fuzz targets of tests/fuzz, built with clang + libFuzzer in build-fuzz, each run FUZZ_SECONDS;
# crash inputs go to tests/fuzz/crashes/TARGET/ (replayed by `make test`).
FUZZ_SECONDS ?= 60
fuzz: fuzz-deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash tests/fuzz/run.sh

# The unit and e2e tests under AddressSanitizer + UndefinedBehaviorSanitizer, in build-sanitize; fails on
# any sanitizer report, also from a process whose failure a test expected (scripts/test_sanitize.sh).
test-sanitize: test-deps
	@JOBS=$(JOBS) BUILD_DIR=$(BUILD_DIR) bash scripts/test_sanitize.sh

bench: build
	@bash bench/run.sh $(MYBUILD)

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-sanitize
