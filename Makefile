# dioharness — quick start: `make demo`, `make test`.
# Every target installs missing Debian packages first (scripts/install-deps.sh).

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_TSAN ?= build-tsan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS  ?= -1
FUZZ_TARGETS ?=
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
DESTDIR    ?=
CMAKE_FLAGS ?=
# Warnings are errors in every build made through make, CI's included: one
# set of compile flags, so that CI, run right after a session on the same
# machine, hits the session's ccache (a flag CI alone added made every CI
# compile a cache miss). WERROR=OFF for a build that tolerates warnings.
WERROR ?= ON
CMAKE_FLAGS += -DDIOHARNESS_WERROR=$(WERROR)

.PHONY: all deps build install demo demo-dd test test-unit test-asan test-tsan fuzz bench scale profile clean help

all: build

help:
	@echo "make demo       dioharness demo: save and load 256 MiB with direct-io on a strict-4k diofs, check, verdict"
	@echo "make demo-dd    diofs alone: dd with O_DIRECT accepted at 4096 bytes, refused at 100"
	@echo "make test       build and run every test (unit, integration, regression and the quick qemu set)"
	@echo "make test-unit  only the mount-free unit tests"
	@echo "make test-qemu  the real QEMU: the qemu-labelled tests, then every scenario and the matrix on it (report in $(BUILD)/qemu-results)"
	@echo "make check-all  everything, including what does not fit CI's time: test, test-asan, test-tsan, fuzz (60 s a target), test-qemu"
	@echo "make test-asan  unit tests under AddressSanitizer + UBSan"
	@echo "make test-tsan  unit and through-mount tests with every program built with ThreadSanitizer"
	@echo "make fuzz       every libFuzzer target of fuzz/ for FUZZ_SECONDS (60) each, ASan + UBSan;"
	@echo "                FUZZ_RUNS=N stops a target after N executions, FUZZ_TARGETS=\"a b\" picks targets"
	@echo "make bench      run the benchmarks, JSON into results/bench/"
	@echo "make scale      scale benchmark: 256 MiB, 2 GiB and 8 GiB guests, peak memory into results/scale/"
	@echo "make profile    perf profile of 1 MiB O_DIRECT writes, tmpfs against diofs, into results/bench/profiles/"
	@echo "make install    diofs, dioharness, mrmigrate, diocheck_run, libdiocheck.so and the man pages into PREFIX (/usr/local), under DESTDIR"
	@echo "make clean      remove the build folders"

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# PREFIX /usr/local: mount -t fuse.diofs finds diofs there (diofs(1), MOUNT OPTIONS).
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

demo: build
	$(BUILD)/bin/dioharness demo

demo-dd: build
	scripts/demo.sh $(BUILD)

test: build
	@status=0; ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure || status=$$?; \
	 scripts/check-no-mounts.sh $(BUILD) || status=1; exit $$status

test-unit: build
	ctest --test-dir $(BUILD) -j $(JOBS) -L unit --output-on-failure

# The full QEMU run: make test runs the quick qemu-labelled set only.
QEMU ?= qemu-system-x86_64
test-qemu: build
	@status=0; ctest --test-dir $(BUILD) -L qemu --output-on-failure || status=$$?; \
	 $(BUILD)/bin/dioharness run harness/scenarios/*.json --engine qemu:$(QEMU) --out $(BUILD)/qemu-results/run || status=$$?; \
	 $(BUILD)/bin/dioharness matrix --engine qemu:$(QEMU) --out $(BUILD)/qemu-results/matrix || status=$$?; \
	 scripts/check-no-mounts.sh $(BUILD) || status=1; exit $$status

# What CI runs (.ci/run) and what does not fit its budget.
check-all:
	$(MAKE) test
	$(MAKE) test-asan
	$(MAKE) test-tsan
	$(MAKE) fuzz FUZZ_SECONDS=60
	$(MAKE) test-qemu

# Sanitizer builds compile only the unit-test binaries (target unit_tests), at -O0 -g1: at -O2 -g ASan multiplies compile time
# by five (2 min for one gtest file here), which would not fit CI's budget.
SANITIZER_FLAGS = -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="-O0 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS="-O0 -g1 -DNDEBUG"

test-asan: deps
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DDIOHARNESS_SANITIZE=address,undefined -DDIOHARNESS_BUILD_BENCHMARKS=OFF $(SANITIZER_FLAGS) $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS) --target unit_tests
	ctest --test-dir $(BUILD_ASAN) -j $(JOBS) -L unit --output-on-failure

# TSan: every program is built with it (diofs, mrmigrate, dioharness), and the
# unit and through-mount (integration) tests run. A race in a daemon or an
# engine that a test started is written to $(BUILD_TSAN)/tsan/ (log_path) and
# fails the target even when the test passed.
test-tsan: deps
	cmake -S . -B $(BUILD_TSAN) -G Ninja -DDIOHARNESS_SANITIZE=thread -DDIOHARNESS_BUILD_BENCHMARKS=OFF $(SANITIZER_FLAGS) $(CMAKE_FLAGS)
	cmake --build $(BUILD_TSAN) -j $(JOBS)
	@rm -rf $(BUILD_TSAN)/tsan && mkdir -p $(BUILD_TSAN)/tsan; status=0; \
	 TSAN_OPTIONS="log_path=$(abspath $(BUILD_TSAN))/tsan/report $(TSAN_OPTIONS)" \
	   ctest --test-dir $(BUILD_TSAN) -j $(JOBS) -L 'unit|integration' --output-on-failure || status=$$?; \
	 scripts/check-no-mounts.sh $(BUILD_TSAN) || status=1; \
	 if ls $(BUILD_TSAN)/tsan/report.* >/dev/null 2>&1; then \
	   echo "ThreadSanitizer reports (from the tests or the programs they started):"; \
	   head -n 60 $(BUILD_TSAN)/tsan/report.*; status=1; \
	 else echo "ThreadSanitizer: no report"; fi; exit $$status

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TARGETS="$(FUZZ_TARGETS)" scripts/fuzz.sh $(BUILD_FUZZ)

bench: build
	scripts/bench.sh $(BUILD)

scale: build
	scripts/scale.sh $(BUILD)

profile: build
	scripts/profile.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) $(BUILD_FUZZ)
