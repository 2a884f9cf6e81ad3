# Quick start: `make run` and `make test` (README). Both install missing Debian
# packages first, then build in Release.
BUILD_DIR     ?= build
JOBS          ?= $(shell nproc)
DEFAULT_SCENARIO ?= configs/oral_pk_fixed_arms.yaml
# CI (CI=true) treats compiler warnings as errors.
ifneq ($(CI),)
WERROR := -DTWINSIM_WERROR=ON
endif

.PHONY: all deps configure build run test clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(WERROR) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p out
	@$(BUILD_DIR)/cli/twinsim run $(DEFAULT_SCENARIO) -o out/default.h5 --force

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

clean:
	@rm -rf $(BUILD_DIR) out
