#!/bin/sh
# tests/cli/test_faults.sh: faults while writing (issue 6). For the write commands (a CSV import
# of many rows and a statement import, each one batch; pledge; contribute with its match;
# cosign), each fault must end in exit 3 with a message that says what happened, and leave a
# ledger that verifies with the batch either wholly there or wholly absent:
#   1. disk full: RLIMIT_FSIZE below what the batch needs (always), and a small tmpfs (when
#      this machine lets us mount one);
#   2. a read-only ledger, written by a user who may not (nobody); read-only commands still work;
#   3. another writer holding the lock: the writer waits the busy timeout (5000 ms), then fails;
#   4. random I/O errors injected by libfiu (fiu-utils) into the POSIX calls, seeded;
#   5. a missing or unreadable WAL: a clear error where the ledger cannot be read, and a kept
#      checkpoint (verify --trusted) that catches the entries lost with a deleted WAL.
# Runs as root (CI does): permission faults use setpriv to run as nobody and daemon.
. "$ROOT/tests/cli/lib.sh"
cd "$T" || exit 1
chmod 755 "$T" # other users must reach the configuration and their ledgers here
add_auditor

HOLDER=
MOUNTED=
cleanup() {
	if [ -n "$HOLDER" ]; then
		touch "$T/release"
		kill "$HOLDER" 2>/dev/null
	fi
	[ -n "$MOUNTED" ] && umount "$T/tmpfs"
	rm -rf "$T"
}
trap cleanup EXIT

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
as_daemon() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# vline: verify's first line ("OK N entries, head H"), or its error.
vline() { fl verify 2>&1 | head -n 1; }
# vstate: verify's first two lines: entries, head, root, checkpoints and cosignatures.
vstate() { fl verify 2>&1 | head -n 2 | tr '\n' ' '; }
# cosigs: the number of cosignatures verify counts.
cosigs() { fl verify 2>/dev/null | sed -n 's/.*, \([0-9]*\) cosignatures$/\1/p'; }
# verified DESC: the ledger verifies.
verified() { expect 0 "$1" fl verify; }

# gen_csv FILE PREFIX N: a CSV import of N pledges, refs PREFIX-1 to PREFIX-N.
gen_csv() {
	awk -v p="$2" -v n="$3" 'BEGIN {
		print "kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref,announcement,bank_ref,pledge,rate"
		for (i = 1; i <= n; i++)
			printf "pledge,%s-%d,VFTC,DEU,USD,%d.00,2026-01-15,2026,,,,,,,\n", p, i, i
	}' >"$1"
}
# gen_stmt FILE ID N: a CSV bank statement ID of N credits (N + 1 entries once imported).
gen_stmt() {
	awk -v id="$2" -v n="$3" 'BEGIN {
		a = "CH5604835012345678009"
		print "statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance"
		printf "%s,%s,USD,2026-02-01,,opening,0.00,,,,\n", id, a
		for (i = 1; i <= n; i++)
			printf "%s,%s,USD,2026-02-10,,credit,%d.00,%s-%d,,Government of Chile,Contribution %d\n", id, a, i, id, i, i
		printf "%s,%s,USD,2026-02-28,,closing,%d.00,,,,\n", id, a, n * (n + 1) / 2
	}' >"$1"
}

# The sanitized build (make sanitize): a small quarantine keeps every write under a second
# (lib.sh); ASAN_LIB is preloaded ahead of libfiu's libraries below.
asan_small_quarantine
ASAN_LIB=$(ldd "$FUNDLEDGER" 2>/dev/null | awk '/libasan/ { print $3; exit }')
# sanitizer_clean FILE DESC: no sanitizer report in FILE.
sanitizer_clean() {
	if grep -Eq 'Sanitizer|runtime error:' "$1"; then
		not_ok "$2: a sanitizer report"
		sed 's/^/#   /' "$1"
	fi
}

# ==== 1. Disk full ===========================================================================
export FUNDLEDGER_LEDGER="$T/full.db"
expect 0 "full: init" fl init
expect 0 "full: a pledge for the contributions" \
	fl pledge --donor USA --fund UPRP --currency USD --amount 100000 --years 2026 --ref p-usa
gen_csv rows.csv row 1000    # about 500 KiB of new pages
gen_stmt stmt.csv FULL-1 500 # about 270 KiB

# ulimit -f counts 512-byte blocks in dash, 1024-byte ones in bash: fsize (lib.sh) measures it.
UNIT=$(fsize_unit)
case "$UNIT" in 512 | 1024) ok "full: ulimit -f counts $UNIT-byte blocks" ;; *) not_ok "full: ulimit -f unit ($UNIT)" ;; esac
# Room for the WAL index (32 KiB) but not for the batch's pages: the import fails at commit,
# with part of its pages already written to the WAL.
BATCH_LIMIT=131072
# Less than a page: a single write fails (sizing the WAL index, or writing the WAL).
SMALL_LIMIT=4096
FULL_MSG='File too large|database or disk is full|No space left on device'

# full_fails DESC LIMIT CMD...: CMD under the limit exits 3 with a message naming the cause,
# and writes nothing (entries and cosignatures unchanged, the ledger verifies).
full_fails() {
	what=$1
	limit=$2
	shift 2
	before=$(vstate)
	expect 3 "full: $what: exit 3" fsize "$limit" "$@"
	contains "$ERR" "^fundledger: .*($FULL_MSG)" "full: $what: the message says the file is too large"
	same "$(vstate)" "$before" "full: $what: nothing written, the ledger verifies"
}
BASE=$(count)
full_fails "import of 1000 rows" $BATCH_LIMIT fl import rows.csv
same "$(count)" "$BASE" "full: import: no partial batch (entry count $BASE)"
full_fails "statement of 500 lines" $BATCH_LIMIT fl statement import stmt.csv
full_fails "pledge" $SMALL_LIMIT fl pledge --donor DEU --fund VFTC --currency USD --amount 5 \
	--years 2026 --ref full-p
full_fails "contribute (with its match)" $SMALL_LIMIT fl contribute --donor USA --fund UPRP \
	--currency USD --amount 10 --bank-ref FULL-B --pledge p-usa --ref full-c
full_fails "cosign" $SMALL_LIMIT fl cosign --key "$T/auditor.key"
verified "full: the ledger verifies after five failed writes"

# With room, the same commands succeed.
expect 0 "full: with room, the import succeeds" fl import rows.csv
same "$(count)" "$((BASE + 1000))" "full: all 1000 rows imported"
expect 0 "full: with room, the statement import succeeds" fl statement import stmt.csv
same "$(count)" "$((BASE + 1501))" "full: the statement and its 500 lines imported"
expect 0 "full: with room, a pledge under the 128 KiB limit succeeds" \
	fsize $BATCH_LIMIT fl pledge --donor DEU --fund VFTC --currency USD --amount 5 --years 2026 --ref full-p
expect 0 "full: with room, contribute succeeds" fl contribute --donor USA --fund UPRP \
	--currency USD --amount 10 --bank-ref FULL-B --pledge p-usa --ref full-c
same "$(count)" "$((BASE + 1504))" "full: the pledge, the contribution and its match recorded"
expect 0 "full: with room, cosign succeeds" fl cosign --key "$T/auditor.key"
same "$(cosigs)" 1 "full: one cosignature"
verified "full: the ledger verifies"

# A small tmpfs: the disk really full (ENOSPC). Only where this machine lets root mount one.
mkdir "$T/tmpfs"
if mount -t tmpfs -o size=384k,mode=0755 fundledger-faults "$T/tmpfs" 2>/dev/null; then
	MOUNTED=1
	export FUNDLEDGER_LEDGER="$T/tmpfs/ledger.db"
	expect 0 "tmpfs: init on a 384 KiB tmpfs" fl init
	expect 0 "tmpfs: a pledge" fl pledge --donor DEU --fund VFTC --currency USD --amount 1 \
		--years 2026 --ref t-1
	before=$(vline)
	expect 3 "tmpfs: import of 1000 rows on a full disk: exit 3" fl import rows.csv
	contains "$ERR" "^fundledger: .*(database or disk is full|No space left on device)" \
		"tmpfs: the message says the disk is full"
	same "$(vline)" "$before" "tmpfs: nothing written, the ledger verifies"
	same "$(count)" 1 "tmpfs: no partial batch"
	expect 0 "tmpfs: a pledge fits in the space the failed batch gave back" \
		fl pledge --donor DEU --fund VFTC --currency USD --amount 2 --years 2026 --ref t-2
	verified "tmpfs: the ledger verifies"
	umount "$T/tmpfs" && MOUNTED=
else
	echo "# tmpfs: this machine does not let us mount a tmpfs; RLIMIT_FSIZE covered disk full"
fi

# ==== 2. A read-only ledger =================================================================
# The treasurer's key, readable by nobody (a key file must be its owner's alone).
cp "$T/treasurer.key" "$T/nobody.key"
cp "$T/auditor.key" "$T/nobody-auditor.key"
chown nobody "$T/nobody.key" "$T/nobody-auditor.key"
mkdir "$T/ro"
export FUNDLEDGER_LEDGER="$T/ro/ledger.db"
expect 0 "ro: init" fl init
expect 0 "ro: a pledge" fl pledge --donor DEU --fund VFTC --currency USD --amount 1 --years 2026
HEAD1=$(sed -n 's/^recorded entry 1 (pledge), hash \([0-9a-f]*\)$/\1/p' "$OUT")
gen_csv small.csv small 20
# root owns the ledger (0644) and its directory (0755): nobody can read, not write. Nothing
# else reads the ledger before nobody does, as when the treasurer has just written it.
chmod 644 "$T"/ro/ledger.db*
# ro_write DESC CMD...: nobody's write exits 3 saying the ledger is read-only.
ro_write() {
	what=$1
	shift
	expect 3 "ro: nobody's $what: exit 3" as_nobody "$@"
	contains "$ERR" '^fundledger: .*read-?only' "ro: nobody's $what: the message says read-only"
	sanitizer_clean "$ERR" "ro: $what"
}
ro_write pledge env FUNDLEDGER_KEY="$T/nobody.key" "$FUNDLEDGER" pledge --donor DEU --fund VFTC \
	--currency USD --amount 2 --years 2026
ro_write import env FUNDLEDGER_KEY="$T/nobody.key" "$FUNDLEDGER" import small.csv
ro_write cosign "$FUNDLEDGER" cosign --key "$T/nobody-auditor.key"
expect 0 "ro: nobody can still verify" as_nobody "$FUNDLEDGER" verify
contains "$OUT" "^OK 1 entries, " "ro: nobody's verify sees the entry"
expect 0 "ro: nobody can still list the log" as_nobody "$FUNDLEDGER" log
contains "$OUT" "^ +1 +2026-03-01 +pledge " "ro: nobody's log lists the pledge"
expect 0 "ro: nobody can still print the checkpoint" as_nobody "$FUNDLEDGER" checkpoint
expect 0 "ro: nobody verifies again" as_nobody "$FUNDLEDGER" verify
same "$(vline)" "OK 1 entries, head $HEAD1" "ro: nothing written by nobody's attempts"
# The directory now nobody's, the ledger file still root's and read-only to nobody.
chown nobody "$T/ro"
ro_write "pledge (writable directory)" env FUNDLEDGER_KEY="$T/nobody.key" "$FUNDLEDGER" pledge \
	--donor DEU --fund VFTC --currency USD --amount 2 --years 2026
expect 0 "ro: nobody can verify (writable directory)" as_nobody "$FUNDLEDGER" verify
same "$(vline)" "OK 1 entries, head $HEAD1" "ro: nothing written (writable directory)"
expect 0 "ro: the owner still writes" fl pledge --donor DEU --fund VFTC --currency USD \
	--amount 3 --years 2026
verified "ro: the ledger verifies"

# A shared directory: the ledger is daemon's; nobody reads it. The reader must not leave
# files behind (LEDGER-wal, LEDGER-shm of its own) that stop the owner's next write.
mkdir "$T/shared"
chmod 1777 "$T/shared"
cp "$T/treasurer.key" "$T/daemon.key"
chown daemon "$T/daemon.key"
export FUNDLEDGER_LEDGER="$T/shared/ledger.db"
expect 0 "shared: daemon creates a ledger" as_daemon "$FUNDLEDGER" init
expect 0 "shared: daemon writes" as_daemon env FUNDLEDGER_KEY="$T/daemon.key" "$FUNDLEDGER" \
	pledge --donor DEU --fund VFTC --currency USD --amount 1 --years 2026
expect 0 "shared: nobody verifies daemon's ledger" as_nobody "$FUNDLEDGER" verify
expect 0 "shared: daemon writes again after nobody's read" as_daemon env \
	FUNDLEDGER_KEY="$T/daemon.key" "$FUNDLEDGER" pledge --donor DEU --fund VFTC --currency USD \
	--amount 2 --years 2026
sanitizer_clean "$ERR" "shared: daemon's second write"
expect 0 "shared: nobody verifies both entries" as_nobody "$FUNDLEDGER" verify
contains "$OUT" "^OK 2 entries, " "shared: two entries"

# ==== 3. Another writer holds the lock ======================================================
export FUNDLEDGER_LEDGER="$T/lock.db"
expect 0 "lock: init" fl init
expect 0 "lock: a pledge for the contributions" \
	fl pledge --donor USA --fund UPRP --currency USD --amount 100000 --years 2026 --ref p-usa
# hold_lock: a sqlite3 process takes the write lock (BEGIN IMMEDIATE) and keeps it until
# $T/release exists (at most two minutes).
hold_lock() {
	rm -f "$T/release" "$T/holder.out"
	{
		printf 'BEGIN IMMEDIATE;\n.print locked\n'
		w=0
		while [ ! -e "$T/release" ] && [ $w -lt 1200 ]; do
			sleep 0.1
			w=$((w + 1))
		done
		printf 'COMMIT;\n'
	} | sqlite3 "$FUNDLEDGER_LEDGER" >"$T/holder.out" 2>&1 &
	HOLDER=$!
	w=0
	while ! grep -q '^locked$' "$T/holder.out" 2>/dev/null && [ $w -lt 400 ]; do
		sleep 0.05
		w=$((w + 1))
	done
	if grep -q '^locked$' "$T/holder.out" && ! grep -qi error "$T/holder.out"; then
		ok "lock: another process holds the write lock"
	else
		not_ok "lock: another process holds the write lock"
		sed 's/^/#   /' "$T/holder.out"
	fi
}
release_lock() {
	touch "$T/release"
	wait "$HOLDER"
	HOLDER=
}
LOCK_MSG='the ledger is locked by another writer \(waited 5000 ms\)'
t0=$(ms)
expect 0 "lock: a pledge with the ledger free" fl pledge --donor DEU --fund VFTC --currency USD \
	--amount 1 --years 2026 --ref l-0
FREE_MS=$(($(ms) - t0))
hold_lock
BEFORE=$(vstate)
t0=$(ms)
expect 3 "lock: a pledge while another writer holds the lock: exit 3" \
	timeout 120 "$FUNDLEDGER" pledge --donor DEU --fund VFTC --currency USD --amount 2 \
	--years 2026 --ref l-1
LOCKED_MS=$(($(ms) - t0))
contains "$ERR" "^fundledger: .*$LOCK_MSG$" "lock: the message says another writer holds the lock"
if [ "$LOCKED_MS" -ge 4900 ]; then
	ok "lock: the writer waited for the lock (${LOCKED_MS} ms, ${FREE_MS} ms when free)"
else
	not_ok "lock: the writer gave up after ${LOCKED_MS} ms, before the 5000 ms busy timeout"
fi
if [ $((LOCKED_MS - FREE_MS)) -le 15000 ]; then
	ok "lock: the writer gave up after about the busy timeout ($((LOCKED_MS - FREE_MS)) ms more than when free)"
else
	not_ok "lock: the writer waited $((LOCKED_MS - FREE_MS)) ms more than when free, not about 5000"
fi
expect 3 "lock: an import of 20 rows while locked: exit 3" timeout 120 "$FUNDLEDGER" import small.csv
contains "$ERR" "^fundledger: .*$LOCK_MSG$" "lock: import: the lock message"
expect 3 "lock: cosign while locked: exit 3" timeout 120 "$FUNDLEDGER" cosign --key "$T/auditor.key"
contains "$ERR" "^fundledger: .*$LOCK_MSG$" "lock: cosign: the lock message"
expect 0 "lock: readers are not blocked by the writer's lock" fl verify
same "$(vstate)" "$BEFORE" "lock: nothing written while locked"
release_lock
expect 0 "lock: after the lock is released, the pledge succeeds" fl pledge --donor DEU --fund VFTC \
	--currency USD --amount 2 --years 2026 --ref l-1
expect 0 "lock: the import succeeds" fl import small.csv
expect 0 "lock: contribute succeeds" fl contribute --donor USA --fund UPRP --currency USD \
	--amount 10 --bank-ref L-B --pledge p-usa --ref l-c
expect 0 "lock: cosign succeeds" fl cosign --key "$T/auditor.key"
same "$(count) $(cosigs)" "25 1" "lock: 2 + 1 + 20 + 2 entries and one cosignature"
verified "lock: the ledger verifies"

# ==== 4. Random I/O errors (libfiu) ==========================================================
# libfiu's POSIX preload fails the calls it wraps (open, read, pread, pwrite, fdatasync,
# ftruncate, mmap, ... by the names of /usr/share/doc/fiu-utils/function_list.gz) with an
# errno they may return. It wraps calls made through the PLT: SQLite's and the key file's,
# not stdio's (the configuration, CSV files) nor libc's own. fiu-run puts its libraries first
# in LD_PRELOAD; ASan's runtime must come first, so this sets what fiu-run sets, in that order.
FIU_LIB=/usr/lib/fiu
if [ -f "$FIU_LIB/fiu_posix_preload.so" ] && command -v fiu-run >/dev/null; then
	ok "fiu: libfiu's POSIX preload library is installed"
else
	not_ok "fiu: libfiu's POSIX preload library is installed (tools/deps.sh installs fiu-utils)"
fi
printf 'leak:fiu_run_preload.so\nleak:fiu_posix_preload.so\n' >"$T/lsan.supp"
# under_fiu SEED ENABLE CMD...: CMD with the libfiu commands ENABLE (one per line) and seed.
under_fiu() {
	seed=$1
	enable=$2
	shift 2
	FIU_ENABLE="$enable" FIU_PRNG_SEED="$seed" FIU_CTRL_FIFO='' \
		LD_PRELOAD="${ASAN_LIB:+$ASAN_LIB }$FIU_LIB/fiu_run_preload.so $FIU_LIB/fiu_posix_preload.so" \
		LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp" "$@"
}

export FUNDLEDGER_LEDGER="$T/fiu.db"
expect 0 "fiu: init" fl init
expect 0 "fiu: a pledge for the contributions" \
	fl pledge --donor USA --fund UPRP --currency USD --amount 100000 --years 2026 --ref p-usa

# Each failure point the program reaches, failing every time: what it reaches fails the
# command with exit 3 and writes nothing; close and unlink failures are harmless to SQLite.
N=0
for point in posix/io/oc/open posix/io/rw/read posix/io/rw/pread posix/io/rw/pwrite \
	posix/io/sync/fdatasync posix/io/rw/ftruncate posix/mm/mmap posix/io/oc/close \
	posix/io/dir/unlink; do
	N=$((N + 1))
	before=$(count)
	under_fiu 1 "enable name=$point" "$FUNDLEDGER" pledge --donor DEU --fund VFTC --currency USD \
		--amount "$N" --years 2026 --ref "fp-$N" >"$OUT" 2>"$ERR"
	rc=$?
	after=$(count)
	case "$point:$rc" in
	*/close:0 | */unlink:0)
		same "$after" "$((before + 1))" "fiu: $point always failing: exit 0, the pledge recorded" ;;
	*/close:* | */unlink:*)
		not_ok "fiu: $point always failing: exit $rc, expected 0"
		sed 's/^/#   /' "$ERR" ;;
	*:3)
		if grep -q '^fundledger: ' "$ERR" && [ "$after" = "$before" ]; then
			ok "fiu: $point always failing: exit 3, nothing written ($(head -n 1 "$ERR"))"
		else
			not_ok "fiu: $point always failing: exit 3 but entries $before -> $after"
			sed 's/^/#   /' "$ERR"
		fi ;;
	*)
		not_ok "fiu: $point always failing: exit $rc, expected 3"
		sed 's/^/#   /' "$ERR" ;;
	esac
	sanitizer_clean "$ERR" "fiu: $point"
	fl verify >/dev/null 2>&1 || not_ok "fiu: $point: the ledger does not verify afterwards"
done
verified "fiu: the ledger verifies after the failure points"

# Random failures: every posix/io/* call fails with probability P, seeded, over imports and
# single writes in turn. Each run exits 0 with its whole batch, or 3 with a message and the
# batch wholly there or wholly absent; never a crash or a sanitizer report; the ledger
# verifies (read without fiu); a retry without faults then leaves exactly the batch.
# Under ASan every write costs a second of CPU here: half the probabilities and seeds.
FIU_PS="0.005 0.01 0.02 0.05"
FIU_SEEDS="1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20"
if [ -n "$ASAN_LIB" ]; then
	FIU_PS="0.01 0.05"
	FIU_SEEDS="1 2 3 4 5 6 7 8 9 10"
fi
RUNS=0
FAILED=0
FAILED_RECORDED=0
: >"$T/fiu-messages"
i=0
for p in $FIU_PS; do
	for kind in import statement pledge contribute cosign; do
		i=$((i + 1))
		case $kind in
		import)
			gen_csv "f$i.csv" "f$i" 50
			set -- import "f$i.csv"
			batch=50 ;;
		statement)
			gen_stmt "s$i.csv" "FIU-$i" 10
			set -- statement import "s$i.csv"
			batch=11 ;;
		pledge)
			set -- pledge --donor DEU --fund VFTC --currency USD --amount "$i" --years 2026 --ref "fr-$i"
			batch=1 ;;
		contribute)
			set -- contribute --donor USA --fund UPRP --currency USD --amount "$i" \
				--bank-ref "FB-$i" --pledge p-usa --ref "fc-$i"
			batch=2 ;;
		cosign)
			set -- cosign --key "$T/auditor.key"
			batch=1 ;;
		esac
		if [ "$kind" = cosign ]; then state() { cosigs; }; else state() { count; }; fi
		before=$(state)
		under_fiu "$i" "enable_random name=posix/io/*,probability=$p" "$FUNDLEDGER" "$@" \
			>"$OUT" 2>"$ERR"
		rc=$?
		after=$(state)
		RUNS=$((RUNS + 1))
		what="fiu: run $i, P=$p, seed $i, $kind"
		if fl verify >/dev/null 2>"$T/verify.err"; then vok=1; else vok=; fi
		if [ "$rc" -eq 0 ] && [ "$after" = "$((before + batch))" ] && [ -n "$vok" ]; then
			ok "$what: exit 0, +$batch"
		elif [ "$rc" -eq 3 ] && grep -q '^fundledger: ' "$ERR" && [ -n "$vok" ] &&
			{ [ "$after" = "$before" ] || [ "$after" = "$((before + batch))" ]; }; then
			FAILED=$((FAILED + 1))
			[ "$after" = "$before" ] || FAILED_RECORDED=$((FAILED_RECORDED + 1))
			ok "$what: exit 3, +$((after - before)) ($(head -n 1 "$ERR"))"
			head -n 1 "$ERR" | sed 's/[0-9][0-9]*/N/g; s/[^ ]*\.csv/FILE/' >>"$T/fiu-messages"
		else
			not_ok "$what: exit $rc, count $before -> $after (batch $batch), verify ${vok:-failed}"
			sed 's/^/#   /' "$ERR" "$T/verify.err"
		fi
		sanitizer_clean "$ERR" "$what"
		# A retry without faults leaves the batch recorded exactly once.
		if [ "$after" != "$((before + batch))" ]; then
			fl "$@" >/dev/null 2>"$T/retry.err" ||
				{ not_ok "$what: the retry without faults failed"; sed 's/^/#   /' "$T/retry.err"; }
			same "$(state)" "$((before + batch))" "$what: after the retry, the batch once"
		fi
	done
done
if [ "$FAILED" -gt 0 ] && [ "$FAILED" -lt "$RUNS" ]; then
	ok "fiu: $RUNS runs, $FAILED failed with injected errors ($FAILED_RECORDED of them with the batch recorded), the rest succeeded"
else
	not_ok "fiu: $RUNS runs, $FAILED failed: the injection did not vary the outcome"
fi
echo "# fiu: messages of the failed runs:"
sort "$T/fiu-messages" | uniq -c | sort -rn | sed 's/^/#   /'

# Read-only commands under injected errors: exit 0, or 3 with a message; never exit 1, which
# would tell an auditor that the ledger was tampered with when a read failed.
VR=0
VF=0
VBAD=0
for seed in $FIU_SEEDS; do
	under_fiu "$seed" "enable_random name=posix/io/*,probability=0.01" "$FUNDLEDGER" verify \
		>"$OUT" 2>"$ERR"
	rc=$?
	VR=$((VR + 1))
	case $rc in
	0) ;;
	3)
		VF=$((VF + 1))
		if ! grep -q '^fundledger: ' "$ERR"; then
			VBAD=$((VBAD + 1))
			echo "# fiu: verify, seed $seed: exit 3 without a message"
		fi ;;
	*)
		VBAD=$((VBAD + 1))
		echo "# fiu: verify, seed $seed: exit $rc"
		sed 's/^/#   /' "$ERR" ;;
	esac
	sanitizer_clean "$ERR" "fiu: verify, seed $seed"
done
if [ "$VBAD" -eq 0 ]; then
	ok "fiu: verify under I/O errors: $VR runs, $VF exit 3 with a message, the rest exit 0"
else
	not_ok "fiu: verify under I/O errors: $VBAD of $VR runs neither exit 0 nor 3 with a message"
fi
verified "fiu: the ledger verifies after all the runs"

# ==== 5. A missing or unreadable WAL ========================================================
# A writer's committed transactions stay in LEDGER-wal until a checkpoint copies them into
# the ledger file: at the last connection's close, normally. A writer killed after its commit
# (or one that closes while a reader has the ledger open and is then killed) leaves them
# there. wal_crash [RUNNER...] opens the ledger in a sqlite3 reader (run by RUNNER, as another
# user), so that the writes that follow stay in the WAL; wal_kill then kills the reader: the
# state a crash after those commits leaves.
wal_crash() {
	rm -f "$T/reader.in" "$T/reader.out"
	mkfifo "$T/reader.in"
	"$@" sqlite3 "$FUNDLEDGER_LEDGER" <"$T/reader.in" >"$T/reader.out" 2>&1 &
	HOLDER=$!
	exec 9>"$T/reader.in"
	echo 'SELECT count(*) FROM entries;' >&9
	w=0
	while [ ! -s "$T/reader.out" ] && [ $w -lt 200 ]; do
		sleep 0.05
		w=$((w + 1))
	done
	if grep -q '^[0-9][0-9]*$' "$T/reader.out"; then
		ok "wal: a reader has the ledger open"
	else
		not_ok "wal: a reader has the ledger open"
		sed 's/^/#   /' "$T/reader.out"
	fi
}
wal_kill() {
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null
	HOLDER=
	exec 9>&-
}
export FUNDLEDGER_LEDGER="$T/wal.db"
expect 0 "wal: init" fl init
expect 0 "wal: a pledge" fl pledge --donor DEU --fund VFTC --currency USD --amount 1 --years 2026 --ref w-1
# After a clean exit the WAL holds no frames (it is removed, or persists empty): removing it
# loses nothing.
WAL_SIZE=$(stat -c %s "$T/wal.db-wal" 2>/dev/null || echo 0)
if [ "$WAL_SIZE" -le 32 ]; then ok "wal: after a clean exit the WAL holds no entries ($WAL_SIZE bytes)"; else not_ok "wal: after a clean exit the WAL holds $WAL_SIZE bytes"; fi
rm -f "$T/wal.db-wal"
expect 0 "wal: the WAL removed after a clean exit: verify" fl verify
contains "$OUT" "^OK 1 entries, " "wal: nothing lost"
expect 0 "wal: and a write succeeds" fl pledge --donor DEU --fund VFTC --currency USD --amount 2 --years 2026 --ref w-2

wal_crash
expect 0 "wal: a pledge while a reader has the ledger open" fl pledge --donor DEU --fund VFTC \
	--currency USD --amount 3 --years 2026 --ref w-3
expect 0 "wal: an import of 20 rows too" fl import small.csv
wal_kill
WAL_SIZE=$(stat -c %s "$T/wal.db-wal" 2>/dev/null || echo 0)
if [ "$WAL_SIZE" -gt 32 ]; then ok "wal: after the crash the WAL holds the last entries ($WAL_SIZE bytes)"; else not_ok "wal: after the crash the WAL holds $WAL_SIZE bytes"; fi
# The auditor keeps the newest checkpoint (read-only: it leaves the WAL as it is).
expect 0 "wal: keep the newest checkpoint" fl checkpoint
cp "$OUT" "$T/kept.checkpoint"
contains "$T/kept.checkpoint" "^23$" "wal: the kept checkpoint covers 23 entries"
expect 0 "wal: with its WAL, the ledger verifies against it" fl verify --trusted "$T/kept.checkpoint"
contains "$OUT" "^OK 23 entries, " "wal: 23 entries"
rm "$T/wal.db-wal"
expect 0 "wal: the WAL deleted after the crash: verify alone finds a valid, shorter ledger" fl verify
contains "$OUT" "^OK 2 entries, " "wal: the pledge and the import acknowledged after entry 2 are gone"
expect 1 "wal: verify --trusted with the kept checkpoint: exit 1" fl verify --trusted "$T/kept.checkpoint"
contains "$ERR" "^fundledger: rollback: the ledger has 2 entries .* but the trusted checkpoint has 23 " \
	"wal: verify --trusted reports the lost entries as a rollback"
expect 0 "wal: the ledger takes new writes" fl import small.csv
expect 0 "wal: and a pledge" fl pledge --donor DEU --fund VFTC --currency USD --amount 4 --years 2026 --ref w-4
expect 1 "wal: a different history of the same length: exit 1" fl verify --trusted "$T/kept.checkpoint"
contains "$ERR" "^fundledger: fork: " "wal: verify --trusted reports a fork"

# nobody's ledger in nobody's directory, crashed with entries in its WAL.
NBD="$T/nb"
mkdir "$NBD"
chown nobody "$NBD"
export FUNDLEDGER_LEDGER="$NBD/ledger.db"
# nb_write ARGS...: nobody runs a write command with the treasurer's key.
nb_write() { as_nobody env FUNDLEDGER_KEY="$T/nobody.key" "$FUNDLEDGER" "$@"; }
expect 0 "wal: nobody's ledger" as_nobody "$FUNDLEDGER" init
expect 0 "wal: nobody's pledge" nb_write pledge --donor DEU --fund VFTC --currency USD \
	--amount 1 --years 2026 --ref n-1
wal_crash setpriv --reuid=nobody --regid=nogroup --clear-groups
expect 0 "wal: nobody's second pledge while a reader has the ledger open" nb_write pledge \
	--donor DEU --fund VFTC --currency USD --amount 2 --years 2026 --ref n-2
wal_kill
# An unreadable WAL: nothing can be read or written without it.
chmod 000 "$NBD/ledger.db-wal"
expect 3 "wal: an unreadable WAL: verify exits 3" as_nobody "$FUNDLEDGER" verify
contains "$ERR" "^fundledger: .*Permission denied" "wal: verify says permission was denied"
expect 3 "wal: an unreadable WAL: a pledge exits 3" nb_write pledge --donor DEU --fund VFTC \
	--currency USD --amount 3 --years 2026 --ref n-3
contains "$ERR" "^fundledger: .*Permission denied" "wal: the pledge says permission was denied"
chmod 600 "$NBD/ledger.db-wal"
expect 0 "wal: readable again, nothing was lost" as_nobody "$FUNDLEDGER" verify
contains "$OUT" "^OK 2 entries, " "wal: both of nobody's entries"
# A directory where the WAL cannot be created: its files gone (after a clean close, so no
# entry is lost) and the directory no longer nobody's.
expect 0 "wal: nobody's write closes cleanly" nb_write pledge --donor DEU --fund VFTC \
	--currency USD --amount 3 --years 2026 --ref n-3
rm -f "$NBD/ledger.db-wal" "$NBD/ledger.db-shm"
chown root "$NBD"
expect 3 "wal: the WAL cannot be created: a pledge exits 3" nb_write pledge --donor DEU \
	--fund VFTC --currency USD --amount 4 --years 2026 --ref n-4
contains "$ERR" "^fundledger: .*director" "wal: the message names the directory"
as_nobody "$FUNDLEDGER" verify >"$OUT" 2>"$ERR"
rc=$?
if { [ $rc -eq 0 ] && grep -q '^OK 3 entries, ' "$OUT"; } ||
	{ [ $rc -eq 3 ] && grep -q '^fundledger: .*director' "$ERR"; }; then
	ok "wal: the WAL cannot be created: verify reads the ledger, or exits 3 naming the directory (exit $rc)"
else
	not_ok "wal: the WAL cannot be created: verify exits $rc"
	sed 's/^/#   /' "$OUT" "$ERR"
fi
chown nobody "$NBD"
expect 0 "wal: with the directory writable again, the pledge succeeds" nb_write pledge \
	--donor DEU --fund VFTC --currency USD --amount 4 --years 2026 --ref n-4
expect 0 "wal: nobody's ledger verifies" as_nobody "$FUNDLEDGER" verify
contains "$OUT" "^OK 4 entries, " "wal: four entries"
