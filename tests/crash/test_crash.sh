#!/bin/sh
# tests/crash/test_crash.sh: crash consistency (tests/crash/README.md has the model).
#
# A scenario of six writer commands runs from a fresh ledger: a rate, a camt.053 statement
# import, a CSV import of many rows, a pledge, a contribution naming it (two entries), a CSV
# statement import. A command is acknowledged when it exits 0 with its success message. Each
# is one batch, so the reference run (no faults) gives the entry count after each command:
# the batch boundaries C0 < C1 < ... < C6, and the log every crash must be a prefix of.
#
# 1. Power cuts. powercut.so (LD_PRELOAD) counts the I/O calls of the scenario; a cut run
#    replays it with the power failing before call N: every write not yet fsynced is undone
#    (sometimes with a torn sector-aligned prefix of one kept), the -shm file is lost, and
#    the writer dies with status 99. Then, with no shim: `verify` passes; the log is the
#    reference's first Ck or Ck+1 entries (k commands acknowledged, the one in flight whole
#    or absent), byte for byte; and the ledger takes writes again: a lost batch in flight is
#    written by running its command again, leaving exactly the reference's ledger (verify's
#    head), else a new entry is accepted; verify passes after that write.
#    Short form: every point of the camt.053 import and a sample of the others. Long form
#    (CRASH_MODE=soak, `make soak`): every point, each both dropped and torn.
# 2. Negative control: the same cuts against $BUILD/unsafe/fundledger (-DFL_TEST_HOOKS) with
#    FL_TEST_SYNC_OFF=1 (PRAGMA synchronous=OFF) must report a lost acknowledged batch or a
#    failed verify. If they did not, the model could not see lost writes.
# 3. SIGKILL: large CSV imports and statement imports killed with SIGKILL at random moments
#    spread over their run (seed printed; CRASH_SEED repeats it), a third of them followed by
#    a power cut; after each, verify passes and the batch is whole or absent (whole if it had
#    printed its success message), and running it again completes it. 6 kills here, SOAK_KILLS
#    in soak.
#
# Environment: FUNDLEDGER, BUILD, ROOT (from tests/run.sh); CRASH_MODE (short|soak),
# CRASH_SEED, CRASH_JOBS (parallel cut runs, 2), SOAK_SECONDS (bounds the soak's sweep, 0: no
# bound), SOAK_KILLS (200). Paths must not contain spaces. Functions declare their variables
# `local` (dash, bash and busybox sh have it): cut_run runs inside sweep's loop.
# valgrind: skip its LD_PRELOAD shim and SIGKILLs at measured moments do not mix with valgrind
. "$ROOT/tests/cli/lib.sh"
# Counted, so that the script's status (for `make soak`) says whether anything failed.
FAILED=0
not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

START=$(date +%s)
MODE=${CRASH_MODE:-short}
SEED=${CRASH_SEED:-}
[ -n "$SEED" ] || SEED=$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')
JOBS=${CRASH_JOBS:-2}
SOAK_SECONDS=${SOAK_SECONDS:-0}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SHIM=$BUILD/tests/crash/powercut.so
UNSAFE=$BUILD/unsafe/fundledger
CUT=99 # the shim's exit status at a power cut
# coreutils' stdbuf library, preloaded with the shim: the writers' stdout is line-buffered, so
# a success message printed before a cut reaches its file, and must then be true.
STDBUF_LIB=
for f in /usr/libexec/coreutils/libstdbuf.so /usr/lib/coreutils/libstdbuf.so; do
	[ -f "$f" ] && STDBUF_LIB=$f && break
done
[ -n "$STDBUF_LIB" ] || { not_ok "find coreutils' libstdbuf.so (stdbuf)"; exit 1; }
if [ ! -f "$SHIM" ] || [ ! -x "$UNSAFE" ]; then
	make -s -C "$ROOT" BUILD="$BUILD" crash-deps >/dev/null ||
		{ not_ok "build the shim and the unsafe binary (make crash-deps)"; exit 1; }
fi
# A sanitized binary insists on libasan coming first; the shim goes first instead. Leak checks
# are off: they cost a third of each of the ~700 processes here, most writers die on purpose,
# and tests/cli runs the same commands with them on.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0"
echo "# crash tests: mode $MODE, seed $SEED, $JOBS jobs, binary $FUNDLEDGER"

# lib.sh's treasurer key takes one PBKDF2 iteration (fast_key): the thousands of writes below
# do not each spend 0.25 s deriving it.

# ---- data ----
DATA=$T/data
mkdir -p "$DATA"
cp "$ROOT/tests/vectors/statements/camt053-001.02-usd.xml" "$DATA/camt.xml"

# gen_import TAG PAIRS: PAIRS pledges, each with a contribution naming it (3 entries a pair:
# pledge, contribution, match), in USD and EUR (the EUR rate of 2026-01-01 must stand).
gen_import() {
	awk -v tag="$1" -v n="$2" 'BEGIN {
		split("DEU JPN USA NOR SWE FRA GBR CHE NLD DNK", d, " ")
		split("VFTC UPRP UPRI", f, " ")
		print "kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref," \
		      "announcement,bank_ref,pledge,rate"
		for (i = 1; i <= n; i++) {
			don = d[(i - 1) % 10 + 1]; fund = f[(i - 1) % 3 + 1]
			ccy = (i % 2) ? "USD" : "EUR"
			day = sprintf("2026-02-%02d", (i - 1) % 28 + 1)
			printf "pledge,%s-p%d,%s,%s,%s,%d.%02d,%s,2026,,Earmark %s %d,,,,,\n",
			       tag, i, fund, don, ccy, 5000 + i * 13, i % 100, day, tag, i
			printf "contribution,%s-c%d,%s,%s,%s,%d.%02d,%s,,,,,,BNK-%s-%d,%s-p%d,\n",
			       tag, i, fund, don, ccy, 2000 + i * 7, (i * 3) % 100, day, tag, i, tag, i
		}
	}'
}
# gen_statement TAG LINES: one USD statement of LINES credits (LINES + 1 entries).
gen_statement() {
	awk -v tag="$1" -v n="$2" 'BEGIN {
		print "statement,account,currency,date,value_date,type,amount,ref,end_to_end," \
		      "debtor,remittance"
		acct = "CH56-" tag
		printf "%s,%s,USD,2026-03-01,,opening,1000.00,,,,\n", tag, acct
		sum = 100000
		for (i = 1; i <= n; i++) {
			cents = 150000 + i * 101
			sum += cents
			printf "%s,%s,USD,2026-03-%02d,,credit,%d.%02d,%s-L%d,E2E-%s-%d,Donor %d," \
			       "Contribution %s %d\n", tag, acct, (i - 1) % 28 + 2, int(cents / 100),
			       cents % 100, tag, i, tag, i, i, tag, i
		}
		printf "%s,%s,USD,2026-03-31,,closing,%d.%02d,,,,\n", tag, acct, int(sum / 100),
		       sum % 100
	}'
}
gen_import SC 60 >"$DATA/big.csv"
gen_statement SS 80 >"$DATA/stmt.csv"

# ---- the scenario ----
NCMD=6
NAMES="rate camt.053-import csv-import pledge contribute csv-statement-import"
# run_cmd K BIN: the Kth command of the scenario, on $FUNDLEDGER_LEDGER.
run_cmd() {
	case $1 in
	1) "$2" rate --currency EUR --rate 0.921 --date 2026-01-01 --ref s-rate-eur ;;
	2) "$2" statement import "$DATA/camt.xml" ;;
	3) "$2" import "$DATA/big.csv" ;;
	4) "$2" pledge --donor NOR --fund UPRP --currency USD --amount 250000 --years 2026 \
		--date 2026-02-15 --ref s-pledge-nor ;;
	5) "$2" contribute --donor NOR --fund UPRP --currency USD --amount 100000 \
		--bank-ref NOR-1 --date 2026-02-20 --pledge s-pledge-nor --ref s-contrib-nor ;;
	6) "$2" statement import "$DATA/stmt.csv" ;;
	esac
}
# ack_re K: what the Kth command prints when it has written its batch.
ack_re() {
	case $1 in
	1 | 4 | 5) echo '^recorded entry [0-9]+ ' ;;
	*) echo ' [0-9]+ new entries \([0-9]+-[0-9]+\), 0 already recorded$' ;;
	esac
}
# What a command run again prints when its batch is already there.
AGAIN_RE='^already recorded as entry [0-9]+|, 0 new entries, [0-9]+ already recorded$'

# nth I WORD...: the Ith word (from 0).
nth() {
	shift $(($1 + 1))
	echo "$1"
}
# with_shim DIR AT TEAR KILL CMD...: CMD (a function too) with the shim preloaded, tracking
# DIR/db, its state in DIR/st, cutting the power at I/O call AT (0: never), or with KILL=1
# killing the process there instead.
with_shim() {
	(
		export LD_PRELOAD="$SHIM $STDBUF_LIB" _STDBUF_O=L FL_POWERCUT_DIR="$1/db" \
			FL_POWERCUT_STATE="$1/st" FL_POWERCUT_AT="$2" FL_POWERCUT_TEAR="$3" \
			FL_POWERCUT_KILL="$4"
		shift 4
		"$@"
	)
}
# power_cut DIR: the power fails now (after a run with the shim); the shim exits with $CUT.
power_cut() {
	with_shim "$1" 0 0 0 env FL_POWERCUT_NOW=1 true
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The base: an empty ledger, written durably before any shim is loaded.
BASE=$T/base
mkdir -p "$BASE"
FUNDLEDGER_LEDGER=$BASE/ledger.db "$FUNDLEDGER" init >/dev/null 2>&1 ||
	{ not_ok "init the base ledger"; exit 1; }

# reference BIN DIR: runs the scenario on a copy of the base in DIR/db, with the shim counting
# (no cut). Sets C (entries after each command, from 0), P (I/O calls after each, cumulative)
# and H (verify's first line after each), U (the bytes of unsynced writes left after each);
# writes DIR/ref.csv (the final log). DIR/snap.K holds the ledger's directory and the shim's
# state after command K: a cut run starts there instead of replaying commands 1 to K, which
# is the same thing (the I/O sequence is deterministic, and the journal names files relative
# to the ledger's directory, so the copy carries the unsynced writes along).
reference() {
	local bin=$1 d=$2 k rc v
	rm -rf "$d"
	mkdir -p "$d/st" "$d/snap.0/st"
	cp -R "$BASE" "$d/db"
	cp -R "$BASE" "$d/snap.0/db"
	U=0
	C=0 P=0 H=$(FUNDLEDGER_LEDGER=$d/db/ledger.db "$FUNDLEDGER" verify 2>&1 | head -n 1 | tr ' ' _)
	k=1
	while [ $k -le $NCMD ]; do
		FUNDLEDGER_LEDGER=$d/db/ledger.db with_shim "$d" 0 0 0 run_cmd $k "$bin" \
			>"$d/out" 2>"$d/err"
		rc=$?
		if [ $rc -ne 0 ] || ! grep -Eq "$(ack_re $k)" "$d/out"; then
			not_ok "reference run: command $k ($(nth $((k - 1)) $NAMES)) exit $rc"
			sed 's/^/#   /' "$d/out" "$d/err"
			return 1
		fi
		v=$(FUNDLEDGER_LEDGER=$d/db/ledger.db "$FUNDLEDGER" verify 2>&1 | head -n 1)
		C="$C $(echo "$v" | sed -n 's/^OK \([0-9]*\) entries.*/\1/p')"
		H="$H $(echo "$v" | tr ' ' _)"
		P="$P $(tr -d ' \n' <"$d/st/count")"
		mkdir -p "$d/snap.$k/st"
		cp -R "$d/db" "$d/snap.$k/db"
		cp "$d/st/count" "$d/st/journal" "$d/snap.$k/st/"
		U="$U $(wc -c <"$d/st/journal")"
		k=$((k + 1))
	done
	FUNDLEDGER_LEDGER=$d/db/ledger.db "$FUNDLEDGER" log --format csv >"$d/ref.csv"
}

# cut_run N TEAR MODE BIN DIR REFDIR CS HS PS: one fault at I/O call N and the checks; prints
# "N K STATUS detail", K the command in flight (NCMD+1: none). MODE cut: the power fails
# there (N = P+1: after the last command). MODE kill: the writer dies there, the page cache
# survives; the writes that follow (recovery, completing the batch) run with the shim
# counting, and then the power fails, so they too must have been made durable.
cut_run() {
	local n=$1 tear=$2 mode=$3 bin=$4 d=$5 ref=$6/ref.csv cs=$7 hs=$8 ps=$9 snaps=$6
	local want i k cut rc L lo hi got got2 lines b state v again kill=0 W= seen=0
	[ "$mode" = kill ] && kill=1 W="with_shim $d 0 0 0"
	# The command the cut falls in, by the counted run.
	want=$((NCMD + 1))
	i=1
	while [ $i -le $NCMD ]; do
		[ "$n" -le "$(nth $i $ps)" ] && { want=$i; break; }
		i=$((i + 1))
	done
	# Start from the snapshot before it: ledger, counter and unsynced writes.
	k=$((want - 1))
	rm -rf "$d/db" "$d/st"
	cp -R "$snaps/snap.$k/db" "$d/db"
	cp -R "$snaps/snap.$k/st" "$d/st"
	L=$d/db/ledger.db
	k=$((k + 1)) cut=0
	while [ $k -le $NCMD ]; do
		FUNDLEDGER_LEDGER=$L with_shim "$d" "$n" "$tear" $kill run_cmd $k "$bin" \
			>"$d/out" 2>"$d/err"
		rc=$?
		if [ $rc -eq $CUT ]; then
			cut=1
			grep -Eq "$(ack_re $k)" "$d/out" && seen=1
			break
		fi
		if [ $rc -ne 0 ] || ! grep -Eq "$(ack_re $k)" "$d/out"; then
			echo "$n $k HARNESS command $k exited $rc: $(head -c 300 "$d/err" | tr '\n' ' ')"
			return
		fi
		k=$((k + 1))
	done
	if [ $cut -eq 0 ] && [ $kill -eq 0 ]; then
		power_cut "$d"
		[ $? -eq $CUT ] || { echo "$n $k HARNESS the power cut at the end did not happen"; return; }
	fi
	# The cut falls where the counted run says (the I/O sequence is deterministic).
	[ $k -eq $want ] || { echo "$n $k HARNESS cut in command $k, expected $want"; return; }

	lo=$(nth $((k - 1)) $cs)
	hi=$lo
	[ $k -le $NCMD ] && hi=$(nth $k $cs)
	if ! FUNDLEDGER_LEDGER=$L "$bin" verify >"$d/v" 2>&1; then
		echo "$n $k VERIFY $(head -c 300 "$d/v" | tr '\n' ' ')"
		return
	fi
	if ! FUNDLEDGER_LEDGER=$L "$bin" log --format csv >"$d/log" 2>"$d/err"; then
		echo "$n $k VERIFY log fails: $(head -c 300 "$d/err" | tr '\n' ' ')"
		return
	fi
	lines=$(wc -l <"$d/log")
	got=$((lines - 1))
	if [ $got -lt "$lo" ]; then
		b=1
		while [ "$(nth $b $cs)" -le $got ]; do b=$((b + 1)); done
		echo "$n $k LOST acknowledged batch $b ($(nth $((b - 1)) $NAMES)) lost:" \
			"$got entries, the acknowledged batches end at $lo"
		return
	fi
	if [ $got -ne "$lo" ] && [ $got -ne "$hi" ]; then
		echo "$n $k TORN $got entries: not a batch boundary ($lo or $hi)"
		return
	fi
	if ! head -n "$lines" "$ref" | cmp -s - "$d/log"; then
		echo "$n $k CONTENT the $got entries differ from the reference's first $got"
		return
	fi
	state=absent
	[ $k -gt $NCMD ] && state=end
	[ $k -le $NCMD ] && [ $got -eq "$hi" ] && [ "$hi" -ne "$lo" ] && state=whole
	# A writer that printed its success message before it died has told the user.
	if [ $seen -eq 1 ] && [ $state != whole ]; then
		echo "$n $k LOST batch $k ($(nth $((k - 1)) $NAMES)) was reported written" \
			"($(head -n 1 "$d/out")) before the cut, and is absent"
		return
	fi
	[ $seen -eq 1 ] && state="whole reported"
	# Writable again. A batch in flight that was lost is written by running its command again,
	# which must leave exactly the reference's ledger (verify's head). Otherwise a new entry is
	# written; in soak the command in flight is also run again first and must find its batch.
	if [ "$state" = absent ] || { [ "$MODE" = soak ] && [ $k -le $NCMD ]; }; then
		FUNDLEDGER_LEDGER=$L $W run_cmd $k "$bin" >"$d/out" 2>"$d/err"
		rc=$?
		again=$AGAIN_RE
		[ "$state" = absent ] && again=$(ack_re $k)
		if [ $rc -ne 0 ] || ! grep -Eq "$again" "$d/out"; then
			echo "$n $k REWRITE command $k again: exit $rc" \
				"$(head -c 300 "$d/out" "$d/err" | tr '\n' ' ')"
			return
		fi
	fi
	want="OK $((got + 1)) entries"
	if [ "$state" = absent ]; then
		want=$(nth $k $hs | tr _ ' ')
	else
		FUNDLEDGER_LEDGER=$L $W "$bin" rate --currency CHF --rate 0.9 --date 2026-04-01 \
			--ref after-cut >"$d/out" 2>"$d/err"
		rc=$?
		if [ $rc -ne 0 ] || ! grep -q "^recorded entry $((got + 1)) (rate)" "$d/out"; then
			echo "$n $k REWRITE a new write: exit $rc" \
				"$(head -c 300 "$d/out" "$d/err" | tr '\n' ' ')"
			return
		fi
	fi
	if [ $kill -eq 1 ]; then
		power_cut "$d"
		[ $? -eq $CUT ] || { echo "$n $k HARNESS the power cut after the kill did not happen"; return; }
	fi
	if ! FUNDLEDGER_LEDGER=$L "$bin" verify >"$d/v" 2>&1; then
		echo "$n $k VERIFY after writing again: $(head -c 300 "$d/v" | tr '\n' ' ')"
		return
	fi
	v=$(head -n 1 "$d/v")
	got2=$(echo "$v" | sed -n 's/^OK \([0-9]*\) entries.*/\1/p')
	case $v in
	"$want"*) ;;
	*)
		if [ "$got2" -lt "$(echo "$want" | cut -d' ' -f2)" ]; then
			echo "$n $k LOST acknowledged entries lost after writing again" \
				"$([ $kill -eq 1 ] && echo "and a power cut"): $v, expected $want"
		else
			echo "$n $k REWRITE after writing again: $v, expected $want"
		fi
		return
		;;
	esac
	echo "$n $k $state"
}

# sweep NAME BIN POINTSFILE REFDIR CS HS PS BOUND: the faults listed in POINTSFILE ("N TEAR
# MODE" lines) in $JOBS parallel jobs; results ("N K STATUS MODE") in $T/NAME.res. With BOUND
# 1, stops early past SOAK_SECONDS.
sweep() {
	local name=$1 bin=$2 pts=$3 ref=$4 cs=$5 hs=$6 ps=$7 bound=$8 job=0 wd
	while [ $job -lt "$JOBS" ]; do
		(
			wd=$T/$name.$job
			mkdir -p "$wd"
			awk -v j=$job -v m="$JOBS" '(NR - 1) % m == j' "$pts" | while read -r pn pt pm; do
				if [ "$bound" -eq 1 ] && [ "$SOAK_SECONDS" -gt 0 ] &&
					[ $(($(date +%s) - START)) -ge "$SOAK_SECONDS" ]; then
					echo "$pn 0 SKIPPED $pm"
					continue
				fi
				echo "$(cut_run "$pn" "$pt" "$pm" "$bin" "$wd" "$ref" "$cs" "$hs" "$ps") $pm"
			done >"$T/$name.res.$job"
		) &
		job=$((job + 1))
	done
	wait
	sort -n "$T/$name".res.* >"$T/$name.res"
}

# ---- 0. the reference runs ----
reference "$FUNDLEDGER" "$T/ref" || exit 1
REF=$T/ref/ref.csv RC=$C RP=$P RH=$H
# Without the shim: the same log, so the shim changes nothing but what it is asked to.
mkdir -p "$T/plain"
cp -R "$BASE" "$T/plain/db"
k=1
while [ $k -le $NCMD ]; do
	FUNDLEDGER_LEDGER=$T/plain/db/ledger.db run_cmd $k "$FUNDLEDGER" >/dev/null 2>&1
	k=$((k + 1))
done
FUNDLEDGER_LEDGER=$T/plain/db/ledger.db "$FUNDLEDGER" log --format csv >"$T/plain/log.csv"
if cmp -s "$REF" "$T/plain/log.csv"; then
	ok "reference: $NCMD batches, boundaries $RC entries, I/O points $RP; the counting shim changes no byte of the log"
else
	not_ok "reference: the scenario with the counting shim differs from the plain run"
fi

echo "# bytes of unsynced writes (in the shim's journal) after each command: $U"

# ---- 1. the power-cut sweep ----
TOTAL=$(nth $NCMD $RP)
if [ "$MODE" = soak ]; then
	# Every point (and one past the end), dropped and torn; every point killed.
	awk -v t="$TOTAL" 'BEGIN {
		for (n = 1; n <= t + 1; n++) print n, 0, "cut"
		for (n = 1; n <= t + 1; n++) print n, n % 7 + 1, "cut"
		for (n = 1; n <= t; n++) print n, 0, "kill"
	}' >"$T/points"
else
	# Every point of the camt.053 import (command 2), about 20 of the rest (the seed picks
	# which), and the end; one cut in two keeps a torn prefix of a write. Eight kills.
	awk -v a="$(nth 1 $RP)" -v b="$(nth 2 $RP)" -v t="$TOTAL" -v seed="$SEED" 'BEGIN {
		step = int((t - (b - a)) / 20); if (step < 1) step = 1
		for (n = 1; n <= t + 1; n++)
			if ((n > a && n <= b) || n == t + 1 || n % step == seed % step)
				print n, (n % 2) ? 0 : n % 5 + 1, "cut"
		for (j = 0; j < 8; j++)
			print int(t * j / 8) + 1 + seed % int(t / 8), 0, "kill"
	}' >"$T/points"
fi
sweep safe "$FUNDLEDGER" "$T/points" "$T/ref" "$RC" "$RH" "$RP" 1
# tally MODE STATUS: how many results of that mode have that status.
tally() { awk -v m="$1" -v s="$2" '$NF == m && $3 == s' "$T/safe.res" | wc -l; }
bad=$(awk '$3 !~ /^(absent|whole|end|SKIPPED)$/' "$T/safe.res" | wc -l)
skipped=$(awk '$3 == "SKIPPED"' "$T/safe.res" | wc -l)
cuts=$(($(awk '$NF == "cut"' "$T/safe.res" | wc -l) - $(tally cut SKIPPED)))
kills=$(($(awk '$NF == "kill"' "$T/safe.res" | wc -l) - $(tally kill SKIPPED)))
camt=$(awk -v a="$(nth 1 $RP)" -v b="$(nth 2 $RP)" \
	'$1 > a && $1 <= b && $3 ~ /^(absent|whole)$/ && $NF == "cut" { print $1 }' "$T/safe.res" |
	sort -un | wc -l)
if [ "$bad" -eq 0 ] && [ "$cuts" -gt 0 ] && [ "$kills" -gt 0 ]; then
	ok "power cuts: $cuts cuts at $((TOTAL + 1)) points (in flight: $(tally cut absent) absent, $(tally cut whole) whole, $(awk '$NF == "cut" && $4 == "reported"' "$T/safe.res" | wc -l) of them already reported written; $(tally cut end) after the end): verify passes, every acknowledged batch present, batches whole, contents as the reference, writable again"
	ok "kills at I/O points: $kills writers killed (in flight: $(tally kill absent) absent, $(tally kill whole) whole), then recovery and a power cut: the same checks hold"
else
	not_ok "power cuts and kills: $bad of $((cuts + kills)) broke an invariant"
	awk '$3 !~ /^(absent|whole|end|SKIPPED)$/' "$T/safe.res" | head -n 20 | sed 's/^/#   at /'
fi
[ "$skipped" -eq 0 ] || echo "# SOAK_SECONDS reached: $skipped cut runs not done"
if [ "$skipped" -eq 0 ]; then
	same "$camt" $(($(nth 2 $RP) - $(nth 1 $RP))) \
		"power cuts: every I/O point of the camt.053 import was cut and checked"
fi

echo "# power-cut sweep: $(($(date +%s) - START)) s so far"

# ---- 2. the negative control ----
export FL_TEST_SYNC_OFF=1
reference "$UNSAFE" "$T/uref" || exit 1
if [ "$(nth $NCMD $C)" != "$(nth $NCMD $RC)" ] || ! cmp -s "$T/uref/ref.csv" "$REF"; then
	not_ok "negative control: the unsafe build writes another ledger than the real one"
fi
UTOTAL=$(nth $NCMD $P)
# Power cuts spread evenly over the scenario, the last after its end (4 here, 12 in soak), and
# two kills followed by a power cut.
UCUTS=4
[ "$MODE" = soak ] && UCUTS=12
awk -v t="$UTOTAL" -v m=$UCUTS 'BEGIN {
	for (j = 1; j <= m; j++) print int(t * j / m) + (j == m), 0, "cut"
	print int(t / 2), 0, "kill"
	print t, 0, "kill"
}' >"$T/upoints"
sweep unsafe "$UNSAFE" "$T/upoints" "$T/uref" "$C" "$H" "$P" 0
unset FL_TEST_SYNC_OFF
# caught MODE: the cuts of that mode at which the harness saw loss (a lost acknowledged batch
# or a failed verify).
caught() { awk -v m="$1" '$NF == m && $3 ~ /^(LOST|VERIFY)$/' "$T/unsafe.res" | wc -l; }
example=$(awk '$3 ~ /^(LOST|VERIFY)$/ { $1 = $2 = $NF = ""; print; exit }' "$T/unsafe.res" |
	sed 's/^ *//; s/ *$//')
if [ "$(caught cut)" -gt 0 ] && [ "$(caught kill)" -gt 0 ]; then
	ok "negative control: with synchronous=OFF the harness reports loss at $(caught cut) of $UCUTS power cuts and $(caught kill) of 2 kills ($example)"
else
	not_ok "negative control: synchronous=OFF lost nothing the harness could see ($(caught cut) of $UCUTS cuts, $(caught kill) of 2 kills): the model is too weak"
	sed 's/^/#   at /' "$T/unsafe.res"
fi

echo "# negative control: $(($(date +%s) - START)) s so far"

# ---- 3. SIGKILL ----
KILLS=6
KPAIRS=800
KLINES=1600
[ "$MODE" = soak ] && KILLS=${SOAK_KILLS:-200}
KD=$T/kill
# kill_reset: the kill ledger back to the base with the EUR rate.
kill_reset() {
	rm -rf "$KD/db" "$KD/st"
	mkdir -p "$KD/st"
	cp -R "$BASE" "$KD/db"
	FUNDLEDGER_LEDGER=$KD/db/ledger.db run_cmd 1 "$FUNDLEDGER" >/dev/null 2>&1
	before=1
}
# kill_args I: sets KARGS to the arguments of the Ith killed command: odd I a CSV import,
# even I a statement import. kill_gen I: writes its file.
kill_args() {
	KARGS="import $KD/f$1.csv"
	[ $(($1 % 2)) -eq 0 ] && KARGS="statement import $KD/f$1.csv"
}
kill_gen() {
	if [ $(($1 % 2)) -eq 1 ]; then
		gen_import "K$1" $KPAIRS >"$KD/f$1.csv"
	else
		gen_statement "S$1" $KLINES >"$KD/f$1.csv"
	fi
}
mkdir -p "$KD"
# How long each kind runs, to spread the kills over the whole run: the shorter of two runs,
# then updated by each run that writes its batch in full.
kill_reset
DUR_IMPORT=999999 DUR_STMT=999999
for i in 1 2 3 4; do
	kill_gen $i
	kill_args $i
	t0=$(now_ms)
	FUNDLEDGER_LEDGER=$KD/db/ledger.db "$FUNDLEDGER" $KARGS >/dev/null 2>&1
	t1=$(($(now_ms) - t0))
	if [ $((i % 2)) -eq 1 ]; then
		[ $t1 -lt $DUR_IMPORT ] && DUR_IMPORT=$t1
	else
		[ $t1 -lt $DUR_STMT ] && DUR_STMT=$t1
	fi
	rm -f "$KD/f$i.csv"
done
echo "# SIGKILL: a $((KPAIRS * 2))-row import runs $DUR_IMPORT ms, a $KLINES-line statement" \
	"import $DUR_STMT ms; kills at random moments up to 1.1 times that"
killed=0 finished=0 kabsent=0 kwhole=0 kfail=0 powered=0
i=1
while [ $i -le "$KILLS" ]; do
	[ $((i % 20)) -eq 1 ] && kill_reset
	kill_gen $i
	dur=$DUR_IMPORT size=$((KPAIRS * 3)) kind=import
	[ $((i % 2)) -eq 0 ] && dur=$DUR_STMT size=$((KLINES + 1)) kind="statement import"
	delay=$(awk -v s="$SEED" -v i=$i -v d="$dur" \
		'BEGIN { srand(s + i * 7919); printf "%.3f", rand() * d * 1.1 / 1000 }')
	pc=0
	[ $((i % 3)) -eq 0 ] && pc=1
	rm -rf "$KD/st" && mkdir "$KD/st"
	kill_args $i
	# env execs the binary: $! is the writer itself, not a subshell. Its stdout is
	# line-buffered: a success message printed before the kill counts as acknowledged.
	if [ $pc -eq 1 ]; then
		env FUNDLEDGER_LEDGER="$KD/db/ledger.db" FL_POWERCUT_DIR="$KD/db" \
			FL_POWERCUT_STATE="$KD/st" LD_PRELOAD="$SHIM $STDBUF_LIB" _STDBUF_O=L \
			"$FUNDLEDGER" $KARGS >"$KD/out" 2>"$KD/err" &
	else
		env FUNDLEDGER_LEDGER="$KD/db/ledger.db" LD_PRELOAD="$STDBUF_LIB" _STDBUF_O=L \
			"$FUNDLEDGER" $KARGS >"$KD/out" 2>"$KD/err" &
	fi
	pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	what="kill $i (seed $SEED, after $delay s, $kind$([ $pc -eq 1 ] && echo ', then a power cut'))"
	if [ $pc -eq 1 ]; then
		power_cut "$KD"
		if [ $? -ne $CUT ]; then
			not_ok "$what: the power cut after it did not happen"
			kfail=$((kfail + 1))
		fi
		powered=$((powered + 1))
	fi
	acked=0
	grep -Eq "$(ack_re 2)" "$KD/out" && acked=1
	if [ $rc -eq 137 ]; then
		killed=$((killed + 1))
	elif [ $rc -eq 0 ] && [ $acked -eq 1 ]; then
		finished=$((finished + 1))
	else
		not_ok "$what: exit $rc"
		sed 's/^/#   /' "$KD/err" | head -n 5
		kfail=$((kfail + 1))
		i=$((i + 1))
		kill_reset
		continue
	fi
	v=$(FUNDLEDGER_LEDGER=$KD/db/ledger.db "$FUNDLEDGER" verify 2>&1)
	vrc=$?
	got=$(echo "$v" | sed -n 's/^OK \([0-9]*\) entries.*/\1/p')
	problem=
	if [ $vrc -ne 0 ]; then
		problem="verify fails: $(echo "$v" | head -n 1)"
	elif [ "$got" -eq $((before + size)) ]; then
		kwhole=$((kwhole + 1))
		again=", 0 new entries, [0-9]+ already recorded$"
	elif [ "$got" -eq $before ] && [ $acked -eq 0 ]; then
		kabsent=$((kabsent + 1))
		again=" $size new entries \($((before + 1))-$((before + size))\), 0 already recorded$"
	else
		problem="$got entries: expected $before or $((before + size))"
		[ $acked -eq 1 ] && problem="$problem, and it printed: $(head -n 1 "$KD/out")"
	fi
	if [ -z "$problem" ]; then
		t0=$(now_ms)
		FUNDLEDGER_LEDGER=$KD/db/ledger.db "$FUNDLEDGER" $KARGS >"$KD/out" 2>"$KD/err"
		rc=$?
		t1=$(($(now_ms) - t0))
		if [ "$got" -eq $before ]; then
			if [ $((i % 2)) -eq 1 ]; then
				DUR_IMPORT=$(((DUR_IMPORT + t1) / 2))
			else
				DUR_STMT=$(((DUR_STMT + t1) / 2))
			fi
		fi
		v=$(FUNDLEDGER_LEDGER=$KD/db/ledger.db "$FUNDLEDGER" verify 2>&1 | head -n 1)
		if [ $rc -ne 0 ] || ! grep -Eq "$again" "$KD/out"; then
			problem="run again: exit $rc: $(head -c 300 "$KD/out" "$KD/err" | tr '\n' ' ')"
		elif ! echo "$v" | grep -q "^OK $((before + size)) entries"; then
			problem="after running it again: $v"
		fi
	fi
	if [ -n "$problem" ]; then
		not_ok "$what: $problem"
		kfail=$((kfail + 1))
		kill_reset
	else
		before=$((before + size))
	fi
	rm -f "$KD/f$i.csv"
	i=$((i + 1))
done
if [ $kfail -eq 0 ] && [ $killed -gt 0 ]; then
	ok "SIGKILL: $KILLS runs, $killed killed mid-run and $finished finished first ($powered followed by a power cut); batches $kabsent absent, $kwhole whole: verify passes, no batch in part, acknowledged ones present, each completed by running it again"
elif [ $kfail -eq 0 ]; then
	not_ok "SIGKILL: none of the $KILLS kills landed before the command finished"
fi
echo "# crash tests took $(($(date +%s) - START)) s"
[ "$FAILED" -eq 0 ]
