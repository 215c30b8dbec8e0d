#!/usr/bin/env bash
# Runs every libFuzzer target of a RAYA_FUZZ build for SECONDS each (make fuzz).
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
# Each target starts from its seed corpus (tests/fuzz/corpus/<target>, read
# only) plus a working corpus in BUILD_DIR/fuzz-corpus/<target> that keeps
# what it learns between runs; crashes, timeouts and out-of-memory inputs are
# written to BUILD_DIR/fuzz-findings/<target>/. Exits non-zero if any target
# found something (libFuzzer stops at the first finding). FUZZ_FLAGS adds
# libFuzzer flags, e.g. for a long run that keeps going past findings:
#   FUZZ_FLAGS="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]}"
seconds="${2:?usage: run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]}"
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in "$here"/*.cpp; do
    name="$(basename "$source" .cpp)"
    case "$name" in replay_main|fuzz_support) continue ;; esac
    targets+=("$name")
  done
fi

# Per-target limits. max_len keeps inputs near the size the target's code
# paths need (a .ryb of a few KB, a source file of a few KB); -timeout is per
# input: far above a metered run's few milliseconds, so only a real hang
# (an unmetered builtin, issue 10 items 5-6) trips it.
options_for() {
  case "$1" in
    ryb_loader)      echo "-max_len=16384 -timeout=10" ;;
    compiler_source) echo "-max_len=4096 -timeout=10 -dict=$here/raya.dict" ;;
    value_json)      echo "-max_len=8192 -timeout=5 -dict=$here/json.dict" ;;
    runtime_config)  echo "-max_len=4096 -timeout=5 -dict=$here/json.dict" ;;
    *)               echo "-max_len=8192 -timeout=5" ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  exe="$build/tests/fuzz/raya_fuzz_$target"
  if [ ! -x "$exe" ]; then
    echo "run_fuzzers: no $exe (configure with RAYA_FUZZ=ON and build raya_fuzz_targets)" >&2
    status=1
    continue
  fi
  work="$build/fuzz-corpus/$target"
  findings="$build/fuzz-findings/$target"
  mkdir -p "$work" "$findings"
  echo "== $target: ${seconds}s"
  # detect_leaks=0: a leak report ends the run like a crash, and the
  # libraries' one-time caches (CAF's, the prelude's) look like leaks to a
  # process that never exits normally. The ASan test suite checks leaks.
  # shellcheck disable=SC2046
  if ! ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" \
       "$exe" $(options_for "$target") ${FUZZ_FLAGS:-} -max_total_time="$seconds" -rss_limit_mb=2048 \
         -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$here/corpus/$target" \
         > "$build/fuzz-$target.log" 2>&1; then
    echo "run_fuzzers: $target found something: see $build/fuzz-$target.log and $findings/" >&2
    tail -40 "$build/fuzz-$target.log" >&2
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$build/fuzz-$target.log" | tr '\n' ' '
  echo
done
exit $status
