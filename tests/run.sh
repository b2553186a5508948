#!/bin/sh
# tests/run.sh: runs every unit test binary (cmocka, TAP output), every fuzz-corpus replay and
# every CLI test script, and ends with the line "N passed, N failed" that CI reads.
#
# Each program prints "ok ..." and "not ok ..." lines; a program that exits non-zero without
# reporting a failure (a crash, a sanitizer report) counts as one failure.
# Environment: FUNDLEDGER (the binary under test), BUILD (where the test binaries are).
# Optional, for runs under a checker (`make valgrind`, tests/valgrind/valgrind.mk):
#   TEST_WRAPPER    a command prefix for the unit test binaries, the fuzz replays and, through
#                   a wrapper script that takes FUNDLEDGER's place, every fundledger the
#                   scripts run
#   TEST_AFTER      a command run after each program with its name; its "ok"/"not ok" lines
#                   count with the program's (e.g. errors the checker logged)
#   TEST_SKIP_TAG   scripts holding a line "# TAG: skip REASON" are not run; the reason is shown
#   TEST_SKIP_FILE  lines "AREA/NAME REASON" naming more scripts that are not run
#   TEST_ONLY       if set, only the scripts named in it (AREA/NAME ...) run
# Fuzz replays read tests/fuzz/corpus/TARGET and, when there is one, tests/fuzz/regressions/TARGET.
set -u
: "${FUNDLEDGER:?set FUNDLEDGER to the fundledger binary}"
: "${BUILD:?set BUILD to the build directory}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export FUNDLEDGER ROOT
export CMOCKA_MESSAGE_OUTPUT=TAP
pass=0
fail=0
log=$(mktemp)
wrapdir=
trap 'rm -f "$log"; [ -z "$wrapdir" ] || rm -rf "$wrapdir"' EXIT
if [ -n "${TEST_WRAPPER:-}" ]; then
	wrapdir=$(mktemp -d)
	chmod 755 "$wrapdir" # scripts run some commands as another user
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$TEST_WRAPPER" "$FUNDLEDGER" >"$wrapdir/fundledger"
	chmod +x "$wrapdir/fundledger"
	FUNDLEDGER=$wrapdir/fundledger
fi

run() {
	name=$1
	shift
	t0=$(date +%s)
	TEST_NAME=$name "$@" >"$log" 2>&1
	rc=$?
	if [ -n "${TEST_AFTER:-}" ]; then
		$TEST_AFTER "$name" >>"$log" 2>&1
	fi
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	secs=$(($(date +%s) - t0))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($p passed, $f failed, $secs s)"
		sed 's/^/    /' "$log"
	else
		echo "ok   $name ($p passed, $secs s)"
	fi
}

# skip_reason NAME FILE: why the script is not run in this run; empty when it is.
skip_reason() {
	if [ -n "${TEST_ONLY:-}" ]; then
		case " $TEST_ONLY " in
		*" $1 "*) ;;
		*) echo "not in TEST_ONLY" && return ;;
		esac
	fi
	if [ -n "${TEST_SKIP_TAG:-}" ]; then
		r=$(sed -n "s/^# $TEST_SKIP_TAG: skip *//p" "$2" | head -n 1)
		[ -n "$r" ] && echo "$r" && return
	fi
	if [ -n "${TEST_SKIP_FILE:-}" ] && [ -f "$TEST_SKIP_FILE" ]; then
		awk -v n="$1" '$1 == n { sub(/^[^ ]+ +/, ""); print; exit }' "$TEST_SKIP_FILE"
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	cd "$ROOT" && run "unit/$(basename "$t")" ${TEST_WRAPPER:-} "$t"
done
for t in "$BUILD"/tests/replay_*; do
	[ -x "$t" ] || continue
	target=$(basename "$t" | sed 's/^replay_fuzz_//')
	set -- "tests/fuzz/corpus/$target"
	[ -d "$ROOT/tests/fuzz/regressions/$target" ] && set -- "$@" "tests/fuzz/regressions/$target"
	cd "$ROOT" && run "fuzz-replay/$target" ${TEST_WRAPPER:-} "$t" "$@"
done
skipped=0
for t in "$ROOT"/tests/cli/test_*.sh "$ROOT"/tests/crash/test_*.sh; do
	[ -f "$t" ] || continue
	area=$(basename "$(dirname "$t")")
	name=$area/$(basename "$t" .sh)
	why=$(skip_reason "$name" "$t")
	if [ -n "$why" ]; then
		echo "skip $name: $why"
		skipped=$((skipped + 1))
		continue
	fi
	cd "$ROOT" && run "$name" sh "$t"
done
[ "$skipped" -eq 0 ] || echo "$skipped scripts not run in this run (reasons above)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
