# tests/valgrind/valgrind.mk: the whole suite under valgrind's memcheck (included by the
# Makefile).
#
#   make valgrind                   `make test` in build/valgrind with every unit test, fuzz
#                                   replay (corpora and regressions) and fundledger process of
#                                   the CLI and crash scripts under memcheck
#   make valgrind VALGRIND_QUICK=1  the bounded form for CI: every unit test and fuzz replay,
#                                   and only the scripts in VALGRIND_QUICK_SCRIPTS
#
# It is `make test` (so whatever the test areas add to it is built) in build/valgrind, -O1 -g,
# no sanitizers, and without _FORTIFY_SOURCE: the fortified memmove reaches glibc's
# __memmove_chk, an alias of __memcpy_chk, which memcheck then reports as an overlapping
# memcpy (valgrind's false positive; memcheck does the bounds checking itself). tests/run.sh
# gets:
#   TEST_WRAPPER   tests/valgrind/vg.sh, before each unit test binary and replay and, by a
#                  wrapper in FUNDLEDGER's place, before every fundledger the scripts run
#   TEST_AFTER     tests/valgrind/check.sh, which reads each process's log after every
#                  program, so an error or a definite/indirect leak is a "not ok" line of the
#                  program that ran it, whatever that program did with the exit status
#   TEST_SKIP_TAG, TEST_SKIP_FILE   the scripts that cannot run under valgrind (LD_PRELOAD
#                  shims, fiu-run, ulimit) say so with a line "# valgrind: skip REASON", or
#                  are listed in tests/valgrind/skip; run.sh prints "skip NAME: REASON"
# The run ends with run.sh's "N passed, N failed", then the tally of the processes checked,
# then the time taken; it fails when either shows a failure. Logs of processes with errors stay
# in build/valgrind/logs/failed/. Tools the scripts call (sqlite3, openssl, jq, chromium) and
# programs they run from $(BUILD) other than fundledger never run under valgrind.
VALGRIND_BUILD = build/valgrind
VALGRIND_LOGS  = $(CURDIR)/$(VALGRIND_BUILD)/logs
VALGRIND_QUICK ?=
# The CI form's scripts: every error path of the command line (test_badinput), the online
# backup and its failures, and two writers at once (timings in tests/valgrind/README.md).
VALGRIND_QUICK_SCRIPTS ?= cli/test_badinput cli/test_backup cli/test_concurrency
VALGRIND_ONLY = $(if $(VALGRIND_QUICK),$(VALGRIND_QUICK_SCRIPTS))

.PHONY: valgrind
valgrind:
	@command -v valgrind >/dev/null || { echo "valgrind is missing: sh tools/deps.sh" >&2; exit 1; }
	@rm -rf $(VALGRIND_LOGS) && mkdir -p $(VALGRIND_LOGS)/failed
	@# Scripts run some commands as nobody: their logs must be writable too.
	@chmod 1777 $(VALGRIND_LOGS) $(VALGRIND_LOGS)/failed
	@start=$$(date +%s); \
	VG_LOGDIR=$(VALGRIND_LOGS) TEST_WRAPPER="sh $(CURDIR)/tests/valgrind/vg.sh" \
	TEST_AFTER="sh $(CURDIR)/tests/valgrind/check.sh" \
	TEST_SKIP_TAG=valgrind TEST_SKIP_FILE=$(CURDIR)/tests/valgrind/skip \
	TEST_ONLY="$(VALGRIND_ONLY)" \
	$(MAKE) --no-print-directory BUILD=$(VALGRIND_BUILD) OPT='-O1 -g' SAN= \
		CFLAGS='$(CFLAGS) -U_FORTIFY_SOURCE' test; rc=$$?; \
	VG_LOGDIR=$(VALGRIND_LOGS) sh tests/valgrind/check.sh --summary || rc=1; \
	echo "valgrind: $$(( $$(date +%s) - start )) s$(if $(VALGRIND_QUICK), (quick form))"; \
	exit $$rc
