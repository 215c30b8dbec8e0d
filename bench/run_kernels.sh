#!/usr/bin/env bash
# Side-by-side kernel harness: runs every benchmark kernel (bench/kernels)
# on raya and on its peer runtimes in one sitting,
# times whole processes (one warm-up, then the median of RUNS runs, taken in
# rounds that run every runtime once), checks that every runtime printed the
# same checksum, and prints a table of times and raya/peer ratios with
# geometric means. See bench/README.md.
#
# --fuel instead runs raya alone, in three columns side by side: `off`, a
# build without fuel metering (RAYA_NOFUEL_BIN, configured with
# -DRAYA_FUEL_METERING=OFF; `make bench-fuel` builds it), `on`, the normal
# build (RAYA_BIN), and `steps`, the normal build with `--max-steps
# FUEL_MAX_STEPS` (large enough never to run out). It prints their times and
# on/off, steps/off: what metering costs, then with the cumulative budget
# checks too (DESIGN.md: fuel metering under 5% slower).
# --fuel --instructions counts instructions instead of timing: one run per
# column under valgrind --tool=callgrind (no warm-up, no rounds; use
# --quick, callgrind is ~50x slower), and the same table of counts.
# --cpu (any mode) times CPU seconds (user + sys) instead of wall time: on a
# busy machine it leaves out the time a process waits for a core.
#
# Bash + awk only: a fresh machine may have no python.
#
# Usage: bench/run_kernels.sh [--kernels fib,loop] [--runs N] [--quick]
#                             [--runtimes raya,lua5.4,node-jitless,...]
#        bench/run_kernels.sh --fuel [--instructions] [--kernels fib,loop]
#                            [--runs N] [--quick]
#        (--cpu may be added to either form, instead of --instructions)
# Environment: RAYA_BIN (default build/bin/raya), RAYA_NOFUEL_BIN (--fuel's
# unmetered raya, default build-nofuel/bin/raya), RAYA_BENCH_KERNELS (kernel
# folder, default bench/kernels), RUNS (default 5), BENCH_TIMEOUT (seconds
# per process, default 600), FUEL_MAX_STEPS (--fuel's budget, default 10^12).
# Exit status: 0 when every run succeeded and all checksums agree, 1 when any
# run failed, a required runtime is missing or a checksum differs, 64 on bad
# usage.
set -uo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${RAYA_BENCH_KERNELS:-}" ]]; then
  KERNELS_DIR=$RAYA_BENCH_KERNELS
else
  KERNELS_DIR=$REPO/bench/kernels
fi
RAYA_BIN=${RAYA_BIN:-$REPO/build/bin/raya}
RAYA_NOFUEL_BIN=${RAYA_NOFUEL_BIN:-$REPO/build-nofuel/bin/raya}
RUNS=${RUNS:-5}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
FUEL_MAX_STEPS=${FUEL_MAX_STEPS:-1000000000000}

# N per kernel: the table in bench/kernels/README.md. The published peer
# times and checksums are for these values.
ALL_KERNELS=(fib loop sieve nbody binary_trees closures strings)
declare -A FULL_N=([fib]=36 [loop]=8000000 [sieve]=250 [nbody]=400000
                   [binary_trees]=16 [closures]=16000 [strings]=12000)
# --quick: about a tenth of the work of FULL_N (fib and binary_trees grow
# exponentially, so their N drops by a few steps rather than tenfold).
# Checksums then differ from the full-size ones; they must still agree
# across runtimes.
declare -A QUICK_N=([fib]=31 [loop]=800000 [sieve]=25 [nbody]=40000
                    [binary_trees]=13 [closures]=1600 [strings]=1200)

# Runtime columns, in table order. Required ones are reported as failures
# when missing; optional ones are dropped from the table when absent.
ALL_RUNTIMES=(raya lua5.4 luajit-joff node-jitless node)
declare -A RUNTIME_REQUIRED=([raya]=1 [lua5.4]=1 [luajit-joff]=0 [node-jitless]=1 [node]=0)
# --fuel's columns: raya built without metering, normal, normal with a
# step budget.
FUEL_RUNTIMES=(raya-nofuel raya raya-max-steps)

usage() {
  sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

kernels_csv=""
runtimes_csv=""
quick=0
fuel=0
instructions=0
cpu=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kernels) kernels_csv=${2:-}; shift 2 || { usage >&2; exit 64; } ;;
    --kernels=*) kernels_csv=${1#*=}; shift ;;
    --runs) RUNS=${2:-}; shift 2 || { usage >&2; exit 64; } ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --runtimes) runtimes_csv=${2:-}; shift 2 || { usage >&2; exit 64; } ;;
    --runtimes=*) runtimes_csv=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    --fuel) fuel=1; shift ;;
    --instructions) instructions=1; shift ;;
    --cpu) cpu=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_kernels.sh: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
if [[ $fuel == 1 && -n "$runtimes_csv" ]]; then
  echo "run_kernels.sh: --fuel runs raya only; it takes no --runtimes" >&2
  exit 64
fi
if [[ $instructions == 1 && $fuel == 0 ]]; then
  echo "run_kernels.sh: --instructions goes with --fuel" >&2
  exit 64
fi
if [[ $instructions == 1 && $cpu == 1 ]]; then
  echo "run_kernels.sh: --instructions and --cpu do not go together" >&2
  exit 64
fi
if [[ $instructions == 1 ]] && ! command -v valgrind >/dev/null 2>&1; then
  echo "run_kernels.sh: --instructions needs valgrind (apt-get install valgrind)" >&2
  exit 1
fi
if ! [[ "$FUEL_MAX_STEPS" =~ ^[1-9][0-9]*$ ]]; then
  echo "run_kernels.sh: FUEL_MAX_STEPS must be a positive integer, got '$FUEL_MAX_STEPS'" >&2
  exit 64
fi
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "run_kernels.sh: --runs / RUNS must be a positive integer, got '$RUNS'" >&2
  exit 64
fi
TIME_KIND="wall time"
[[ $cpu == 1 ]] && TIME_KIND="CPU time (user + sys)"
# Instruction counts hardly vary from run to run (< 0.1%): one run will do.
[[ $instructions == 1 ]] && RUNS=0

KERNELS=()
if [[ -n "$kernels_csv" ]]; then
  IFS=, read -r -a KERNELS <<<"$kernels_csv"
  for k in "${KERNELS[@]}"; do
    if [[ -z "${FULL_N[$k]:-}" ]]; then
      echo "run_kernels.sh: unknown kernel '$k' (known: ${ALL_KERNELS[*]})" >&2
      exit 64
    fi
  done
else
  KERNELS=("${ALL_KERNELS[@]}")
fi

RUNTIMES=()
if [[ $fuel == 1 ]]; then
  RUNTIMES=("${FUEL_RUNTIMES[@]}")
  RUNTIME_REQUIRED[raya-max-steps]=1
  RUNTIME_REQUIRED[raya-nofuel]=1
elif [[ -n "$runtimes_csv" ]]; then
  IFS=, read -r -a RUNTIMES <<<"$runtimes_csv"
  for r in "${RUNTIMES[@]}"; do
    if [[ -z "${RUNTIME_REQUIRED[$r]:-}" ]]; then
      echo "run_kernels.sh: unknown runtime '$r' (known: ${ALL_RUNTIMES[*]})" >&2
      exit 64
    fi
    RUNTIME_REQUIRED[$r]=1   # asked for by name: missing means failure
  done
else
  RUNTIMES=("${ALL_RUNTIMES[@]}")
fi

# --- runtimes ---------------------------------------------------------------

# runtime_available NAME: is the runtime's program there?
runtime_available() {
  case "$1" in
    raya|raya-max-steps) [[ -x "$RAYA_BIN" ]] ;;
    raya-nofuel) [[ -x "$RAYA_NOFUEL_BIN" ]] ;;
    lua5.4) command -v lua5.4 >/dev/null 2>&1 ;;
    luajit-joff) command -v luajit >/dev/null 2>&1 ;;
    node-jitless|node) command -v node >/dev/null 2>&1 ;;
  esac
}

# write_program RUNTIME KERNEL N FILE_STEM: writes kernel source + footer,
# prints the path of the file written.
write_program() {
  local runtime=$1 kernel=$2 n=$3 stem=$4 src file
  case "$runtime" in
    raya|raya-max-steps|raya-nofuel)
      src=$KERNELS_DIR/$kernel.js; file=$stem.raya
      { cat "$src"; printf '\nreturn benchmark(%s);\n' "$n"; } >"$file" ;;
    lua5.4)
      src=$KERNELS_DIR/$kernel.lua
      [[ -f "$KERNELS_DIR/lua54/$kernel.lua" ]] && src=$KERNELS_DIR/lua54/$kernel.lua
      file=$stem.lua
      { cat "$src"; printf '\nprint(benchmark(%s))\n' "$n"; } >"$file" ;;
    luajit-joff)
      src=$KERNELS_DIR/$kernel.lua; file=$stem.lua
      { cat "$src"; printf '\nprint(benchmark(%s))\n' "$n"; } >"$file" ;;
    node-jitless|node)
      src=$KERNELS_DIR/$kernel.js; file=$stem.js
      { cat "$src"; printf '\nconsole.log(benchmark(%s));\n' "$n"; } >"$file" ;;
  esac
  printf '%s\n' "$file"
}

# command_for RUNTIME FILE: the argv (one word a line) that runs FILE.
command_for() {
  case "$1" in
    raya) printf '%s\n' "$RAYA_BIN" run --print-result "$2" ;;
    raya-max-steps) printf '%s\n' "$RAYA_BIN" run --print-result --max-steps "$FUEL_MAX_STEPS" "$2" ;;
    raya-nofuel) printf '%s\n' "$RAYA_NOFUEL_BIN" run --print-result "$2" ;;
    lua5.4) printf '%s\n' lua5.4 "$2" ;;
    luajit-joff) printf '%s\n' luajit -joff "$2" ;;
    node-jitless) printf '%s\n' node --jitless "$2" ;;
    node) printf '%s\n' node "$2" ;;
  esac
}

# --- timing -------------------------------------------------------------------

now_us() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t=${EPOCHREALTIME/[.,]/}
    printf '%s\n' "$((10#$t))"
  else
    local ns
    ns=$(date +%s%N)
    printf '%s\n' "$((ns / 1000))"
  fi
}

# run_once OUT ERR ARGV...: runs one process; sets RUN_STATUS, RUN_SECONDS
# (wall) and RUN_MEASURE, what the table shows: RUN_SECONDS, or with --cpu
# the CPU seconds (user + sys) of the process and its children, or with
# --instructions the instruction count (the process runs under callgrind,
# which writes its report to ERR.callgrind; status 1 if there is no count).
run_once() {
  local out=$1 err=$2 t0 t1 TIMEFORMAT='%3U %3S'
  shift 2
  if [[ $instructions == 1 ]]; then
    set -- valgrind --tool=callgrind --log-file="$err.callgrind" --callgrind-out-file=/dev/null "$@"
  fi
  t0=$(now_us)
  # `time` reports the CPU time of the whole pipeline, timeout's child included.
  { time timeout "$BENCH_TIMEOUT" "$@" >"$out" 2>"$err" </dev/null; } 2>"$err.cpu"
  RUN_STATUS=$?
  t1=$(now_us)
  RUN_SECONDS=$(awk -v us=$((t1 - t0)) 'BEGIN { printf "%.4f", us / 1e6 }')
  RUN_MEASURE=$RUN_SECONDS
  if [[ $cpu == 1 ]]; then
    RUN_MEASURE=$(awk '{ printf "%.4f", $1 + $2 }' "$err.cpu")
  fi
  if [[ $instructions == 1 ]]; then
    # "==PID== Collected : 123456789": instructions executed (Ir).
    RUN_MEASURE=$(awk '/Collected :/ { n = $NF } END { print n }' "$err.callgrind" 2>/dev/null)
    [[ $RUN_STATUS == 0 && -z "$RUN_MEASURE" ]] && RUN_STATUS=1
  fi
}

# checksum_of FILE: the last stdout line, trimmed; Lua 5.4 prints an integral
# float as "123.0", which is the same checksum as "123".
checksum_of() {
  tail -n 1 "$1" | tr -d '\r' | awk '{ sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "");
                                      if ($0 ~ /^-?[0-9]+\.0$/) sub(/\.0$/, "");
                                      print }'
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) printf "%.4f\n", v[(NR + 1) / 2];
          else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- main loop ----------------------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/raya-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

declare -A AVAILABLE=()
COLUMNS_SHOWN=()
PROBLEMS=()
for r in "${RUNTIMES[@]}"; do
  if runtime_available "$r"; then
    AVAILABLE[$r]=1
    COLUMNS_SHOWN+=("$r")
  elif [[ "${RUNTIME_REQUIRED[$r]}" == 1 ]]; then
    AVAILABLE[$r]=0
    COLUMNS_SHOWN+=("$r")
    case "$r" in
      raya|raya-max-steps) PROBLEMS+=("$r: $RAYA_BIN is missing (build it: make build)") ;;
      raya-nofuel) PROBLEMS+=("$r: $RAYA_NOFUEL_BIN is missing (make bench-fuel builds it)") ;;
      *) PROBLEMS+=("$r: not installed (make deps installs it)") ;;
    esac
  fi
done

has_column() {
  local c
  for c in "${COLUMNS_SHOWN[@]}"; do [[ "$c" == "$1" ]] && return 0; done
  return 1
}

# Results: TIME[kernel,runtime] = median seconds or "", STATE[...] = ok |
# fail | mismatch | missing, SUM[...] = checksum.
declare -A TIME=() STATE=() SUM=()

mode="full-size N (checksums as in bench/kernels/README.md)"
[[ $quick == 1 ]] && mode="--quick: reduced N (checksums differ from the full-size ones)"
[[ $fuel == 1 ]] && mode+="; --fuel: $RAYA_NOFUEL_BIN (off) vs raya (on) vs raya --max-steps $FUEL_MAX_STEPS (steps)"
{
  echo "kernels: $KERNELS_DIR"
  echo "raya:    $RAYA_BIN"
  if [[ $instructions == 1 ]]; then
    echo "runs:    1 run per column under valgrind --tool=callgrind, instructions executed"
  else
    echo "runs:    1 warm-up + $RUNS timed rounds (every runtime once a round), median of whole-process $TIME_KIND"
  fi
  echo "mode:    $mode"
  echo
} >&2

# PROGRAM[runtime] = the current kernel's program file; TIMES[runtime] = its
# timed runs so far, space-separated.
declare -A PROGRAM=() TIMES=()

for kernel in "${KERNELS[@]}"; do
  if [[ $quick == 1 ]]; then n=${QUICK_N[$kernel]}; else n=${FULL_N[$kernel]}; fi
  PROGRAM=() TIMES=()
  # Warm-up: one run per runtime, which also gives its checksum.
  for r in "${COLUMNS_SHOWN[@]}"; do
    key=$kernel,$r
    if [[ "${AVAILABLE[$r]}" != 1 ]]; then
      STATE[$key]=missing
      continue
    fi
    dir=$TMP/$r
    mkdir -p "$dir"
    PROGRAM[$r]=$(write_program "$r" "$kernel" "$n" "$dir/$kernel")
    mapfile -t argv < <(command_for "$r" "${PROGRAM[$r]}")
    out=$dir/$kernel.out
    err=$dir/$kernel.err
    printf '  %-13s %-14s warm-up' "$kernel" "$r" >&2
    run_once "$out" "$err" "${argv[@]}"
    if [[ $RUN_STATUS != 0 ]]; then
      reason="exit status $RUN_STATUS"
      [[ $RUN_STATUS == 124 ]] && reason="timed out after ${BENCH_TIMEOUT}s"
      first_err=$(head -n 1 "$err")
      PROBLEMS+=("$kernel on $r: $reason${first_err:+: $first_err}")
      STATE[$key]=fail
      printf ' FAILED (%s)\n' "$reason" >&2
      continue
    fi
    sum=$(checksum_of "$out")
    if [[ -z "$sum" ]]; then
      PROBLEMS+=("$kernel on $r: printed no checksum")
      STATE[$key]=fail
      printf ' FAILED (no output)\n' >&2
      continue
    fi
    SUM[$key]=$sum
    STATE[$key]=ok
    TIMES[$r]=""
    if [[ $instructions == 1 ]]; then
      TIMES[$r]=$RUN_MEASURE
      printf ' %s instructions (%ss)  checksum %s\n' "$RUN_MEASURE" "$RUN_SECONDS" "$sum" >&2
    else
      printf ' %ss  checksum %s\n' "$RUN_MEASURE" "$sum" >&2
    fi
  done

  # Timed runs, interleaved: round i runs every runtime once, so a machine
  # that slows down or speeds up during a kernel (other load, frequency
  # changes) moves all columns alike instead of one.
  for ((i = 1; i <= RUNS; i++)); do
    printf '  %-13s run %d/%d:' "$kernel" "$i" "$RUNS" >&2
    for r in "${COLUMNS_SHOWN[@]}"; do
      key=$kernel,$r
      [[ "${STATE[$key]}" == ok ]] || continue
      mapfile -t argv < <(command_for "$r" "${PROGRAM[$r]}")
      out=$TMP/$r/$kernel.out
      run_once "$out" "$TMP/$r/$kernel.err" "${argv[@]}"
      this_sum=$(checksum_of "$out")
      if [[ $RUN_STATUS != 0 || "$this_sum" != "${SUM[$key]}" ]]; then
        PROBLEMS+=("$kernel on $r: run $i gave status $RUN_STATUS, checksum '$this_sum' (warm-up gave '${SUM[$key]}')")
        STATE[$key]=fail
        printf ' %s FAILED' "$r" >&2
        continue
      fi
      TIMES[$r]+=" $RUN_MEASURE"
      printf ' %s %ss' "$r" "$RUN_MEASURE" >&2
    done
    printf '\n' >&2
  done
  for r in "${COLUMNS_SHOWN[@]}"; do
    key=$kernel,$r
    if [[ "${STATE[$key]}" == ok ]]; then
      # shellcheck disable=SC2086  # word-splitting the list of times is intended
      TIME[$key]=$(median ${TIMES[$r]})
      [[ $instructions == 1 ]] || printf '  %-13s %-14s -> %ss (median)\n' "$kernel" "$r" "${TIME[$key]}" >&2
    fi
  done

  # The reference checksum is node --jitless's (the kernels are JavaScript),
  # else the first runtime that produced one. Every other runtime must agree.
  ref=""
  for r in node-jitless "${COLUMNS_SHOWN[@]}"; do
    if [[ "${STATE[$kernel,$r]:-}" == ok ]]; then ref=${SUM[$kernel,$r]}; break; fi
  done
  detail=""
  for r in "${COLUMNS_SHOWN[@]}"; do
    key=$kernel,$r
    [[ -n "${SUM[$key]:-}" ]] && detail+=" $r=${SUM[$key]}"
    if [[ "${STATE[$key]}" == ok && "${SUM[$key]}" != "$ref" ]]; then
      STATE[$key]=mismatch
    fi
  done
  for r in "${COLUMNS_SHOWN[@]}"; do
    if [[ "${STATE[$kernel,$r]}" == mismatch ]]; then
      PROBLEMS+=("$kernel: checksums differ:$detail")
      break
    fi
  done
done
echo >&2

# --- table --------------------------------------------------------------------

cell_for() {   # KEY -> printable time cell
  case "${STATE[$1]}" in
    ok) printf '%.3f' "${TIME[$1]}" ;;
    mismatch) printf '%.3f!' "${TIME[$1]:-0}" ;;
    fail) printf 'FAIL' ;;
    missing) printf 'n/a' ;;
  esac
}

ratio_for() {  # KERNEL PEER -> raya/peer or "-"
  local a=$1,raya b=$1,$2
  if [[ "${STATE[$a]:-}" == ok && "${STATE[$b]:-}" == ok ]]; then
    awk -v x="${TIME[$a]}" -v y="${TIME[$b]}" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }'
  else
    printf -- '-'
  fi
}

# geomean VALUES...: geometric mean of the numeric arguments ("-" if none),
# printed with GEOMEAN_FORMAT (default %.3f).
geomean() {
  printf '%s\n' "$@" | awk -v f="${GEOMEAN_FORMAT:-%.3f}" '$1 > 0 { s += log($1); n++ }
    END { if (n) printf f, exp(s / n); else printf "-" }'
}

# finish: lists the problems, if any, and exits with the harness's status.
finish() {
  if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
    echo
    echo "PROBLEMS:"
    printf '  %s\n' "${PROBLEMS[@]}"
    exit 1
  fi
  exit 0
}

# --fuel: one row per kernel, off / on / steps, on÷off and steps÷off, and
# geomeans. Cells are seconds, or millions of instructions (--instructions).
if [[ $fuel == 1 ]]; then
  cell_format='%.3f' ratio_format='%.3f'
  if [[ $instructions == 1 ]]; then
    cell_format='%.1f' ratio_format='%.4f'
    # TIME holds raw counts; the table shows millions.
    for key in "${!TIME[@]}"; do
      TIME[$key]=$(awk -v n="${TIME[$key]}" 'BEGIN { printf "%.1f", n / 1e6 }')
    done
  fi
  header=$(printf '%-13s %9s %11s %11s %11s %9s %9s  %s' kernel N off on steps on/off steps/off check)
  echo "$header"
  echo "${header//[^ ]/-}"
  declare -A COLUMN_VALUES=()
  on_ratios=() steps_ratios=()
  # fuel_ratio KERNEL RUNTIME: RUNTIME's cell / the unmetered one, or "-".
  fuel_ratio() {
    local a=$1,raya-nofuel b=$1,$2
    if [[ "${STATE[$a]}" == ok && "${STATE[$b]}" == ok ]]; then
      awk -v x="${TIME[$b]}" -v y="${TIME[$a]}" -v f="$ratio_format" 'BEGIN { if (y > 0) printf f, x / y; else print "-" }'
    else
      printf -- '-'
    fi
  }
  for kernel in "${KERNELS[@]}"; do
    if [[ $quick == 1 ]]; then n=${QUICK_N[$kernel]}; else n=${FULL_N[$kernel]}; fi
    check=ok cells=()
    for r in "${FUEL_RUNTIMES[@]}"; do
      key=$kernel,$r
      # shellcheck disable=SC2059  # cell_format is the mode's number format
      case "${STATE[$key]}" in
        ok) COLUMN_VALUES[$r]+=" ${TIME[$key]}"; cells+=("$(printf "$cell_format" "${TIME[$key]}")") ;;
        mismatch) check=MISMATCH; cells+=("$(printf "$cell_format!" "${TIME[$key]:-0}")") ;;
        fail) [[ $check == ok ]] && check=FAIL; cells+=(FAIL) ;;
        missing) [[ $check == ok ]] && check=FAIL; cells+=(n/a) ;;
      esac
    done
    on=$(fuel_ratio "$kernel" raya)
    steps=$(fuel_ratio "$kernel" raya-max-steps)
    [[ "$on" != - ]] && on_ratios+=("$on")
    [[ "$steps" != - ]] && steps_ratios+=("$steps")
    printf '%-13s %9s %11s %11s %11s %9s %9s  %s\n' "$kernel" "$n" "${cells[@]}" "$on" "$steps" "$check"
  done
  nk=${#KERNELS[@]}
  cells=()
  for r in "${FUEL_RUNTIMES[@]}"; do
    # shellcheck disable=SC2086  # word-splitting the list of values is intended
    set -- ${COLUMN_VALUES[$r]:-}
    g=$(GEOMEAN_FORMAT=$cell_format geomean "$@")
    [[ $# -lt $nk && $g != - ]] && g="$g($#)"
    cells+=("$g")
  done
  for list in on_ratios steps_ratios; do
    declare -n values=$list
    g=$(GEOMEAN_FORMAT=$ratio_format geomean "${values[@]}")
    [[ ${#values[@]} -lt $nk && $g != - ]] && g="$g(${#values[@]})"
    cells+=("$g")
    unset -n values
  done
  printf '%-13s %9s %11s %11s %11s %9s %9s\n' geomean "" "${cells[@]}"
  echo
  if [[ $instructions == 1 ]]; then
    echo "Millions of instructions executed (valgrind --tool=callgrind, whole process) by"
  else
    echo "Seconds: median whole-process $TIME_KIND of"
  fi
  echo "raya run built with -DRAYA_FUEL_METERING=OFF (off), the normal build (on), and the"
  echo "normal build with --max-steps $FUEL_MAX_STEPS (steps). on/off is what fuel metering"
  echo "costs, steps/off that plus the step-budget checks (DESIGN.md target: geomean under"
  echo "1.05). FAIL: a run failed; n/a: a binary is missing; geomean(k): over k kernels."
  finish
fi

header=$(printf '%-13s %9s' kernel N)
for r in "${COLUMNS_SHOWN[@]}"; do header+=$(printf ' %13s' "$r"); done
has_column lua5.4 && header+=$(printf ' %11s' raya/lua)
has_column node-jitless && header+=$(printf ' %13s' raya/jitless)
header+=$(printf '  %s' check)
echo "$header"
echo "$header" | sed 's/[^ ]/-/g'

declare -A COLUMN_TIMES=()
ratios_lua=()
ratios_jitless=()
for kernel in "${KERNELS[@]}"; do
  if [[ $quick == 1 ]]; then n=${QUICK_N[$kernel]}; else n=${FULL_N[$kernel]}; fi
  line=$(printf '%-13s %9s' "$kernel" "$n")
  check=ok
  for r in "${COLUMNS_SHOWN[@]}"; do
    key=$kernel,$r
    line+=$(printf ' %13s' "$(cell_for "$key")")
    case "${STATE[$key]}" in
      ok) COLUMN_TIMES[$r]+=" ${TIME[$key]}" ;;
      mismatch) check=MISMATCH ;;
      fail|missing) [[ $check == ok ]] && check=FAIL ;;
    esac
  done
  if has_column lua5.4; then
    rl=$(ratio_for "$kernel" lua5.4); line+=$(printf ' %11s' "$rl")
    [[ "$rl" != - ]] && ratios_lua+=("$rl")
  fi
  if has_column node-jitless; then
    rj=$(ratio_for "$kernel" node-jitless); line+=$(printf ' %13s' "$rj")
    [[ "$rj" != - ]] && ratios_jitless+=("$rj")
  fi
  line+="  $check"
  echo "$line"
done

nk=${#KERNELS[@]}
line=$(printf '%-13s %9s' geomean "")
for r in "${COLUMNS_SHOWN[@]}"; do
  # shellcheck disable=SC2086  # word-splitting the list of times is intended
  set -- ${COLUMN_TIMES[$r]:-}
  g=$(geomean "$@")
  [[ $# -lt $nk && $g != - ]] && g="$g($#)"
  line+=$(printf ' %13s' "$g")
done
if has_column lua5.4; then
  g=$(geomean "${ratios_lua[@]}")
  [[ ${#ratios_lua[@]} -lt $nk && $g != - ]] && g="$g(${#ratios_lua[@]})"
  line+=$(printf ' %11s' "$g")
fi
if has_column node-jitless; then
  g=$(geomean "${ratios_jitless[@]}")
  [[ ${#ratios_jitless[@]} -lt $nk && $g != - ]] && g="$g(${#ratios_jitless[@]})"
  line+=$(printf ' %13s' "$g")
fi
echo "$line"
echo
echo "Seconds: median whole-process $TIME_KIND. Ratios below 1 mean raya is faster."
echo "'!' after a time: checksum differs from the reference; FAIL: the run failed;"
echo "n/a: runtime missing; geomean(k): over the k kernels that produced a time."

finish
