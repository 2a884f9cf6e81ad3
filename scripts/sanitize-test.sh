#!/usr/bin/env bash
# Runs the unit, end-to-end and reliability tiers of a sanitizer build
# (TWINSIM_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer, no
# recovery). Every twinsim process the tests start inherits the options below,
# and every report goes to a log file, so a report in a child process (a
# `twinsim run` the test only checks the exit code of) fails the pass too.
#
# Usage: scripts/sanitize-test.sh [BUILD_DIR] [ctest args...]
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-asan}"
shift || true
logs="$PWD/$build/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"

# exitcode=86: a sanitizer death is never mistaken for twinsim's own exit 1.
common="halt_on_error=1:exitcode=86:log_path=$logs/report"
export ASAN_OPTIONS="$common:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="$common:print_stacktrace=1"
export LSAN_OPTIONS="exitcode=86:suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"

jobs="${JOBS:-$(nproc)}"
start=$(date +%s)
# Three e2e tests loop over configs/ at full size (every config run, every
# config reported, every config on 1 and 2 threads). Under ASan they took 6-7
# minutes each on the 2-core machine, mostly integrating the 3000-patient
# reference cohorts, so they run in the Release pass only; here the
# reliability test "every config runs, reports and compares at a small size"
# drives the same code with 3 replicates and a 100-patient cohort. Likewise
# the check of streamed report/compare against the in-memory computation on
# every config (140 s under ASan); the unit test "tables longer than a read
# block ..." reads several blocks here. The output digests (tests/e2e/make_digests.py)
# are of gcc's Release floating-point results, which clang's build does not
# reproduce bit for bit. The installed-package test builds a consumer with the
# system compiler, which cannot link clang's sanitized static libraries.
# Three more took 170-380 s each under ASan (9-45 s in Release), mostly
# integrating full-size cohorts: the in-memory sink against the HDF5 file on
# the PK/PD config (the design-only case and the unit tests of both sinks stay
# here), the HTML report of every config in Chromium (only the html output
# rules are checked here then), and fit -o + forecast on the example with its
# default draws (forecast is then not run under ASan).
skip='every config validates and runs|report and compare run on every config|bit-identical|in-memory computation|output digests|finds the installed package|every table bit for bit: PK/PD|renders every chart in headless Chromium|forecast reads them'
(cd "$build" && ctest --output-on-failure -j "$jobs" -L '^(unit|e2e|reliability)$' -E "$skip" "$@")
status=$?
echo "sanitize-test: ctest finished in $(( $(date +%s) - start )) s (exit $status)"

if [ -n "$(ls -A "$logs")" ]; then
  echo "sanitize-test: FAILED: sanitizer reports:" >&2
  for f in "$logs"/*; do echo "==== $f" >&2; cat "$f" >&2; done
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "sanitize-test: FAILED: tests failed under ASan+UBSan" >&2
  exit 1
fi
echo "sanitize-test: no sanitizer reports"
