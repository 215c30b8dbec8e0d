#!/bin/sh
# CLI reproductions for the actor-layer review: `raya run` vs LANGUAGE.md's
# exit-status contract. Usage: tests/actors/review_cli/run.sh build/bin/raya
# Each line prints the expected status and the one observed.
R=${1:-build/bin/raya}
D=$(dirname "$0")
check() {  # expected-status description command...
  want=$1; what=$2; shift 2
  timeout 20 "$@" >/dev/null 2>&1; got=$?
  echo "$what: expected exit $want, got $got"
}
# A limit ends the run after main returned: LANGUAGE.md says 3; main's held
# result is delivered by end() (flush_held) and the run exits 0.
check 3 "heap limit after main" "$R" run --print-result --max-heap 4MB "$D/limit_after_main.raya"
check 3 "step budget after main" "$R" run --print-result --max-steps 1000000 "$D/steps_after_main.raya"
# main throws while a background task keeps sleeping: the error is held
# until the context is idle, which never happens (124 = killed by timeout(1)).
check 1 "main throws, a task keeps running" "$R" run "$D/fail_then_loop.raya"
# ...and with --timeout the program's own error is replaced by Timeout (3).
check 1 "same, with --timeout 1s" "$R" run --timeout 1s "$D/fail_then_loop.raya"
