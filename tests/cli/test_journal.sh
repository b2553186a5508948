# test_journal.sh: `export --format ledger|hledger|beancount` (docs/JOURNAL.md), checked with
# the tools themselves: Ledger, hledger and Beancount must accept each journal as it is (ledger
# --pedantic, hledger check --strict, bean-check: exit 0 and nothing on stderr), see every entry
# once with its seq and hash, and report, per account and currency, exactly the figures
# fundledger reports itself, in integer minor units:
#   Assets:Receivable:F:D   outstanding    (reconcile: pledges that stand)
#   Income:Pledged:F:D      - pledged      (reconcile)
#   Expenses:WriteOff:F:D   written off    (reconcile)
#   paid                    pledged - written off - outstanding of the tool = reconcile's paid
#   Income:Unpledged:F:D    - unapplied    (reconcile: receipts not wholly applied)
#   Assets:Bank:F           received       (totals, per fund and currency)
#   Assets:Bank:F by payee  received per donor (log: contributions that stand)
# on a small ledger that has every kind of posting (tests/cli/data/journal/scenario.sh) and on
# the five-year sample ledger of the report tests (tests/cli/data/report/build.sh). Then: the
# same bytes every time and on standard output, a journal never written over a file, and bad
# input refused with exit 2 and nothing written.
#
# The tools are required: without one the script fails and says to run tools/deps.sh.
. "$ROOT/tests/cli/lib.sh"

missing=
for t in ledger hledger bean-check jq sqlite3; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	not_ok "not installed:$missing; run tools/deps.sh (Debian packages ledger, hledger, beancount)"
	exit 1
fi
# Beancount's Python: the interpreter bean-check runs with (its #! line), which may not be the
# first python3 on PATH.
BEANPY=$(sed -n '1s/^#![[:space:]]*//p' "$(command -v bean-check)")
if ! ${BEANPY:-python3} -c 'import beancount.query.query' 2>/dev/null; then
	not_ok "Beancount's Python modules are missing; run tools/deps.sh (Debian package beancount)"
	exit 1
fi
ok "ledger, hledger and beancount are installed"

FORMATS="ledger hledger beancount"
# Each currency's decimals, from the configuration: "CODE DIGITS" lines.
sed -n 's/.*code: \([A-Z]*\),.*minor_units: \([0-9]\).*/\1 \2/p' "$ROOT/config/currencies.yaml" \
	>"$T/mu"

# minor [strict]: lines KEY|CURRENCY|DECIMAL on stdin become KEY|CURRENCY|INTEGER (minor
# units), by string operations only, so no float ever rounds; zeros are dropped. A number that
# is not a plain decimal, or has non-zero digits beyond its currency's decimals, or (strict)
# not exactly its currency's decimals, becomes a BAD line.
minor() {
	awk -v mufile="$T/mu" -v strict="${1:-}" '
	BEGIN { while ((getline l < mufile) > 0) { split(l, a, " "); mu[a[1]] = a[2] } }
	{
		n = split($0, f, "|")
		v = f[3]; gsub(/[ "]/, "", v)
		if (n != 3 || !(f[2] in mu)) { print "BAD " $0; next }
		sign = ""
		if (substr(v, 1, 1) == "-") { sign = "-"; v = substr(v, 2) }
		ip = v; fp = ""
		if (index(v, ".")) { ip = substr(v, 1, index(v, ".") - 1); fp = substr(v, index(v, ".") + 1) }
		if (ip !~ /^[0-9]+$/ || fp !~ /^[0-9]*$/) { print "BAD " $0; next }
		if (strict && length(fp) != mu[f[2]]) { print "BAD " $0; next }
		while (length(fp) < mu[f[2]]) fp = fp "0"
		if (substr(fp, mu[f[2]] + 1) !~ /^0*$/) { print "BAD " $0; next }
		d = ip substr(fp, 1, mu[f[2]]); sub(/^0+/, "", d)
		if (d != "") print f[1] "|" f[2] "|" sign d
	}'
}

# sums FILE: the lines of FILE (KEY|CURRENCY|INTEGER) summed per key and currency in SQLite's
# 64-bit integers (an overflow is an error, never a rounding), zeros left out, sorted; with
# "paid", plus the paid amount per pledge account derived from the tool's balances:
# - Income:Pledged - Expenses:WriteOff - Assets:Receivable.
sums() {
	if grep -q '^BAD' "$1"; then
		grep '^BAD' "$1"
		return
	fi
	extra=
	[ "${2:-}" = paid ] && extra="INSERT INTO t SELECT 'Paid:' || substr(key, 16), cur, -n
		FROM t WHERE key LIKE 'Income:Pledged:%';
	INSERT INTO t SELECT 'Paid:' || substr(key, 19), cur, -n FROM t
		WHERE key LIKE 'Expenses:WriteOff:%' OR key LIKE 'Assets:Receivable:%';"
	sqlite3 -batch :memory: "CREATE TABLE t(key TEXT, cur TEXT, n INTEGER);" \
		".separator |" ".import '$1' t" "$extra" \
		"SELECT key || '|' || cur || '|' || sum(n) FROM t GROUP BY key, cur
		 HAVING sum(n) <> 0 ORDER BY key, cur;" 2>&1
}

# expected: fundledger's own figures for the ledger, as KEY|CURRENCY|DECIMAL lines.
expected() {
	fl reconcile --as-of 9999-12-31 --format json >"$T/rec.json" 2>"$T/rec.err"
	jq -r '.pledges[] | select(.status != "reversed") |
		"Assets:Receivable:\(.fund):\(.donor)|\(.currency)|\(.outstanding)",
		"Income:Pledged:\(.fund):\(.donor)|\(.currency)|-\(.pledged)",
		"Expenses:WriteOff:\(.fund):\(.donor)|\(.currency)|\(.written_off)",
		"Paid:\(.fund):\(.donor)|\(.currency)|\(.paid)"' "$T/rec.json" &&
		jq -r '.receipts[] | "Income:Unpledged:\(.fund):\(.donor)|\(.currency)|-\(.unapplied)"' \
			"$T/rec.json" &&
		fl totals --format json | jq -r '.[] | "Assets:Bank:\(.fund)|\(.currency)|\(.received)"' &&
		fl log --kind contribution --format json | jq -r '.[] | select(.reversed_by == null) |
			"Received:\(.fund):\(.donor)|\(.currency)|\(.amount)"'
}

# balances FORMAT FILE: the tool's own balances per account and currency, and of Assets:Bank
# per fund and payee (the donor) as Received:F:D, as KEY|CURRENCY|DECIMAL lines.
balances() {
	case $1 in
	ledger)
		for c in $(ledger -f "$2" commodities); do
			ledger -f "$2" bal --flat --no-total -E -l "commodity == \"$c\"" \
				--balance-format "%(account)|$c|%(quantity(scrub(display_total)))\n"
			ledger -f "$2" bal '^Assets:Bank:' --pivot Payee --flat --no-total \
				-l "commodity == \"$c\"" \
				--balance-format "%(account)|$c|%(quantity(scrub(display_total)))\n" |
				sed 's/^Payee:\([^:]*\):Assets:Bank:\([^|]*\)|/Received:\2:\1|/'
		done
		;;
	hledger)
		hledger -f "$2" bal --layout bare -O csv -N -E | tail -n +2 | tr -d '"' |
			awk -F, '{ print $1 "|" $2 "|" $3 }'
		for f in VFTC UPRP UPRI; do
			hledger -f "$2" bal "^Assets:Bank:$f\$" --pivot payee --layout bare -O csv -N |
				tail -n +2 | tr -d '"' | awk -F, -v f="$f" '{ print "Received:" f ":" $1 "|" $2 "|" $3 }'
		done
		;;
	beancount)
		# bean-query's own engine, and its numbers as Decimals: its printer shows a column
		# with the decimals most of its numbers have, which would round 0.001 KWD among EUR
		# amounts to 0.00.
		bql "$2" "SELECT account, currency, sum(number) GROUP BY account, currency"
		bql "$2" "SELECT account, payee, currency, sum(number) WHERE account ~ '^Assets:Bank:'
			GROUP BY account, payee, currency" |
			sed 's/^Assets:Bank:\([^|]*\)|\([^|]*\)|/Received:\1:\2|/'
		;;
	esac
}

# bql FILE QUERY...: the rows of each BQL query, run by Beancount's query engine on FILE, as
# fields joined by '|' (numbers as exact Decimals, strings as they are).
bql() {
	${BEANPY:-python3} - "$@" <<'PY'
import sys
from beancount import loader
from beancount.query import query
loader.initialize(use_cache=False)  # no .FILE.picklecache beside the file
entries, errors, options = loader.load_file(sys.argv[1])
if errors:
    sys.exit("%d errors loading %s" % (len(errors), sys.argv[1]))
for q in sys.argv[2:]:
    for row in query.run_query(entries, options, q)[1]:
        print("|".join(str(v) for v in row))
PY
}

# accepts FORMAT FILE: the tool reads the file with its strictest checks, exit 0, no messages.
accepts() {
	case $1 in
	ledger) ledger --pedantic -f "$2" bal >/dev/null 2>"$T/tool.err" ;;
	hledger) hledger -f "$2" check --strict >/dev/null 2>"$T/tool.err" ;;
	beancount) bean-check --no-cache "$2" >"$T/tool.err" 2>&1 ;;
	esac
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/tool.err" ]; then
		ok "$3: $1 accepts the journal"
	else
		not_ok "$3: $1 refuses the journal (exit $rc)"
		head -n 20 "$T/tool.err" | sed 's/^/#   /'
	fi
}

# seqs FORMAT FILE: every seq and hash the tool (Ledger, Beancount) or the text (hledger) shows
# for a transaction, "SEQ|HASH" sorted; and the seqs of the whole file, prices and comments too.
seqhash() {
	case $1 in
	ledger) ledger -f "$2" reg --format '%(tag("seq"))|%(tag("hash"))\n' | sort -u -n ;;
	beancount) bql "$2" "SELECT DISTINCT entry_meta('seq'), entry_meta('hash')" | sort -u -n ;;
	hledger)
		awk '/^    ; seq: / { s = $3 } /^    ; hash: / { print s "|" $3 }' "$2" | sort -u -n ;;
	esac
}

# check_ledger NAME: exports the current ledger in each format and checks everything above.
check_ledger() {
	name=$1
	expected | minor >"$T/exp.lines" 2>"$T/exp.err" && [ ! -s "$T/exp.err" ] ||
		{ not_ok "$name: fundledger's figures"; sed 's/^/#   /' "$T/exp.err"; }
	sums "$T/exp.lines" >"$T/exp.sums"
	n=$(fl log --format json | jq length)
	fl log --format json | jq -r '.[] | select(.kind == "pledge" or .kind == "contribution" or
		.kind == "match" or .kind == "writeoff" or .kind == "reversal") | "\(.seq)|\(.hash)"' |
		sort -n >"$T/log.seqhash"
	for fmt in $FORMATS; do
		J="$T/$name.$fmt"
		rm -f "$J"
		expect 0 "$name: export --format $fmt" fl export --format "$fmt" --out "$J"
		contains "$OUT" "^exported $n entries to $J \($fmt journal: [0-9]+ transactions" \
			"$name: it says what it wrote ($fmt)"
		accepts "$fmt" "$J" "$name"
		# Beancount's numbers must show every decimal (see balances); Ledger drops trailing
		# zeros and hledger writes a zero as 0, which minor pads.
		balances "$fmt" "$J" | minor "$([ "$fmt" = beancount ] && echo strict)" >"$T/act.lines"
		sums "$T/act.lines" paid >"$T/act.sums"
		if [ -s "$T/exp.sums" ] && cmp -s "$T/exp.sums" "$T/act.sums"; then
			ok "$name: $fmt's balances are fundledger's, per fund, donor and currency ($(wc -l <"$T/exp.sums" | tr -d ' ') figures)"
		else
			not_ok "$name: $fmt's balances differ from fundledger's (< fundledger, > $fmt)"
			diff "$T/exp.sums" "$T/act.sums" | head -n 20 | sed 's/^/#   /'
		fi
		# Every entry once: as a transaction, a price or a comment, in seq order.
		grep -Eo '^(    |  )?; seq:? [0-9]+|^  seq: [0-9]+' "$J" | grep -Eo '[0-9]+$' >"$T/seqs"
		same "$(sort -n -u "$T/seqs" | tr '\n' ' ')" "$(seq 1 "$n" | tr '\n' ' ')" \
			"$name: every entry of the ledger is in the $fmt journal"
		sort -n -c "$T/seqs" 2>/dev/null && same "$(wc -l <"$T/seqs" | tr -d ' ')" "$n" \
			"$name: each once, in seq order ($fmt)" || not_ok "$name: seqs out of order ($fmt)"
		# Seq and hash of each transaction as the tool reads them: the ledger's hashes.
		seqhash "$fmt" "$J" >"$T/tool.seqhash"
		if [ "$fmt" = beancount ] || [ "$fmt" = ledger ]; then
			# Entries with no posting left (a reversal of a reversed match) are comments.
			grep -vxFf "$T/tool.seqhash" "$T/log.seqhash" | cut -d'|' -f1 >"$T/notx"
			ok_n=1
			for s in $(cat "$T/notx"); do
				grep -q "^; seq $s reversal [0-9a-f]*: no posting" "$J" || ok_n=0
			done
			[ "$ok_n" = 1 ] && [ -z "$(grep -vxFf "$T/log.seqhash" "$T/tool.seqhash")" ] &&
				ok "$name: $fmt reads each transaction's seq and hash, the ledger's" ||
				not_ok "$name: seq and hash metadata ($fmt)"
		else
			[ -z "$(grep -vxFf "$T/log.seqhash" "$T/tool.seqhash")" ] &&
				[ -s "$T/tool.seqhash" ] &&
				ok "$name: each transaction's seq and hash are the ledger's ($fmt)" ||
				not_ok "$name: seq and hash metadata ($fmt)"
		fi
	done
}

# ---- the unit tests' golden files (tests/unit/test_journal.c) are good journals too ----
accepts ledger "$ROOT/tests/vectors/journal/small.ledger" "golden small.ledger"
accepts hledger "$ROOT/tests/vectors/journal/small.journal" "golden small.journal"
accepts beancount "$ROOT/tests/vectors/journal/small.beancount" "golden small.beancount"

# ---- a small ledger with every kind of posting ----
. "$ROOT/tests/cli/data/journal/scenario.sh"
same "$scenario_failed $(count)" "0 41" "the scenario ledger: 41 entries, every step recorded"
export FUNDLEDGER_NOW=2026-03-01T12:00:00Z
check_ledger scenario

# What the journal says about the scenario's special cases (hledger's file, by grep).
J="$T/scenario.hledger"
contains "$J" '^    Income:Unpledged:UPRI:FDN-FORD +50000\.00 EUR @@ 54288\.82 USD$' \
	"a EUR contribution settles a USD pledge at a total cost (@@)"
contains "$J" '^    Income:Unpledged:UPRP:JPN +3333\.33 USD @@ 497833 JPY$' \
	"a USD contribution settles a JPY pledge (no decimals; no exact unit price)"
contains "$J" '^    Income:Unpledged:UPRI:FDN-FORD +0\.001 KWD @@ 0 JPY$' \
	"a match that settles less than a yen: cost 0"
contains "$J" '^P 2026-01-01 USD 0\.8901 CHF$' "a rate is the price of one US dollar, exactly"
contains "$J" '^; seq 4 rate [0-9a-f]{64}: no price: reversed by seq 5 \(P 2026-01-01 USD 0\.79 GBP\)$' \
	"a reversed rate gives no price"
contains "$J" '^2026-01-25 \* CHE \| reversal of pledge 23: pledge recorded twice \(with its standing matches 25\)$' \
	"a pledge's reversal undoes its standing match, dated as the match"
contains "$J" '^; seq 30 reversal [0-9a-f]{64}: no posting: match 28 had stopped standing with reversal 29 of its contribution$' \
	"unmatching a match its contribution's reversal undid posts nothing"
contains "$J" '^2026-01-12 \* FDN-FORD \| pledge to UPRI for 2026, earmarked: UPR follow-up, "Pacific" \| \\ 50% — café$' \
	"hledger: ';' in a text is replaced, the rest kept"
hledger -f "$J" reg -O csv desc:earmarked >"$T/desc.csv" 2>&1
contains "$T/desc.csv" '"FDN-FORD \| pledge to UPRI for 2026, earmarked: UPR follow-up, ""Pacific"" \| \\ 50% — café"' \
	"hledger reads the whole description, as written"
contains "$T/scenario.beancount" '^2026-01-21 \* "FDN-FORD" "contribution to UPRI, bank reference FF;\\"x\\"\\\\y\|z, for pledge 9"$' \
	"beancount: quotes and backslashes escaped"
contains "$T/scenario.ledger" '^    ; Payee: FDN-FORD$' "ledger: the donor is the payee"
contains "$T/scenario.beancount" '^1900-01-01 open Assets:Receivable:UPRI:FDN-FORD$' \
	"beancount: accounts opened before any date an entry can have"

# ---- the same bytes every time, whatever the clock, zone or locale; standard output ----
for fmt in $FORMATS; do
	expect 0 "export --format $fmt again, elsewhere and at another time" env TZ=Pacific/Kiritimati \
		LC_ALL=C.UTF-8 FUNDLEDGER_NOW=2030-06-01T00:00:00Z "$FUNDLEDGER" export --format "$fmt" \
		--out "$T/again.$fmt"
	cmp -s "$T/scenario.$fmt" "$T/again.$fmt" && ok "byte-identical ($fmt)" ||
		not_ok "the $fmt journal changed"
	expect 0 "export --format $fmt --out -" fl export --format "$fmt" --out -
	cmp -s "$OUT" "$T/scenario.$fmt" && ok "standard output has the same bytes ($fmt)" ||
		not_ok "standard output differs ($fmt)"
done
# The mode is what the umask allows, as for any new file: a journal holds every donor's amounts.
(umask 022 && fl export --format hledger --out "$T/mode022.hledger" >/dev/null)
same "$(stat -c %a "$T/mode022.hledger")" 644 "under umask 022 the journal is 0644"
(umask 077 && fl export --format hledger --out "$T/mode077.hledger" >/dev/null)
same "$(stat -c %a "$T/mode077.hledger")" 600 "under umask 077 the journal is 0600"

# ---- the bundle is still the default ----
expect 0 "export --out DIR: the bundle, as before" fl export --out "$T/bundle1"
contains "$OUT" "^exported 41 entries to $T/bundle1$" "it says so"
expect 0 "export --format bundle --out DIR" fl export --format bundle --out "$T/bundle2"
diff -r "$T/bundle1" "$T/bundle2" >/dev/null && ok "the same bundle" || not_ok "bundles differ"
expect 0 "verify --bundle" fl verify --bundle "$T/bundle1" --key "$(cat "$T/treasurer.vkey")"

# ---- bad input: exit 2, nothing written ----
before=$(count)
echo "keep me" >"$T/exists.journal"
expect 2 "an existing --out file is refused" fl export --format hledger --out "$T/exists.journal"
contains "$ERR" "exists.journal already exists" "says so"
same "$(cat "$T/exists.journal")" "keep me" "and leaves it as it was"
mkdir "$T/adir"
expect 2 "--out DIR for a journal is refused" fl export --format beancount --out "$T/adir"
contains "$ERR" "is a directory: a beancount journal is one file" "says a journal is a file"
same "$(ls -A "$T/adir")" "" "nothing written in it"
expect 2 "an unknown --format" fl export --format gnucash --out "$T/x.gnucash"
contains "$ERR" "'gnucash' is not bundle, ledger, hledger, beancount or iati" "names the formats"
expect 2 "a journal needs --out" fl export --format ledger
contains "$ERR" "needs --out FILE" "says so"
expect 2 "the bundle needs --out" fl export
expect 2 "an unexpected argument" fl export --format ledger --out "$T/y.ledger" extra
expect 3 "a directory that does not exist" fl export --format ledger --out "$T/nodir/x.ledger"
[ ! -e "$T/x.gnucash" ] && [ ! -e "$T/y.ledger" ] && [ ! -e "$T/nodir" ] &&
	ok "no file written" || not_ok "a file was written"
same "$(ls -A "$T" | grep -c '\.tmp\.')" 0 "no temporary file left behind"
same "$(count)" "$before" "export writes no entry"
expect 0 "the ledger verifies" fl verify

# ---- the five-year sample ledger of the report tests ----
FX="$T/fx"
if sh "$ROOT/tests/cli/data/report/build.sh" "$FUNDLEDGER" "$FX" >"$T/sizes" 2>"$ERR"; then
	ok "build the five-year sample ledger"
	export FUNDLEDGER_CONFIG="$FX/fundledger.yaml" FUNDLEDGER_LEDGER="$FX/ledger.db"
	check_ledger sample
else
	not_ok "build the five-year sample ledger"
	sed 's/^/#   /' "$ERR"
fi
