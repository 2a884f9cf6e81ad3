#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/) side by side for FUZZ_SECONDS each
# (default 60), from a seed corpus built here: configs/*.yaml and the
# malformed scenarios in tests/ for the scenario target, small result files
# written by this build's twinsim for the result-file target (no committed
# binaries), the malformed user models and an example for the user-model target. Any crash, leak, sanitizer report, timeout or out-of-memory
# fails the script; the input is kept in BUILD/fuzz/artifacts/ and belongs in
# tests/reliability/fuzz_regressions/<target>/ (see docs/reliability.md).
#
# Usage: scripts/fuzz.sh [BUILD_DIR]   (BUILD_DIR configured with TWINSIM_FUZZ=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-asan}"
seconds="${FUZZ_SECONDS:-60}"
work="$build/fuzz"
cli="$build/cli/twinsim"
for exe in "$build/fuzz/fuzz_scenario" "$build/fuzz/fuzz_result_file" "$build/fuzz/fuzz_user_model" "$cli"; do
  [ -x "$exe" ] || { echo "fuzz: $exe is missing (make fuzz builds it)" >&2; exit 2; }
done

rm -rf "$work/seeds" "$work/artifacts" "$work/logs"
mkdir -p "$work/seeds/scenario" "$work/seeds/result_file" "$work/seeds/user_model" "$work/corpus/scenario" \
         "$work/corpus/result_file" "$work/corpus/user_model" \
         "$work/artifacts" "$work/logs"

# Scenario seeds: every example and every malformed case we know of.
cp configs/*.yaml tests/config/cases/*.yaml "$work/seeds/scenario/"
cp tests/reliability/cases/*.yaml "$work/seeds/scenario/" 2>/dev/null || true
find tests/reliability/fuzz_regressions/scenario -type f ! -name README.md -exec cp {} "$work/seeds/scenario/" \;
# User models through the scenario loader too (configs/user_model_*.yaml are above).
for f in tests/config/model_cases/*.yaml; do cp "$f" "$work/seeds/scenario/model_$(basename "$f")"; done

# User-model seeds: every malformed model, a valid one, and past crashes.
cp tests/config/model_cases/*.yaml tests/reliability/data/user_model.yaml "$work/seeds/user_model/"
find tests/reliability/fuzz_regressions/user_model -type f ! -name README.md -exec cp {} "$work/seeds/user_model/" \;

# Result-file seeds: small runs of a design-only and a PK/PD scenario.
seed_run() {  # name scenario replicates
  "$cli" run "$2" -o "$work/seeds/result_file/$1.h5" --replicates "$3" --threads 1 --quiet --force \
    > "$work/logs/seed-$1.log" 2>&1 || { echo "fuzz: seed run $1 failed:" >&2; cat "$work/logs/seed-$1.log" >&2; exit 1; }
}
# Small files fuzz faster: two designs, two doses, two trials; and a PK run.
cat > "$work/seeds/tiny.yaml" <<'YAML'
name: tiny
seed: 1
replicates: 2
dose_levels: [1, 2]
toxicity: {true_dlt_probabilities: [0.1, 0.3]}
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: arm, type: fixed, dose: 2, patients: 2}
YAML
seed_run tiny "$work/seeds/tiny.yaml" 2
rm "$work/seeds/tiny.yaml"
seed_run design_only configs/design_only_3p3_boin_crm.yaml 2
find tests/reliability/fuzz_regressions/result_file -type f ! -name README.md -exec cp {} "$work/seeds/result_file/" \;

# Sanitizer reports end the run (libFuzzer turns them into a crash artifact).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

run_target() {  # target
  local t="$1"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a memory bomb.
  # HDF5 result seeds are tens of kB, so the length cap must admit them.
  "$build/fuzz/fuzz_$t" "$work/corpus/$t" "$work/seeds/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 \
    > "$work/logs/$t.log" 2>&1
}

echo "fuzz: scenario, result_file and user_model targets, ${seconds} s each, in parallel"
run_target scenario & pid_s=$!
run_target result_file & pid_r=$!
run_target user_model & pid_u=$!
status=0
failed=""
wait "$pid_s" || { status=1; failed="$failed scenario"; }
wait "$pid_r" || { status=1; failed="$failed result_file"; }
wait "$pid_u" || { status=1; failed="$failed user_model"; }

for t in scenario result_file user_model; do
  runs=$(grep -m1 '^stat::number_of_executed_units' "$work/logs/$t.log" | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$work/logs/$t.log" | tail -1)
  echo "fuzz: $t: ${runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}, corpus $(ls "$work/corpus/$t" | wc -l) files"
done
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  for t in scenario result_file user_model; do
    echo "---- $t log (tail, without the dictionary) ----" >&2
    grep -v '# Uses:' "$work/logs/$t.log" | tail -n 60 >&2
  done
  # Last, so that a CI log cut to its tail still says what failed and why.
  echo "fuzz: FAILED:${failed:- (no target exited non-zero)}; inputs kept in $work/artifacts/:" >&2
  ls -l "$work/artifacts" >&2
  for t in $failed; do
    echo "fuzz: $t: $(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|ERROR: libFuzzer|runtime error|Timeout|out-of-memory' "$work/logs/$t.log")" >&2
  done
  for f in "$work"/artifacts/*; do
    [ -f "$f" ] || continue
    echo "fuzz: $(basename "$f") ($(stat -c %s "$f") bytes), base64 (paste into tests/reliability/fuzz_regressions/<target>/):" >&2
    head -c 4096 "$f" | base64 -w 0 >&2
    echo >&2
  done
  exit 1
fi
