#!/bin/sh
# tests/valgrind/check.sh: reads the valgrind logs the programs of the suite leave, for
# `make valgrind` (tests/run.sh runs it after each program as TEST_AFTER, with the program's
# name; its TAP lines count with the program's own).
#
#   sh tests/valgrind/check.sh NAME      one "not ok" line per process of NAME with errors
#   sh tests/valgrind/check.sh --summary the logs left over, then the tally of every process
#                                        checked; exits 1 if any had errors
#
# A log whose "ERROR SUMMARY" is 0 errors is deleted. One with errors moves to
# $VG_LOGDIR/failed/ and is reported with its command and its first errors. A log without an
# ERROR SUMMARY line belongs to a process that did not exit under valgrind: a child that
# exec'd another program (system(), popen(): not traced, --trace-children=no) or a process
# killed with SIGKILL. It is a failure if it holds an error report, else it is only counted
# ("ended without a summary": nothing was checked at its exit). A process still running is left
# for a later call. Tally lines go to $VG_LOGDIR/tally.
set -u
: "${VG_LOGDIR:?set VG_LOGDIR (make valgrind does)}"
mkdir -p "$VG_LOGDIR/failed"
tally=$VG_LOGDIR/tally

# reports LOG: the first two error or leak reports of LOG, each up to the blank line ending it.
reports() {
	awk '
		/^==[0-9]+== [^ ]/ && !in_block &&
		    !/== (Memcheck,|Copyright|Using Valgrind|Command:|Parent PID:|HEAP SUMMARY:|LEAK SUMMARY:|Reachable blocks|To see them|For lists|For counts|ERROR SUMMARY)/ {
			in_block = 1; blocks++
		}
		in_block { print; lines++ }
		in_block && /^==[0-9]+== $/ { in_block = 0; if (blocks == 2) exit }
		lines >= 40 { exit }
	' "$1"
}

# check LOG WAIT: reads one log (WAIT: leave it if its process still runs).
check() {
	f=$1
	pid=${f%.log}
	pid=${pid##*.}
	cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$f" | head -n 1 | cut -c1-200)
	n=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -n 1)
	if [ -z "$n" ]; then
		[ "$2" = wait ] && kill -0 "$pid" 2>/dev/null && return
		if [ -z "$(reports "$f")" ]; then
			echo "nosummary" >>"$tally"
			rm -f "$f"
			return
		fi
		n="some"
	fi
	if [ "$n" = 0 ]; then
		echo "clean" >>"$tally"
		rm -f "$f"
		return
	fi
	echo "errors $f" >>"$tally"
	mv "$f" "$VG_LOGDIR/failed/"
	f=$VG_LOGDIR/failed/$(basename "$f")
	echo "not ok - valgrind: $n errors in '$cmd' (pid $pid); log $f"
	reports "$f" | sed 's/^/#   /'
}

if [ "${1:-}" = "--summary" ]; then
	for f in "$VG_LOGDIR"/*.log; do
		[ -f "$f" ] && check "$f" now
	done
	touch "$tally"
	clean=$(grep -c '^clean' "$tally")
	bad=$(grep -c '^errors' "$tally")
	lost=$(grep -c '^nosummary' "$tally")
	echo "valgrind: $((clean + bad + lost)) processes: $clean clean, $bad with errors," \
		"$lost ended without a summary (exec'd or killed); logs of errors in $VG_LOGDIR/failed"
	[ "$bad" -eq 0 ]
	exit
fi

name=$(printf '%s' "${1:?usage: check.sh NAME | --summary}" | tr -c 'A-Za-z0-9_.-' '_')
for f in "$VG_LOGDIR/$name".*.log; do
	[ -f "$f" ] && check "$f" wait
done
exit 0
