# tests/crash/crash.mk: the crash-consistency tests (tests/crash/README.md).
#
#   make test     also builds what tests/crash/test_crash.sh needs (the short form):
#                 $(BUILD)/tests/crash/powercut.so, the power-cut shim, and
#                 $(BUILD)/unsafe/fundledger, built with -DFL_TEST_HOOKS (the negative control)
#   make soak     the long form: every I/O point of the scenario, SOAK_KILLS (200) SIGKILLs;
#                 SOAK_SECONDS bounds the power-cut sweep (0: none), SOAK_SEED fixes the
#                 random kill moments, SOAK_JOBS cut runs in parallel (2)
#   make crash-unsafe   only the weakened binary
#
# The shim is built without $(SAN): it is preloaded into sanitized and plain binaries alike.
# The unsafe binary is a separate tree under $(BUILD)/unsafe with the same OPT and SAN.
CRASH_SHIM      = $(BUILD)/tests/crash/powercut.so
CRASH_UNSAFE    = $(BUILD)/unsafe/fundledger
CRASH_TEST_DEPS = $(CRASH_SHIM) crash-unsafe
SOAK_SECONDS   ?= 0
SOAK_KILLS     ?= 200
SOAK_SEED      ?=
SOAK_JOBS      ?= 2

.PHONY: soak crash-unsafe crash-deps
test check: $(CRASH_TEST_DEPS)
crash-deps: $(CRASH_TEST_DEPS)

$(CRASH_SHIM): tests/crash/powercut.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(WARN) $(WERROR) -fPIC -shared -o $@ $< -ldl

crash-unsafe:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/unsafe CFLAGS='$(CFLAGS) -DFL_TEST_HOOKS' all

soak: $(BIN) $(CRASH_TEST_DEPS)
	@FUNDLEDGER=$(CURDIR)/$(BIN) BUILD=$(BUILD) ROOT=$(CURDIR) CRASH_MODE=soak \
		SOAK_SECONDS=$(SOAK_SECONDS) SOAK_KILLS=$(SOAK_KILLS) CRASH_SEED=$(SOAK_SEED) \
		CRASH_JOBS=$(SOAK_JOBS) sh tests/crash/test_crash.sh
