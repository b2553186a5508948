# test_iati.sh: `export --format iati --year Y` (docs/IATI.md). A ledger built with the CLI
# (pledges with and without the donor's reference, contributions in currencies of 0, 2 and 3
# decimals, a write-off, a reversal within the year and one after it, entries of other years, a
# donor with an IATI identifier and donors without) is exported, and the file must:
#   - validate against the official IATI 2.03 schema (tests/vectors/iati/schema), which a
#     deliberately broken copy must not (so that the validation step is shown to work);
#   - hold one activity per fund, and per fund, type and currency the figures `totals` gives
#     for the year, with exactly the expected number of transactions of each type;
#   - give provider-org a @ref exactly for the donor that has one, and carry no entry of
#     another year and no reversed entry;
#   - be, byte for byte, tests/vectors/iati/small.xml (FUNDLEDGER_NOW fixed).
# Then the next year's export takes back a late reversal with a negative value, and bad input
# (no --year, a bad year, --year for another format, no iati block) exits 2, writing nothing.
. "$ROOT/tests/cli/lib.sh"

SCHEMA="$ROOT/tests/vectors/iati/schema/iati-activities-schema.xsd"
GOLDEN="$ROOT/tests/vectors/iati/small.xml"
for t in xmllint sqlite3 jq; do
	command -v "$t" >/dev/null 2>&1 || {
		not_ok "$t is not installed; run tools/deps.sh"
		exit 1
	}
done

# One donor with an IATI organisation identifier (a made-up one: test configuration only).
sed -i 's/^\(  - {code: DEU, name: Germany, .*\)}$/\1, iati_ref: XX-TEST-DEU}/' "$T/donors.yaml"
contains "$T/donors.yaml" 'code: DEU.*iati_ref: XX-TEST-DEU' "the test config gives DEU an iati_ref"

rec() { # rec NOW COMMAND...: records one entry at time NOW, quietly
	now=$1
	shift
	FUNDLEDGER_NOW=$now "$FUNDLEDGER" "$@" >"$OUT" 2>"$ERR" || {
		not_ok "record: $* ($(cat "$ERR"))"
		exit 1
	}
}
N1=2025-12-01T09:00:00Z
N2=2025-12-15T09:00:00Z
fl init >/dev/null 2>&1 || { not_ok "init"; exit 1; }
rec $N1 rate --currency EUR --rate 0.92 --date 2024-01-01
rec $N1 rate --currency JPY --rate 150 --date 2024-01-01
rec $N1 rate --currency KWD --rate 0.307 --date 2024-01-01
rec $N1 rate --currency CHF --rate 0.88 --date 2024-01-01
# 2024: in no 2025 export.
rec $N1 pledge --donor CHE --fund VFTC --currency CHF --amount 30000 --years 2025 --date 2024-12-31
rec $N1 contribute --donor CHE --fund VFTC --currency CHF --amount 30000 --date 2024-12-30 --bank-ref CH-2024
# 2025.
rec $N1 pledge --donor DEU --fund VFTC --currency EUR --amount 100000.00 --years 2025 \
	--date 2025-02-01 --donor-ref DE-AGREEMENT-2025-1 --ref 'DE/2025/<001> & "A"'
rec $N1 pledge --donor JPN --fund UPRP --currency JPY --amount 5000000 --years 2025 --date 2025-03-01
rec $N1 pledge --donor KWT --fund VFTC --currency KWD --amount 10000.500 --years 2025 --date 2025-04-01
KWT_PLEDGE=$(sqlite3 -readonly "$FUNDLEDGER_LEDGER" "SELECT max(seq) FROM entries")
rec $N1 contribute --donor DEU --fund VFTC --currency EUR --amount 100000.00 --date 2025-05-02 --bank-ref DE-PAY-1
rec $N1 contribute --donor JPN --fund UPRP --currency JPY --amount 3000000 --date 2025-06-01 --bank-ref JP-PAY-1
rec $N1 contribute --donor KWT --fund VFTC --currency KWD --amount 5000.250 --date 2025-07-01 --bank-ref KW-PAY-1 \
	--ref kw-2025-1
rec $N1 writeoff "$KWT_PLEDGE" --amount 1000.125 --reason 'not to be paid' --date 2025-11-30
rec $N1 pledge --donor FRA --fund UPRI --currency USD --amount 50000 --years 2025 --date 2025-05-05 \
	--donor-ref FR-WITHDRAWN
FRA=$(sqlite3 -readonly "$FUNDLEDGER_LEDGER" "SELECT max(seq) FROM entries")
rec $N2 reverse "$FRA" --reason 'recorded in error'
rec $N2 contribute --donor NOR --fund UPRI --currency USD --amount 2000.00 --date 2025-08-01 --bank-ref NO-PAY-1
NOR=$(sqlite3 -readonly "$FUNDLEDGER_LEDGER" "SELECT max(seq) FROM entries")
# 2026.
rec $N2 contribute --donor JPN --fund UPRP --currency JPY --amount 2000000 --date 2026-01-05 --bank-ref JP-PAY-2
# The year's figures as totals gives them, before the 2026 reversal below (totals leaves out
# an entry reversed at any time; the 2025 export keeps one reversed after 2025).
fl totals --format json --from 2025-01-01 --to 2025-12-31 >"$T/totals.json" 2>"$ERR" ||
	not_ok "totals"
rec 2026-01-10T09:00:00Z reverse "$NOR" --reason 'returned to the donor'
before=$(count)

X="$T/iati-2025.xml"
export FUNDLEDGER_NOW=2026-03-01T12:00:00Z
expect 0 "export --format iati --year 2025 writes the file" fl export --format iati --year 2025 --out "$X"
contains "$OUT" '3 activities, 4 incoming funds, 1 incoming commitment, 3 incoming pledges, 1 of them negative; 1 reversed entry left out' \
	"export reports what it wrote"
same "$(count)" "$before" "export adds nothing to the ledger"

# ---- the schema ----
if xmllint --nonet --noout --schema "$SCHEMA" "$X" >"$OUT" 2>"$ERR"; then
	ok "the export validates against the IATI 2.03 schema"
else
	not_ok "the export validates against the IATI 2.03 schema"
	sed 's/^/#   /' "$ERR"
fi
# Negative controls: the same validation refuses a document with two elements swapped (the
# schema's sequences fix their order) and one whose value is not a decimal.
# refused FILE DESCRIPTION: FILE, a broken copy of the export, differs from it and fails.
refused() {
	if cmp -s "$X" "$1"; then
		not_ok "$2 (the copy is not broken)"
	elif xmllint --nonet --noout --schema "$SCHEMA" "$1" >/dev/null 2>&1; then
		not_ok "$2"
	else
		ok "$2"
	fi
}
awk '/<reporting-org /{hold=1} hold{buf=buf $0 "\n"; if (/<\/reporting-org>/) {hold=0; r=buf; buf=""}; next}
	/<\/title>/{print; printf "%s", r; next} {print}' "$X" >"$T/swapped.xml"
refused "$T/swapped.xml" "a document with reporting-org after title fails validation"
sed '0,/<value currency="EUR" value-date="2025-05-02">100000.00</s//<value currency="EUR" value-date="2025-05-02">1e5</' "$X" >"$T/badvalue.xml"
refused "$T/badvalue.xml" "a document with a value that is not a decimal fails validation"

# ---- the contents, read with XPath ----
xp() { xmllint --nonet --xpath "$1" "$X" 2>/dev/null; }
same "$(xp 'string(/iati-activities/@version)')" "2.03" "version is 2.03"
same "$(xp 'string(/iati-activities/@generated-datetime)')" "2026-03-01T12:00:00Z" \
	"generated-datetime is the command's clock (FUNDLEDGER_NOW)"
same "$(xp 'count(//iati-activity)')" "3" "one activity per fund"
for f in VFTC UPRP UPRI; do
	same "$(xp "count(//iati-activity[iati-identifier='XM-DAC-41313-$f'])")" 1 \
		"fund $f has its activity XM-DAC-41313-$f"
done
same "$(xp 'count(//transaction[transaction-type/@code=1])')" 4 "4 incoming funds (type 1)"
same "$(xp 'count(//transaction[transaction-type/@code=11])')" 1 "1 incoming commitment (type 11)"
same "$(xp 'count(//transaction[transaction-type/@code=13])')" 3 \
	"3 incoming pledges (type 13), the write-off among them"
same "$(xp 'count(//transaction[starts-with(value, "-")])')" 1 "one negative value: the write-off"
same "$(xp 'string(//transaction[starts-with(value, "-")]/value)')" "-1000.125" \
	"the write-off is the negated amount, in the pledge's currency's 3 decimals"
same "$(xp 'string(//transaction[transaction-type/@code=11]/@ref)')" 'DE/2025/<001> & "A"' \
	"the commitment's @ref is the reference given with --ref, escaped and read back whole"
same "$(xp 'count(//transaction[@ref="kw-2025-1"][transaction-type/@code=1])')" 1 \
	"the contribution recorded with --ref carries it"
same "$(xp 'count(//transaction[starts-with(@ref, "seq-")])')" 6 \
	"the others, with derived references, are seq-N"
same "$(xp 'count(//transaction[contains(@ref, "auto-") or contains(., "PAY-") or contains(., "AGREEMENT")])')" 0 \
	"no derived key, bank reference or donor reference is published"
same "$(xp 'count(//provider-org[@ref])')" 2 "provider-org has a @ref twice (DEU's two transactions)"
same "$(xp 'count(//provider-org[@ref="XX-TEST-DEU"][narrative="Germany"])')" 2 \
	"... both DEU's, with its name"
same "$(xp 'count(//transaction[provider-org/narrative="Germany"])')" 2 "DEU has two transactions"
same "$(xp 'count(//provider-org[not(narrative)])')" 0 "every provider-org has a narrative"
same "$(xp 'count(//transaction-date[not(starts-with(@iso-date, "2025-"))])')" 0 \
	"every transaction-date is in 2025"
same "$(xp 'count(//transaction[provider-org/narrative="Switzerland"])')" 0 \
	"the 2024 pledge and contribution are left out"
same "$(xp 'count(//transaction[provider-org/narrative="France"])')" 0 \
	"the pledge reversed within the year is left out"
same "$(xp 'count(//transaction[provider-org/narrative="Norway"][value="2000.00"])')" 1 \
	"the contribution reversed after the year is in"
same "$(xp 'count(//transaction[transaction-type/@code=1][value="3000000"][value/@currency="JPY"])')" 1 \
	"a JPY value has no decimals"

# Per fund, type and currency, summed in integer minor units: "FUND|TYPE|CCY|VALUE" lines.
n=$(xp 'count(//transaction)')
i=1
: >"$T/tx"
while [ "$i" -le "$n" ]; do
	p="(//transaction)[$i]"
	# (xmllint ends the string with a newline)
	xp "concat(substring-after($p/../iati-identifier, 'XM-DAC-41313-'), '|', $p/transaction-type/@code, '|', $p/value/@currency, '|', $p/value)" >>"$T/tx"
	i=$((i + 1))
done
same "$(wc -l <"$T/tx" | tr -d ' ')" 8 "8 transactions read"
# minor units of a decimal string with the currency's decimals, by string operations only
sed -n 's/.*code: \([A-Z]*\),.*minor_units: \([0-9]\).*/\1 \2/p' "$ROOT/config/currencies.yaml" >"$T/mu"
to_minor() {
	awk -F'|' -v mufile="$T/mu" 'BEGIN { while ((getline l < mufile) > 0) { split(l, a, " "); mu[a[1]] = a[2] } }
	{ v = $NF; s = ""; if (substr(v, 1, 1) == "-") { s = "-"; v = substr(v, 2) }
	  ip = v; fp = ""; if (index(v, ".")) { ip = substr(v, 1, index(v, ".") - 1); fp = substr(v, index(v, ".") + 1) }
	  if (length(fp) != mu[$(NF-1)] || ip !~ /^[0-9]+$/ || fp !~ /^[0-9]*$/) { print "BAD " $0; next }
	  d = ip fp; sub(/^0+/, "", d); if (d == "") d = 0
	  $NF = s d; print }' OFS='|'
}
to_minor <"$T/tx" >"$T/tx.minor"
if grep -q BAD "$T/tx.minor"; then
	not_ok "every value has exactly its currency's decimals"
	sed 's/^/#   /' "$T/tx.minor"
else
	ok "every value has exactly its currency's decimals"
fi
# IATI: pledged = positive 11/13 values, written off = minus the negative ones, received = type 1.
awk -F'|' '{ k = ($2 == 1) ? "received" : ($4 < 0 ? "written_off" : "pledged")
	v = $4 < 0 ? -$4 : $4; s[$1 "|" $3 "|" k] += v }
	END { for (x in s) if (s[x] != 0) print x "|" s[x] }' "$T/tx.minor" | sort >"$T/iati.sums"
jq -r '.[] | [.fund, "pledged", .currency, .pledged], [.fund, "received", .currency, .received],
	[.fund, "written_off", .currency, .written_off] | join("|")' "$T/totals.json" |
	sed 's/,//g' | to_minor | awk -F'|' '$4 != 0 { print $1 "|" $3 "|" $2 "|" $4 }' |
	sort >"$T/totals.sums"
if [ -s "$T/totals.sums" ] && cmp -s "$T/iati.sums" "$T/totals.sums"; then
	ok "per fund and currency, pledged, written off and received equal totals for 2025 ($(wc -l <"$T/totals.sums" | tr -d ' ') figures)"
else
	not_ok "per fund and currency, pledged, written off and received equal totals for 2025"
	diff "$T/totals.sums" "$T/iati.sums" | sed 's/^/#   /'
fi

# ---- byte for byte ----
if cmp -s "$GOLDEN" "$X"; then
	ok "the export is tests/vectors/iati/small.xml byte for byte"
else
	not_ok "the export is tests/vectors/iati/small.xml byte for byte"
	diff "$GOLDEN" "$X" | head -n 20 | sed 's/^/#   /'
fi
expect 0 "export to standard output" fl export --format iati --year 2025 --out -
if cmp -s "$OUT" "$X"; then ok "standard output has the same bytes"; else not_ok "standard output has the same bytes"; fi

# ---- the next year: the late reversal taken back ----
Y="$T/iati-2026.xml"
expect 0 "export --year 2026" fl export --format iati --year 2026 --out "$Y"
if xmllint --nonet --noout --schema "$SCHEMA" "$Y" 2>"$ERR"; then ok "the 2026 export validates"; else not_ok "the 2026 export validates"; fi
same "$(xmllint --xpath 'count(//transaction)' "$Y")" 2 "2026 has two transactions"
same "$(xmllint --xpath 'string(//transaction[value<0]/value)' "$Y")|$(xmllint --xpath 'string(//transaction[value<0]/transaction-date/@iso-date)' "$Y")|$(xmllint --xpath 'string(//transaction[value<0]/transaction-type/@code)' "$Y")" \
	"-2000.00|2026-01-10|1" "the 2025 contribution reversed in 2026 is taken back on the day of its reversal"
expect 0 "export --year 1990: no transactions" fl export --format iati --year 1990 --out "$T/iati-1990.xml"
same "$(xmllint --xpath 'count(//iati-activity)' "$T/iati-1990.xml")|$(xmllint --xpath 'count(//transaction)' "$T/iati-1990.xml")" \
	"3|0" "a year without entries still has every fund's activity"
if xmllint --nonet --noout --schema "$SCHEMA" "$T/iati-1990.xml" 2>/dev/null; then ok "... and validates"; else not_ok "... and validates"; fi

# ---- bad input: exit 2, nothing written ----
B="$T/bad.xml"
expect 2 "--format iati without --year" fl export --format iati --out "$B"
contains "$ERR" 'needs --year' "... says --year is needed"
expect 2 "--year abc" fl export --format iati --year abc --out "$B"
contains "$ERR" "year 'abc' is not a year" "... says the year is bad"
expect 2 "--year 20250" fl export --format iati --year 20250 --out "$B"
expect 2 "--year with --format bundle" fl export --format bundle --year 2025 --out "$T/bundle"
contains "$ERR" 'only for --format iati' "... says --year is only for iati"
expect 2 "--year with --format ledger" fl export --format ledger --year 2025 --out "$B"
expect 2 "--out an existing file" fl export --format iati --year 2025 --out "$X"
sed '/^iati:/,/^keys:/{/^keys:/!d}' "$T/fundledger.yaml" >"$T/noiati.yaml"
if grep -q '^iati:' "$T/noiati.yaml" || ! grep -q '^keys:' "$T/noiati.yaml"; then
	not_ok "a configuration without the iati block"
fi
expect 2 "no iati block in the configuration" fl -c "$T/noiati.yaml" export --format iati --year 2025 --out "$B"
contains "$ERR" "noiati.yaml has no 'iati' block" "... names the file and the key"
if [ -e "$B" ] || [ -e "$T/bundle" ] || ls "$T"/bad.xml.tmp.* >/dev/null 2>&1; then
	not_ok "nothing written by the refused exports"
else
	ok "nothing written by the refused exports"
fi
same "$(count)" "$before" "the ledger is unchanged"

# ---- text the ledger accepts but XML does not: refused, nothing written ----
# U+FFFF is well-formed UTF-8 and passes the ledger's text rules, but is not an XML character.
ffff=$(printf 'P-1995-\357\277\277')
rec $N1 pledge --donor CHE --fund UPRI --currency CHF --amount 1000 --years 1995 --date 1995-03-01 \
	--ref "$ffff"
expect 2 "a reference holding U+FFFF is refused" fl export --format iati --year 1995 --out "$B"
contains "$ERR" "ref 'P-1995-\\\\xef\\\\xbf\\\\xbf' cannot be written in XML" "... naming the value, escaped"
if [ -e "$B" ] || ls "$T"/bad.xml.tmp.* >/dev/null 2>&1; then
	not_ok "nothing written for it"
else
	ok "nothing written for it"
fi
