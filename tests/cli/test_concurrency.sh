#!/bin/sh
# test_concurrency.sh: two treasurers writing to one ledger at the same time, from two
# processes, $FL_CONCURRENCY_N separate signed batches each (1000 unless set).
#
# The writers are tests/tools/writer (one key unlock per process, then one batch per write,
# an acknowledgement line after each commit), started together. Both must finish, or one may
# give up with the clear busy error after the timeout (exit 3); either way the ledger verifies
# (one linear chain, the Merkle tree, a signed checkpoint per batch), every acknowledged
# write is in it exactly once under its seq, and nothing else is. Then the busy error itself:
# a writer that cannot get the lock within the timeout fails cleanly and writes nothing,
# while readers (verify, backup) are not held up.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?set BUILD to the build directory}"
case $BUILD in /*) WRITER=$BUILD/tests/tools/writer ;; *) WRITER=$ROOT/$BUILD/tests/tools/writer ;; esac
if [ ! -x "$WRITER" ]; then
	not_ok "the writer tool is built ($WRITER; make test builds it)"
	exit 1
fi
# Under ASan (make sanitize) the allocator's 256 MiB quarantine makes each key unlock (600,000
# PBKDF2 rounds) take seconds; 16 MiB keeps it well under one.
if ldd "$FUNDLEDGER" 2>/dev/null | grep -q libasan; then
	case "${ASAN_OPTIONS:-}" in
	*quarantine_size_mb*) ;;
	*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16" ;;
	esac
fi
N=${FL_CONCURRENCY_N:-1000}
db=$FUNDLEDGER_LEDGER
fl init >/dev/null

# ---- two writers at once ----
: >"$T/a.out"
: >"$T/b.out"
for w in a b; do
	"$WRITER" -c "$FUNDLEDGER_CONFIG" -d "$db" -k "$FUNDLEDGER_KEY" -p "$w" -n "$N" \
		-g "$T/go" >"$T/$w.out" 2>"$T/$w.err" &
	eval "pid_$w=\$!"
done
# Both unlock their key first, then start writing together.
i=0
while [ "$(grep -c '^ready' "$T/a.out" "$T/b.out" | grep -c ':1$')" -lt 2 ] && [ $i -lt 6000 ]; do
	sleep 0.01
	i=$((i + 1))
done
start=$(date +%s)
: >"$T/go"
wait "$pid_a"
ra=$?
wait "$pid_b"
rb=$?
took=$(($(date +%s) - start))
echo "# two writers of $N batches each: $took s, exit $ra and $rb"

case "$ra:$rb" in
0:0) ok "both writers finished ($N batches each)" ;;
0:3 | 3:0)
	[ "$ra" -eq 3 ] && loser=a || loser=b
	if grep -q "^writer: begin: the ledger is locked by another writer (waited 5000 ms)$" \
		"$T/$loser.err" && [ "$took" -ge 5 ]; then
		ok "one writer finished, the other gave up with the busy error after the timeout"
	else
		not_ok "writer $loser exited 3 without the busy error after the timeout ($took s)"
		sed 's/^/#   /' "$T/$loser.err"
	fi
	;;
*)
	not_ok "the writers exited $ra and $rb (want 0 and 0, or one 3 for busy)"
	sed 's/^/#   a: /' "$T/a.err"
	sed 's/^/#   b: /' "$T/b.err"
	;;
esac
sed -n 's/^ack //p' "$T/a.out" "$T/b.out" | sort -n >"$T/acks"
acked=$(wc -l <"$T/acks")
if [ "$ra:$rb" = "0:0" ]; then
	same "$acked" $((2 * N)) "every batch was acknowledged"
fi
expect 0 "the ledger verifies" fl verify
contains "$OUT" "^OK $acked entries, head [0-9a-f]{64}\$" \
	"one chain of as many entries as acknowledgements ($acked)"
contains "$OUT" ", $acked signed checkpoints," "a signed checkpoint for each batch"
sqlite3 "$db" "SELECT seq || ' ' || idem FROM entries ORDER BY seq" >"$T/ledger"
if cmp -s "$T/acks" "$T/ledger"; then
	ok "every acknowledged write is in the ledger exactly once, under its seq, and nothing else"
else
	not_ok "the ledger's entries are the acknowledged writes"
	diff "$T/acks" "$T/ledger" | head -n 5 | sed 's/^/#   /'
fi
same "$(sqlite3 "$db" "SELECT count(DISTINCT idem) FROM entries")" "$acked" \
	"no key twice"
# Taking turns, not one after the other: the writers' entries alternate many times.
runs=$(sqlite3 "$db" "SELECT substr(idem, 1, 1) FROM entries ORDER BY seq" | uniq | wc -l)
echo "# the writers' entries form $runs runs"
if [ "$runs" -ge 3 ]; then ok "the two writers' batches interleave ($runs runs)"; else
	not_ok "the two writers' batches interleave (only $runs runs)"; fi

# ---- the busy error ----
# The sqlite3 shell holds the write lock (BEGIN IMMEDIATE) until its input closes.
mkfifo "$T/fifo"
sqlite3 "$db" <"$T/fifo" >/dev/null 2>&1 &
holder=$!
exec 3>"$T/fifo"
echo "BEGIN IMMEDIATE;" >&3
i=0
while [ $i -lt 500 ] && ! sqlite3 "$db" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" \
	2>&1 | grep -q locked; do
	sleep 0.01
	i=$((i + 1))
done
n=$(count)
t0=$(date +%s)
expect 3 "a write while another holds the lock fails after the timeout" \
	fl pledge --donor NOR --fund VFTC --currency EUR --amount 5 --years 2026 --date 2026-02-01
waited=$(($(date +%s) - t0))
contains "$ERR" "^fundledger: begin: the ledger is locked by another writer \(waited 5000 ms\)\$" \
	"with a message that says so"
if [ "$waited" -ge 4 ]; then ok "it waited for the timeout first (${waited} s)"; else
	not_ok "it waited for the timeout first (only ${waited} s)"; fi
same "$(count)" "$n" "nothing was written"
expect 0 "verify is not held up by the writer" fl verify
expect 0 "nor is backup" fl backup "$T/busy-backup.db"
exec 3>&-
wait "$holder"
expect 0 "once the lock is released, the write goes through" \
	fl pledge --donor NOR --fund VFTC --currency EUR --amount 5 --years 2026 --date 2026-02-01
same "$(count)" $((n + 1)) "one more entry"
expect 0 "and the ledger verifies" fl verify
