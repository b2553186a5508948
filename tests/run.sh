#!/bin/sh
# tests/run.sh: runs every unit test binary (cmocka, TAP output), every fuzz-corpus replay and
# every CLI test script, and ends with the line "N passed, N failed" that CI reads.
#
# Each program prints "ok ..." and "not ok ..." lines; a program that exits non-zero without
# reporting a failure (a crash, a sanitizer report) counts as one failure.
# Environment: FUNDLEDGER (the binary under test), BUILD (where the test binaries are).
set -u
: "${FUNDLEDGER:?set FUNDLEDGER to the fundledger binary}"
: "${BUILD:?set BUILD to the build directory}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export FUNDLEDGER ROOT
export CMOCKA_MESSAGE_OUTPUT=TAP
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
	name=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($p passed, $f failed)"
		sed 's/^/    /' "$log"
	else
		echo "ok   $name ($p passed)"
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	cd "$ROOT" && run "unit/$(basename "$t")" "$t"
done
for t in "$BUILD"/tests/replay_*; do
	[ -x "$t" ] || continue
	target=$(basename "$t" | sed 's/^replay_fuzz_//')
	cd "$ROOT" && run "fuzz-replay/$target" "$t" "tests/fuzz/corpus/$target"
done
for t in "$ROOT"/tests/cli/test_*.sh "$ROOT"/tests/crash/test_*.sh; do
	[ -f "$t" ] || continue
	area=$(basename "$(dirname "$t")")
	cd "$ROOT" && run "$area/$(basename "$t" .sh)" sh "$t"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
