# Raya Actors — top-level entry points. On a fresh Debian 12 machine (as root),
# `make run` and `make test` do all the setup themselves: `deps` installs the
# missing Debian packages, then CMake configures a Ninja build and builds it.
#
#   make run            build (Release), run examples/hello.raya, then the plugin
#                       host (examples/plugin_host: Raya plugins in actor sandboxes)
#   make test           build (Release) and run every CTest test
#   make build          configure + build only
#   make test-asan      AddressSanitizer + UBSan build in build-asan, then ctest
#                       (unit, actor, language and hostile suites, examples)
#   make test-tsan      ThreadSanitizer build of the actor suite in build-tsan,
#                       then ctest -L actors (races inside Debian's uninstrumented
#                       libcaf are suppressed: tests/tsan.supp)
#   make fuzz           libFuzzer targets (tests/fuzz) built with clang in
#                       build-fuzz, each run for FUZZ_SECONDS (default 60)
#   make test-gcstress  collect-on-every-allocation build in build-gcstress, then ctest
#   make bench          Release build, kernel harness (bench/run_kernels.sh),
#                       the Google Benchmark micro-benchmarks, then the
#                       actor benchmark (bench-actors)
#   make bench-gc       GC pause distribution of the allocation-heavy kernels
#                       (bench/raya_gc_pause_report)
#   make bench-fuel     every kernel on raya built without fuel metering (in
#                       build-nofuel) vs the normal build, with and without a
#                       step budget (bench/run_kernels.sh --fuel)
#   make bench-cost     ns per charged step of every builtin on a large input
#                       vs a plain loop's; names any above 20x (bench/
#                       raya_builtin_cost_bench, bench/README.md "Cost of builtins")
#   make bench-limits   how late --timeout and maxCpuTimeMs end a busy sandbox
#                       at slice sizes 1k..10M (bench/raya_limit_latency)
#   make bench-hostile  wall time of `raya run --timeout 1s` on every hostile
#                       program (tests/hostile), own limits taken out; names
#                       any over 1.1 s (bench/hostile_timeouts.sh)
#   make bench-actors   bare CAF actors vs Raya context actors side by side:
#                       spawn, memory, round trips, throughput, fairness, host
#                       ping latency (bench/raya_actor_bench; ~2 minutes)
#   make clean          remove the build directories
#
# Knobs: JOBS (build parallelism, default: number of cores), FUZZ_SECONDS,
# FUZZ_TARGETS (default: all of tests/fuzz), CTEST_JOBS
# (default 2), RUNS (bench repetitions, passed to run_kernels.sh and to the
# GC pause report), ACTOR_BENCH_FLAGS (passed to raya_actor_bench, e.g.
# --quick or --json).

SHELL := /bin/bash
.DEFAULT_GOAL := build

JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_JOBS ?= 2

BUILD_DIR    := build
ASAN_DIR     := build-asan
TSAN_DIR     := build-tsan
FUZZ_DIR     := build-fuzz
GCSTRESS_DIR := build-gcstress
NOFUEL_DIR   := build-nofuel

CMAKE_GEN := -G Ninja
# The CPU-share measurements (CTest label `timing`: fairness between busy
# contexts) run in the Release build only: a sanitizer's overhead, not the
# scheduler, decides the shares there.
# Sanitizer and GC-stress builds keep assertions (no NDEBUG) and stay fast
# enough to run the whole suite: -O1 for ASan, -O2 for GC stress.
# The sanitizer builds compile no benchmarks (nothing there is a test).
ASAN_FLAGS     := -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DRAYA_SANITIZE=ON \
                  -DRAYA_BUILD_BENCH=OFF
# ThreadSanitizer: only the actor suite is built and run (vmcore is
# single-threaded by design; the actor layer is where threads meet).
TSAN_FLAGS     := -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DRAYA_TSAN=ON \
                  -DRAYA_BUILD_BENCH=OFF -DRAYA_BUILD_EXAMPLES=OFF
# libFuzzer needs clang; only the fuzz targets and what they link are built.
FUZZ_FLAGS     := -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
                  -DCMAKE_CXX_COMPILER=clang++ -DRAYA_FUZZ=ON -DRAYA_BUILD_TESTS=OFF \
                  -DRAYA_BUILD_BENCH=OFF -DRAYA_BUILD_EXAMPLES=OFF
FUZZ_SECONDS ?= 60
GCSTRESS_FLAGS := -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O2 -g" -DRAYA_GC_STRESS=ON
# Benchmarking only: an interpreter that counts no fuel (no preemption, no
# step limits), so no tests; only the raya command is built.
NOFUEL_FLAGS   := -DCMAKE_BUILD_TYPE=Release -DRAYA_FUEL_METERING=OFF -DRAYA_BUILD_TESTS=OFF -DRAYA_BUILD_BENCH=OFF

# Debian packages the build, the tests and the benchmark harness need.
# nodejs is installed only when no `node` is on PATH (the machine image may
# ship its own Node.js build).
DEB_PACKAGES := cmake ninja-build g++ ccache pkg-config libcaf-dev \
                libboost-json1.81-dev libjemalloc-dev libgtest-dev \
                libbenchmark-dev lua5.4
# The fuzz targets: clang and its runtime libraries (libFuzzer, sanitizers).
FUZZ_DEB_PACKAGES := clang libclang-rt-14-dev

CTEST := ctest --output-on-failure -j$(CTEST_JOBS)
# Sanitizer reports should stop the test that triggered them, with a stack.
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Debian's libcaf is not built with TSan: races TSan reports inside it are
# suppressed (tests/tsan.supp); ours still stop the test.
TSAN_ENV := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1:history_size=4"

.PHONY: all deps deps-fuzz install-packages configure build run test test-asan test-tsan test-gcstress fuzz bench bench-gc bench-fuel bench-cost bench-actors bench-limits bench-hostile clean

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

deps-fuzz: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(FUZZ_DEB_PACKAGES)"

# Installs whichever of PACKAGES are missing (and nodejs if there is no node).
install-packages:
	@missing=""; \
	for pkg in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$pkg"; \
	done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; \
	  if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo=sudo; fi; \
	  echo "deps: installing$$missing"; \
	  $$sudo apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

# Re-running cmake on an existing build directory is cheap and keeps the
# cache in step with the flags below.
configure: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/bin/raya run --print-result examples/hello.raya
	@echo
	$(BUILD_DIR)/examples/plugin_host/plugin_host

test: build
	$(CTEST) --test-dir $(BUILD_DIR)

test-asan: deps
	cmake -S . -B $(ASAN_DIR) $(CMAKE_GEN) $(ASAN_FLAGS)
	cmake --build $(ASAN_DIR) -j$(JOBS)
	$(SANITIZER_ENV) $(CTEST) --test-dir $(ASAN_DIR) -LE timing

test-tsan: deps
	cmake -S . -B $(TSAN_DIR) $(CMAKE_GEN) $(TSAN_FLAGS)
	cmake --build $(TSAN_DIR) -j$(JOBS) --target raya_actor_tests
	$(TSAN_ENV) $(CTEST) --test-dir $(TSAN_DIR) -L actors -LE timing

# Builds every fuzz target, then runs each for FUZZ_SECONDS on a copy of its
# seed corpus (tests/fuzz/run_fuzzers.sh); fails if any target crashed.
fuzz: deps-fuzz
	cmake -S . -B $(FUZZ_DIR) $(CMAKE_GEN) $(FUZZ_FLAGS)
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target raya_fuzz_targets
	tests/fuzz/run_fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test-gcstress: deps
	cmake -S . -B $(GCSTRESS_DIR) $(CMAKE_GEN) $(GCSTRESS_FLAGS)
	cmake --build $(GCSTRESS_DIR) -j$(JOBS)
	$(CTEST) --test-dir $(GCSTRESS_DIR)

# The kernel harness exits non-zero on a failed run or a checksum mismatch;
# the micro-benchmarks and the actor benchmark still run, and make bench
# fails if any of the three did.
bench: build
	@status=0; \
	RAYA_BIN=$(CURDIR)/$(BUILD_DIR)/bin/raya bench/run_kernels.sh $(if $(RUNS),--runs $(RUNS)) || status=$$?; \
	if [ -x $(BUILD_DIR)/bench/raya_micro_bench ]; then \
	  $(BUILD_DIR)/bench/raya_micro_bench || status=$$?; \
	else \
	  echo "bench: no $(BUILD_DIR)/bench/raya_micro_bench (no micro-benchmarks yet)"; \
	fi; \
	$(BUILD_DIR)/bench/raya_actor_bench $(ACTOR_BENCH_FLAGS) || status=$$?; \
	exit $$status

bench-gc: build
	$(BUILD_DIR)/bench/raya_gc_pause_report $(if $(RUNS),--runs $(RUNS))

bench-fuel: build
	cmake -S . -B $(NOFUEL_DIR) $(CMAKE_GEN) $(NOFUEL_FLAGS)
	cmake --build $(NOFUEL_DIR) -j$(JOBS) --target raya
	RAYA_BIN=$(CURDIR)/$(BUILD_DIR)/bin/raya RAYA_NOFUEL_BIN=$(CURDIR)/$(NOFUEL_DIR)/bin/raya \
	  bench/run_kernels.sh --fuel $(if $(RUNS),--runs $(RUNS))

bench-cost: build
	$(BUILD_DIR)/bench/raya_builtin_cost_bench $(if $(RUNS),--runs $(RUNS))

bench-actors: build
	$(BUILD_DIR)/bench/raya_actor_bench $(ACTOR_BENCH_FLAGS)

bench-limits: build
	$(BUILD_DIR)/bench/raya_limit_latency $(if $(RUNS),--runs $(RUNS))

bench-hostile: build
	bench/hostile_timeouts.sh $(BUILD_DIR)/bin/raya

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR) $(GCSTRESS_DIR) $(NOFUEL_DIR)
