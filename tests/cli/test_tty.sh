#!/bin/sh
# test_tty.sh: what fundledger does only for a person at a terminal (ledger/cli/tty.c).
#
# A pseudo-terminal comes from util-linux's script(1): `script -qec CMD /dev/null` runs CMD
# with a terminal as its standard input, output and error, and copies what the terminal shows
# to its own standard output ($T/tty here), where \r and escape sequences are kept.
#
# Progress: with standard error a terminal, import, verify, export (bundle and journal) and
# verify --bundle draw "\r<verb>: N% (DONE/TOTAL unit)" on it, and erase it before any other
# output or error; with standard error a file nothing is drawn; standard output is the same
# bytes either way. Colour: on a terminal by default (verify's OK and FAILED, the error prefix,
# reconcile's items that need a decision); none with NO_COLOR set and not empty, with
# TERM=dumb, when the stream is not a terminal, or in csv output.
. "$ROOT/tests/cli/lib.sh"

command -v script >/dev/null 2>&1 || { not_ok "script(1) from util-linux is installed"; exit 1; }

# on_tty CMD: runs the shell command CMD on a pseudo-terminal; what it showed goes to $T/tty,
# with carriage returns written <CR> and escapes <ESC> (in $T/tty.txt), and its status is $rc.
on_tty() {
	SHELL=/bin/sh script -qec "$1" /dev/null </dev/null >"$T/tty" 2>&1
	rc=$?
	sed 's/\r/<CR>/g; s/\x1b/<ESC>/g' "$T/tty" >"$T/tty.txt"
}
export TERM=xterm
unset NO_COLOR

# A ledger of 6,000 rates, more than FL_PROGRESS_EVERY (4,096) entries.
N=6000
awk -v n=$N 'BEGIN {
	print "kind,ref,date,fund,donor,currency,amount,years,due,earmark,donor_ref,announcement,bank_ref,pledge,rate"
	split("EUR JPY CHF", c, " ")
	for (i = 0; i < n; i++) {
		k = i % 3; d = int(i / 3)
		printf "rate,R%05d,%04d-%02d-%02d,,,%s,,,,,,,,,0.%03d\n", i, 2000 + int(d / 336),
			int(d / 28) % 12 + 1, d % 28 + 1, c[k + 1], 100 + i % 800
	}
}' >"$T/rates.csv"
same "$(wc -l <"$T/rates.csv" | tr -d ' ')" $((N + 1)) "the test CSV has $N rows"

# ---- import ----
export FUNDLEDGER_LEDGER="$T/a.db"
fl init >/dev/null 2>&1
cp "$T/rates.csv" "$T/r.csv" # the same name in both outputs
cd "$T" || exit 1
on_tty "'$FUNDLEDGER' import r.csv >'$T/import.tty.out'"
same "$rc" 0 "import on a terminal exits 0"
contains "$T/tty.txt" "^<CR>import: [0-9]+% \(4096/$((N + 1)) lines\)" \
	"import on a terminal shows its progress on stderr (4096 of $((N + 1)) lines)"
contains "$T/tty.txt" "<CR> {20,}<CR>$" "and erases it at the end"
export FUNDLEDGER_LEDGER="$T/b.db"
fl init >/dev/null 2>&1
fl import r.csv >"$T/import.file.out" 2>"$T/import.err"
same "$?:$(cat "$T/import.err")" "0:" "import with stderr a file writes nothing there"
same "$(cat "$T/import.file.out")" "r.csv: $N rows, $N new entries (1-$N), 0 already recorded" \
	"import's result"
cmp -s "$T/import.file.out" "$T/import.tty.out"
same $? 0 "import's standard output is the same bytes with and without a terminal"
cd "$ROOT" || exit 1

# ---- verify ----
on_tty "'$FUNDLEDGER' verify >'$T/verify.tty.out'"
same "$rc" 0 "verify on a terminal exits 0"
contains "$T/tty.txt" "^<CR>verify: 68% \(4096/$N entries\)<CR> +<CR>$" \
	"verify shows 'verify: 68% (4096/$N entries)' on stderr, then erases it"
fl verify >"$T/verify.file.out" 2>"$ERR"
same "$?:$(cat "$ERR")" "0:" "verify with stderr a file writes nothing there"
cmp -s "$T/verify.file.out" "$T/verify.tty.out"
same $? 0 "verify's standard output is the same bytes with and without a terminal"
contains "$T/verify.file.out" "^OK $N entries" "and says OK, uncoloured into a file"
grep -q "$(printf '\033')" "$T/verify.file.out" "$T/import.file.out" "$T/verify.tty.out"
same $? 1 "no escape sequence in any output written to a file"

# The line is gone before an error: entry 5,000 altered, verify fails after drawing.
cp "$T/b.db" "$T/bad.db"
sqlite3 "$T/bad.db" "DROP TRIGGER IF EXISTS entries_no_update;
	UPDATE entries SET currency = 'USD' WHERE seq = 5000;"
on_tty "'$FUNDLEDGER' -d '$T/bad.db' verify"
same "$rc" 1 "verify of an altered ledger on a terminal exits 1"
contains "$T/tty.txt" "^<CR>verify: 68% \(4096/$N entries\)<CR> +<CR><ESC>\[31mFAILED<ESC>\[0m at entry 5000 " \
	"the progress line is erased before FAILED, which is red"
contains "$T/tty.txt" "^<ESC>\[1;31mfundledger:<ESC>\[0m entry 5000: " \
	"the error prefix is bold red on a terminal"

# ---- export: bundle, journal, and verify --bundle ----
on_tty "'$FUNDLEDGER' export --out '$T/bundle' >'$T/export.out'"
same "$rc" 0 "export of a bundle on a terminal exits 0"
# Export verifies the ledger, then writes it: two passes, each erased.
same "$(grep -o "<CR>export: [0-9]*% ([0-9]*/$N entries)<CR> *<CR>" "$T/tty.txt" | wc -l | tr -d ' ')" 2 \
	"export shows two passes (verify, then write) and erases each"
same "$(cat "$T/export.out")" "exported $N entries to $T/bundle" "export's result is intact"
on_tty "'$FUNDLEDGER' verify --bundle '$T/bundle' >'$T/vb.out' 2>'$T/vb.err'; '$FUNDLEDGER' verify --bundle '$T/bundle' >/dev/null"
contains "$T/tty.txt" "<CR>verify: 68% \(4096/$N entries\)<CR> +<CR>" \
	"verify --bundle shows its progress (the bundle's entries as total)"
contains "$T/vb.err" "trusting the keys inside the bundle" "verify --bundle's note, in a file"
same "$(grep -c verify: "$T/vb.err")" 0 "and no progress in that file"
on_tty "'$FUNDLEDGER' export --format ledger --out - >'$T/journal.tty'"
contains "$T/tty.txt" "^<CR>export: 68% \(4096/$N entries\)<CR> +<CR>$" \
	"a journal written to a file through standard output shows progress on the terminal"
fl export --format ledger --out - >"$T/journal.file" 2>"$ERR"
same "$?:$(cat "$ERR")" "0:" "the journal export with stderr a file writes nothing there"
cmp -s "$T/journal.tty" "$T/journal.file"
same $? 0 "the journal is the same bytes with and without a terminal"
on_tty "'$FUNDLEDGER' export --format ledger --out - | tail -n 1 >/dev/null; '$FUNDLEDGER' export --format ledger --out - | head -c 0"
on_tty "'$FUNDLEDGER' export --format ledger --out -"
grep -q "export: " "$T/tty.txt"
same $? 1 "no progress line amid a journal that goes to the terminal itself"

# ---- colour ----
on_tty "'$FUNDLEDGER' verify"
contains "$T/tty.txt" "^(<CR>verify: [0-9]+% \\([0-9]+/[0-9]+ entries\\)<CR> +<CR>)?<ESC>\[32mOK<ESC>\[0m $N entries" "verify's OK is green on a terminal"
on_tty "NO_COLOR=1 '$FUNDLEDGER' verify; NO_COLOR=1 '$FUNDLEDGER' -d '$T/bad.db' verify"
grep -q '<ESC>' "$T/tty.txt"
same $? 1 "NO_COLOR=1: no escape sequence at all"
contains "$T/tty.txt" "^(<CR>verify: [0-9]+% \\([0-9]+/[0-9]+ entries\\)<CR> +<CR>)?OK $N entries" "NO_COLOR=1: OK, plain"
contains "$T/tty.txt" "^(<CR>verify: [0-9]+% \\([0-9]+/[0-9]+ entries\\)<CR> +<CR>)?FAILED at entry 5000" "NO_COLOR=1: FAILED, plain"
contains "$T/tty.txt" "^fundledger: entry 5000" "NO_COLOR=1: the error prefix, plain"
on_tty "NO_COLOR= '$FUNDLEDGER' verify"
contains "$T/tty.txt" "^(<CR>verify: [0-9]+% \\([0-9]+/[0-9]+ entries\\)<CR> +<CR>)?<ESC>\[32mOK" "an empty NO_COLOR does not turn colour off (no-color.org)"
on_tty "TERM=dumb '$FUNDLEDGER' verify; TERM=dumb '$FUNDLEDGER' -d '$T/bad.db' verify"
grep -q '<ESC>' "$T/tty.txt"
same $? 1 "TERM=dumb: no escape sequence"
contains "$T/tty.txt" "^(<CR>verify: [0-9]+% \\([0-9]+/[0-9]+ entries\\)<CR> +<CR>)?OK $N entries" "TERM=dumb: OK, plain"
on_tty "'$FUNDLEDGER' verify | cat; '$FUNDLEDGER' -d '$T/bad.db' verify 2>&1 | cat"
grep -q '<ESC>' "$T/tty.txt"
same $? 1 "a pipe: no escape sequence on stdout or stderr"

# reconcile: a contribution that names no pledge needs a decision, shown yellow.
export FUNDLEDGER_LEDGER="$T/r.db"
fl init >/dev/null 2>&1
fl rate --currency EUR --rate 0.9 --date 2026-01-01 >/dev/null 2>&1
fl pledge --donor NOR --fund VFTC --currency EUR --amount 100 --years 2026 --date 2026-01-10 >/dev/null 2>&1
fl contribute --donor NOR --fund VFTC --currency EUR --amount 100 --bank-ref X1 --date 2026-02-01 >/dev/null 2>&1
fl contribute --donor SWE --fund VFTC --currency EUR --amount 50 --bank-ref X2 --date 2026-02-01 >/dev/null 2>&1
on_tty "'$FUNDLEDGER' reconcile"
same "$rc" 1 "reconcile on a terminal exits 1 (a proposed match needs a decision)"
contains "$T/tty.txt" "contribution 3 .*: <ESC>\\[33mpropose<ESC>\\[0m 100\\.00 -> pledge 2:" \
	"reconcile colours the proposal, which needs a decision, yellow"
contains "$T/tty.txt" "contribution 4 .*: matches no pledge: " \
	"but not a receipt that matches no pledge (it needs none)"
contains "$T/tty.txt" "^<ESC>\[33m1 item needs a decision<ESC>\[0m" "and its count"
on_tty "'$FUNDLEDGER' reconcile --format csv; '$FUNDLEDGER' reconcile --format json"
grep -q '<ESC>' "$T/tty.txt"
same $? 1 "reconcile --format csv and json: no colour even on a terminal"
on_tty "NO_COLOR=yes '$FUNDLEDGER' reconcile"
grep -q '<ESC>' "$T/tty.txt"
same $? 1 "reconcile with NO_COLOR: no colour"
fl reconcile >"$T/rec.file" 2>&1
sed 's/\r//' "$T/tty" | cmp -s - "$T/rec.file"
same $? 0 "reconcile with NO_COLOR on a terminal prints what it prints into a file"

# ---- statement import: one statement of 5,000 lines, 5,001 entries ----
export FUNDLEDGER_LEDGER="$T/s.db"
fl init >/dev/null 2>&1
awk 'BEGIN {
	a = "CH1900240240123456781"; s = "VFTC-CHF-2026-01"
	print "statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance"
	printf "%s,%s,CHF,2026-01-01,,opening,0.00,,,,\n", s, a
	for (i = 1; i <= 5000; i++)
		printf "%s,%s,CHF,2026-01-%02d,,credit,1.00,L%05d,,,\n", s, a, i % 28 + 1, i
	printf "%s,%s,CHF,2026-01-31,,closing,5000.00,,,,\n", s, a
}' >"$T/stmt.csv"
on_tty "'$FUNDLEDGER' statement import '$T/stmt.csv' >'$T/stmt.out'"
same "$rc" 0 "statement import on a terminal exits 0"
contains "$T/tty.txt" "^<CR>statement: 81% \(4096/5001 entries\)<CR> +<CR>$" \
	"statement import shows its progress (4096 of 5001 entries: the statement and its lines), then erases it"
contains "$T/stmt.out" "5000 lines, 5001 new entries" "and imports them all"
