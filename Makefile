# Quick start: `make run` and `make test` (README). Both install missing Debian
# packages first, then build in Release.
BUILD_DIR     ?= build
JOBS          ?= $(shell nproc)
DEFAULT_SCENARIO ?= configs/pkpd_boin_vs_3p3.yaml
# CI (CI=true) treats compiler warnings as errors.
ifneq ($(CI),)
WERROR := -DTWINSIM_WERROR=ON
endif

PREFIX        ?= /usr/local

.PHONY: all deps configure build run test clean install python validation-report

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DTWINSIM_MPI=ON $(WERROR) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p out
	@$(BUILD_DIR)/cli/twinsim run $(DEFAULT_SCENARIO) -o out/default.h5 --force

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory sanitize-test
	@$(MAKE) --no-print-directory fuzz

# The twinsim Python module in $(BUILD_DIR)/python/ (docs/python.md): then
# PYTHONPATH=$(BUILD_DIR)/python python3 -c 'import twinsim'. `make build`
# (and so `make test`) builds it too.
python: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target twinsim_python

# docs/validation-report.md (and build/validation/results.json) from a run of
# the validation tier: every check with its oracle, source, tolerance and
# observed error, grouped by credibility factor. A few minutes.
validation-report: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target twinsim_validation_tests
	@/usr/bin/python3 tests/validation/make_validation_report.py --tests $(BUILD_DIR)/tests/twinsim_validation_tests \
	  --json $(BUILD_DIR)/validation/results.json --markdown docs/validation-report.md

# Installs bin/twinsim (and the docs in share/doc/twinsim) under PREFIX.
install: build
	@cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	@rm -rf $(BUILD_DIR) $(SAN_BUILD_DIR) out

# Benchmarks of issue 8 (bench/: W1-W3 on 1 and 2 threads, the W1 peers, the
# table in docs/performance.md). Not part of `make test`; about 10 minutes.
# BENCH_ARGS=--quick checks the harness in under a minute.
BENCH_BUILD_DIR ?= build-bench
.PHONY: bench bench-deps

bench-deps:
	@bash bench/install-bench-deps.sh

bench: deps bench-deps
	@cmake -S . -B $(BENCH_BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DTWINSIM_BUILD_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BENCH_BUILD_DIR) -j $(JOBS) --target twinsim w1_cvode_loop
	@/usr/bin/python3 bench/run_bench.py --build $(BENCH_BUILD_DIR) $(BENCH_ARGS)

# Reliability (issue 7, docs/reliability.md): one clang build with AddressSanitizer
# + UndefinedBehaviorSanitizer and libFuzzer coverage serves both the sanitizer
# test pass and the fuzz targets. `make test` runs both after the Release tests.
SAN_BUILD_DIR ?= build-asan
FUZZ_SECONDS  ?= 60
# -O1 as the sanitizer manuals advise; at -O1 clang does not vectorize, so the
# `omp simd` hints would warn (-Wpass-failed) and break -Werror.
SAN_CXX_FLAGS := -O1 -gline-tables-only -Wno-pass-failed
SAN_TARGETS   := twinsim twinsim_unit_tests twinsim_e2e_tests twinsim_reliability_tests fuzz_scenario fuzz_result_file fuzz_user_model
.PHONY: sanitize-build sanitize-test fuzz

sanitize-build: deps
	@cmake -S . -B $(SAN_BUILD_DIR) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$(SAN_CXX_FLAGS)" \
	  -DTWINSIM_SANITIZE=ON -DTWINSIM_FUZZ=ON $(WERROR) >/dev/null
	@cmake --build $(SAN_BUILD_DIR) -j $(JOBS) --target $(SAN_TARGETS)

sanitize-test: sanitize-build
	@JOBS=$(JOBS) bash scripts/sanitize-test.sh $(SAN_BUILD_DIR)

fuzz: sanitize-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(SAN_BUILD_DIR)
