# fundledger: plain Makefile, objects out of tree in $(BUILD), dependencies via pkg-config.
#
#   make            build $(BUILD)/fundledger
#   make test       unit, CLI, tamper and fuzz-replay tests; ends with "N passed, N failed"
#   make sanitize   the same suite under ASan+UBSan, in build/sanitize
#   make demo       a ledger from the bundled sample, verified and summarised
#   make bench      tools/bench (import, verify, reconcile, statement import, against baselines);
#                   sizes 10k, 100k and 1M, and 10M with BENCH_MAX=10000000 (or BENCH_SIZES)
#   make man        one page per command, $(BUILD)/man/fundledger-NAME.1 (tools/manpages.sh)
#   make install    PREFIX (/usr/local) and DESTDIR: the program, its configuration, man pages,
#                   bash completion, and the library with its headers and fundledger.pc

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
VERSION := 0.1.0
DATADIR  = $(PREFIX)/share/fundledger
# Where the program looks for fundledger.yaml when neither -c, $$FUNDLEDGER_CONFIG nor
# ./fundledger.yaml gives one. Development builds use this tree's config/.
CONFIG_DIR ?= $(CURDIR)/config

PKGS      = libcrypto sqlite3 yaml-0.1 libxml-2.0
TEST_PKGS = cmocka
# Recursive (=) so that pkg-config runs after tools/deps.sh has had its chance.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
TEST_CFLAGS_PKG = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS_PKG   = $(shell pkg-config --libs $(TEST_PKGS))

WARN    = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes \
          -Wmissing-prototypes -Wvla
HARDEN  = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
OPT     ?= -O2 -g
ifeq ($(CI),true)
WERROR  ?= -Werror
endif
WERROR  ?=
SAN     ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(WERROR) $(HARDEN) $(SAN) \
             -Iinclude -Iledger -MMD -MP $(PKG_CFLAGS) $(CFLAGS) \
             -DFL_VERSION='"$(VERSION)"' -DFL_CONFIG_DIR='"$(CONFIG_DIR)"'
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SAN) $(LDFLAGS)

LIB_SRC = $(wildcard ledger/*.c)
CLI_SRC = $(wildcard ledger/cli/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay_%)
LIB = $(BUILD)/libfundledger.a
BIN = $(BUILD)/fundledger
DEPS_STAMP = $(BUILD)/.deps-ok
MAN_STAMP = $(BUILD)/man/.stamp

.PHONY: all test check sanitize demo bench install clean deps man
all: $(BIN) $(MAN_STAMP)

# Install missing packages once, when pkg-config cannot find them.
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@if ! pkg-config --exists $(PKGS) $(TEST_PKGS) || ! command -v sqlite3 >/dev/null || \
	    ! command -v xxd >/dev/null || ! command -v jq >/dev/null || \
	    ! command -v groff >/dev/null; then sh tools/deps.sh; fi
	@pkg-config --exists $(PKGS) $(TEST_PKGS) && touch $@
deps: $(DEPS_STAMP)

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

# The per-command pages, from docs/fundledger.1 and the command table (help's output).
man: $(MAN_STAMP)
$(MAN_STAMP): docs/fundledger.1 tools/manpages.sh $(BIN)
	@rm -f $(BUILD)/man/fundledger-*.1
	sh tools/manpages.sh docs/fundledger.1 $(BIN) $(BUILD)/man
	@touch $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS_PKG) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(TEST_LIBS_PKG) $(PKG_LIBS)

# Fuzz targets replayed over their corpora without libFuzzer.
$(BUILD)/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(PKG_LIBS)

test check: $(BIN) $(UNIT_BIN) $(FUZZ_BIN)
	@FUNDLEDGER=$(CURDIR)/$(BIN) BUILD=$(BUILD) sh tests/run.sh

sanitize:
	$(MAKE) BUILD=build/sanitize OPT='-O1 -g -fno-omit-frame-pointer' \
		SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' test

demo: $(BIN)
	@FUNDLEDGER=$(CURDIR)/$(BIN) sh tools/demo.sh

bench: $(BIN)
	@FUNDLEDGER=$(CURDIR)/$(BIN) BENCH_OUT="$${BENCH_OUT:-$(CURDIR)/build/bench}" sh tools/bench

# INSTALL_BUILD: where install builds (tests/cli/test_install.sh uses its own).
INSTALL_BUILD ?= build/install
LIBDIR     = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
MANDIR     = $(PREFIX)/share/man/man1
COMPDIR    = $(PREFIX)/share/bash-completion/completions
install:
	$(MAKE) BUILD=$(INSTALL_BUILD) CONFIG_DIR=$(DATADIR) all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(COMPDIR) $(DESTDIR)$(INCLUDEDIR)/fundledger $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 0755 $(INSTALL_BUILD)/fundledger $(DESTDIR)$(PREFIX)/bin/fundledger
	install -m 0644 config/*.yaml $(DESTDIR)$(DATADIR)/
	install -m 0644 docs/fundledger.1 $(INSTALL_BUILD)/man/fundledger-*.1 $(DESTDIR)$(MANDIR)/
	install -m 0644 tools/completion/fundledger.bash $(DESTDIR)$(COMPDIR)/fundledger
	install -m 0644 include/fundledger/*.h $(DESTDIR)$(INCLUDEDIR)/fundledger/
	install -m 0644 $(INSTALL_BUILD)/libfundledger.a $(DESTDIR)$(LIBDIR)/libfundledger.a
	v=$$($(INSTALL_BUILD)/fundledger --version | sed -n 's/^fundledger \([^ ]*\) .*/\1/p') && test -n "$$v" && \
	sed -e 's|@PREFIX@|$(PREFIX)|' -e "s|@VERSION@|$$v|" -e 's|@PKGS@|$(PKGS)|' \
		tools/fundledger.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/fundledger.pc

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Rules that belong to one test area live beside its tests (tests/<area>/<area>.mk).
-include $(wildcard tests/*/*.mk)

# ---- tools ----
# Helpers for `make bench`: the synthetic ledger and statement generator and the peak-RSS
# runner. Standalone programs (no library), built with the same flags as everything else.
TOOLS_BIN = $(BUILD)/tools/gen $(BUILD)/tools/peakrss
$(BUILD)/tools/%: tools/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<
bench: $(TOOLS_BIN)
# tests/cli/test_bench.sh runs the bench at tiny sizes.
test check: $(TOOLS_BIN)
-include $(TOOLS_BIN:=.d)
# ---- end tools ----
# ---- fuzz (libFuzzer) ----
# `make fuzz` builds every tests/fuzz/fuzz_<target>.c with clang's libFuzzer, ASan and UBSan in
# build/fuzz/ (the library too, instrumented for coverage) and runs each for FUZZ_SECONDS.
# The seeds in tests/fuzz/corpus/<target> (and the inputs of tests/fuzz/regressions/<target>)
# are read, never written: new inputs go to
# build/fuzz/corpus/<target>, crash inputs to tests/fuzz/crashes/<target>/, each run's log to
# build/fuzz/<target>.log. Fails when any target found a crash, leak or timeout.
# libFuzzer comes with clang (Debian: libclang-rt-14-dev, a Recommends of clang-14).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# libFuzzer's random seed; 0 lets it pick one. CI sets one so that a run can be repeated.
FUZZ_SEED    ?= 0
FUZZ_TARGETS  = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_SAN      = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
.PHONY: fuzz fuzz-build
fuzz:
	@sh tools/deps.sh --fuzz
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) OPT='-O1 -g -fno-omit-frame-pointer' \
		SAN='$(FUZZ_SAN)' fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t tests/fuzz/crashes/$$t; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ \
			build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
			$$([ -d tests/fuzz/regressions/$$t ] && echo tests/fuzz/regressions/$$t) \
			>build/fuzz/$$t.log 2>&1; \
		rc=$$?; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/$$t.log); \
		if [ $$rc -eq 0 ]; then \
			echo "fuzz $$t: $$execs executions in $(FUZZ_SECONDS) s, nothing found"; \
		else \
			fail=1; \
			echo "fuzz $$t: FAILED (status $$rc) after $${execs:-?} executions;" \
				"log build/fuzz/$$t.log"; \
			grep -aE 'invariant violated|ERROR: |SUMMARY: |Test unit written' \
				build/fuzz/$$t.log | head -n 4 | cut -c1-240 | sed 's/^/    /'; \
		fi; \
	done; exit $$fail
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB) | $(DEPS_STAMP)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(PKG_LIBS)
-include $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%.d)
# ---- end fuzz ----
