#!/bin/sh
# tests/valgrind/vg.sh: runs one program under valgrind's memcheck for `make valgrind`.
#
#   sh tests/valgrind/vg.sh PROGRAM [ARG...]
#
# `make valgrind` hands it to tests/run.sh as TEST_WRAPPER: run.sh puts it before every unit
# test binary and fuzz replay, and before the real binary in the `fundledger` wrapper it puts in
# FUNDLEDGER's place, so every process of the suite that is ours runs under memcheck; the tools
# the scripts call (sqlite3, openssl, jq, chromium) do not, and nor does anything a program of
# ours executes (--trace-children=no).
#
# Any memory error, and any leak that is definitely or indirectly lost, makes the process
# exit with VG_ERROR_EXIT (97) and leaves its report in VG_LOGDIR (one file per process,
# forked children included: NAME.PID.log, NAME from $TEST_NAME, which tests/run.sh sets). The
# logs are what counts: tests/valgrind/check.sh reads them after each program of the suite,
# so an error is a failure even where a test does not look at the exit status. Still
# reachable memory (what libraries keep until exit) is neither shown nor an error.
set -u
: "${VG_LOGDIR:?set VG_LOGDIR (make valgrind does)}"
VG_ERROR_EXIT=${VG_ERROR_EXIT:-97}
VG_HOME=$(cd "$(dirname "$0")" && pwd)
name=$(printf '%s' "${TEST_NAME:-adhoc}" | tr -c 'A-Za-z0-9_.-' '_')
# A suppressions file is used only if there is one; each entry in it says why it is there.
[ -f "$VG_HOME/suppressions" ] && set -- "--suppressions=$VG_HOME/suppressions" "$@"
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode="$VG_ERROR_EXIT" \
	--num-callers=30 --trace-children=no --child-silent-after-fork=no \
	--log-file="$VG_LOGDIR/$name.%p.log" "$@"
