#!/bin/sh
# tests/cli/test_reconcile.sh: the reconciliation engine end to end (ledger/reconcile.c,
# docs/RECONCILE.md, docs/STATEMENTS.md): `reconcile`, `match`, `unmatch`, `statement import`.
#
# Ten scenarios, each in its own fresh ledger, with every expected figure worked out by hand in
# the comment above it (conversions are exact integers rounded half to even once; a rate R is R
# units of the currency per US dollar, so USD cents = minor units * 10^(2 - decimals) / R).
# The figures are asserted as exact strings against `reconcile --format json`, and the exit
# status against the rule "0 when nothing needs a decision, 1 when something does". Then: the
# text and CSV formats, --fund/--donor, --apply twice, read-only runs that never change the
# file, match/unmatch by hand, and malformed statements refused as FILE:LINE with nothing
# written.
case $FUNDLEDGER in /*) ;; */*) FUNDLEDGER=$PWD/$FUNDLEDGER ;; esac
. "$ROOT/tests/cli/lib.sh"

DATA="$ROOT/tests/cli/data/reconcile"
VEC="$ROOT/tests/vectors/statements"
J="$T/report.json"
# Imports run from $T, so messages name files as given ("bad.csv:4: ...").
cd "$T" || exit 1
cp "$DATA"/*.csv "$T"/

# fresh NAME: a new, empty ledger $T/NAME.db for one scenario.
fresh() {
	export FUNDLEDGER_LEDGER="$T/$1.db"
	expect 0 "$1: a fresh ledger" fl init
}

# rec CODE DESC [OPTION...]: `reconcile --format json OPTION...` exits CODE; the report is
# kept in $J for the checks that follow.
rec() {
	code=$1
	desc=$2
	shift 2
	expect "$code" "$desc: reconcile exits $code" fl reconcile --format json "$@"
	cp "$OUT" "$J"
}

# jis FILTER JSON DESC: jq FILTER on the last report is exactly JSON (types and values).
jis() {
	got=$(jq -cS "$1" "$J" 2>&1)
	want=$(printf '%s' "$2" | jq -cS .)
	same "$got" "$want" "$3"
}

# pledge SEQ JSON DESC: pledge SEQ is in the last report once, and has each field of JSON
# with exactly that value (a missing field shows as missing).
pledge() {
	got=$(jq -cS --argjson s "$1" --argjson e "$2" '[(.pledges // [])[] | select(.seq == $s)]
		| if length == 1 then .[0] | with_entries(select(.key as $k | $e | has($k)))
		  else "pledge \($s) is in the report \(length) times" end' "$J" 2>&1)
	want=$(printf '%s' "$2" | jq -cS .)
	same "$got" "$want" "$3"
}

# identity SEQ PREFIX DESC: for pledge SEQ, pledged = paid + written_off + outstanding, the
# fields named with PREFIX ("" or "usd_"), added in minor units (integers, exact in jq).
identity() {
	got=$(jq -c --argjson s "$1" --arg p "$2" '[.pledges[] | select(.seq == $s)
		| [.[$p + "pledged", $p + "paid", $p + "written_off", $p + "outstanding"]]
		| map(gsub("\\."; "") | tonumber) | .[0] == .[1] + .[2] + .[3]]' "$J" 2>&1)
	same "$got" "[true]" "$3"
}

# recorded SEQ KIND DESC: the last write command reported entry SEQ of KIND.
recorded() {
	contains "$OUT" "^recorded entry $1 \($2\)" "$3"
}

# The ledger's state: its entry count and verify's line (which holds the head).
state() { echo "$(count) $(fl verify 2>&1 | head -n 1)"; }
digest() { sha256sum "$FUNDLEDGER_LEDGER" | cut -d' ' -f1; }

# ==== 1. A partial payment ==================================================================
# 1 rate EUR 0.9 from 2026-01-01
# 2 pledge DEU -> VFTC, EUR 1,000,000.00 for 2026 (one instalment, due 2026-12-31)
# 3 contribution EUR 400,000.00 on 2026-02-01 naming pledge 2; 4 the match applying it whole
# As of 2026-03-01 (today):
#   paid 400,000.00; outstanding = 1,000,000.00 - 400,000.00 - 0.00 = 600,000.00; nothing due
#   yet (2026-12-31 is after 2026-03-01): overdue 0.00, status "partially paid", next due
#   2026-12-31.
#   USD at the pledge date's rate 0.9: pledged 100,000,000 c * 10^6 / 900,000 = 111,111,111.1
#   -> 1,111,111.11; paid 40,000,000 / 0.9 = 44,444,444.4 -> 444,444.44; outstanding by the
#   identity 1,111,111.11 - 444,444.44 - 0.00 = 666,666.67.
#   USD received: the match's usd, 400,000.00 EUR at the value date's rate, also 0.9:
#   444,444.44; fx difference 444,444.44 - 444,444.44 = 0.00.
#   Nothing needs a decision: exit 0.
# As of 2026-12-31 the instalment is due that day, not past: still not overdue. As of
# 2027-01-01 it is past: overdue = min(1,000,000.00 - 400,000.00, 600,000.00) = 600,000.00,
# status "overdue" (a fact, not a discrepancy: exit 0). As of 2026-01-31 the contribution is
# not there yet: paid 0.00, status "open". As of 2026-01-14 not even the pledge is.
fresh s1
expect 0 "s1: rate" fl rate --currency EUR --rate 0.9 --date 2026-01-01
expect 0 "s1: pledge" fl pledge --donor DEU --fund VFTC --currency EUR --amount 1000000.00 \
	--years 2026 --date 2026-01-15
recorded 2 pledge "s1: the pledge is entry 2"
expect 0 "s1: contribution naming the pledge" fl contribute --donor DEU --fund VFTC \
	--currency EUR --amount 400000.00 --bank-ref DE-2026-1 --date 2026-02-01 --pledge 2
recorded 4 match "s1: the contribution is followed by its match, entry 4"
H0=$(digest)
rec 0 "s1 as of today"
pledge 2 '{"status": "partially paid", "reversed_by": null, "fund": "VFTC", "donor": "DEU",
	"currency": "EUR", "date": "2026-01-15", "years": [2026], "next_due": "2026-12-31",
	"pledged": "1000000.00", "paid": "400000.00", "written_off": "0.00",
	"outstanding": "600000.00", "overdue": "0.00", "matches": 1,
	"usd_pledged": "1111111.11", "usd_paid": "444444.44", "usd_written_off": "0.00",
	"usd_outstanding": "666666.67", "usd_received": "444444.44", "fx_difference": "0.00"}' \
	"s1: partially paid, 600,000.00 outstanding; USD at 0.9"
identity 2 "" "s1: pledged = paid + written off + outstanding (EUR)"
identity 2 usd_ "s1: the same identity in USD"
jis '.as_of' '"2026-03-01"' "s1: as of defaults to today (FUNDLEDGER_NOW)"
jis '.totals.currencies' '[{"currency": "EUR", "pledges": 1, "pledged": "1000000.00",
	"paid": "400000.00", "written_off": "0.00", "outstanding": "600000.00", "overdue": "0.00",
	"received": "400000.00", "applied": "400000.00", "unapplied": "0.00"}]' \
	"s1: EUR totals: received 400,000.00 all applied"
jis '.totals.usd' '{"pledged": "1111111.11", "paid": "444444.44", "written_off": "0.00",
	"outstanding": "666666.67", "overdue": "0.00", "received_applied": "444444.44",
	"fx_difference": "0.00", "unapplied": "0.00", "pledges_without_rate": 0}' "s1: USD totals"
jis '[.discrepancies, .totals.pledges.partially_paid]' '[0, 1]' "s1: nothing to decide"
jis '[has("pledges"), has("receipts"), has("bank")]' '[true, true, true]' \
	"s1: the three arrays are always there (docs/RECONCILE.md, Output)"
jis '[.receipts, .bank]' '[[], []]' "s1: no receipts and no bank items: empty arrays"
rec 0 "s1 as of 2026-12-31" --as-of 2026-12-31
pledge 2 '{"status": "partially paid", "overdue": "0.00", "next_due": "2026-12-31"}' \
	"s1: on its due date the instalment is not yet overdue"
rec 0 "s1 as of 2027-01-01" --as-of 2027-01-01
pledge 2 '{"status": "overdue", "outstanding": "600000.00", "overdue": "600000.00",
	"next_due": "2026-12-31"}' "s1: the day after, all 600,000.00 outstanding is overdue"
jis '[.totals.usd.overdue, .discrepancies]' '["666666.67", 0]' \
	"s1: USD overdue 60,000,000 / 0.9 = 666,666.67; overdue is not a discrepancy"
rec 0 "s1 as of 2026-01-31" --as-of 2026-01-31
pledge 2 '{"status": "open", "paid": "0.00", "outstanding": "1000000.00", "matches": 0,
	"usd_received": "0.00"}' "s1: before the contribution's value date the pledge is open"
rec 0 "s1 as of 2026-01-14" --as-of 2026-01-14
jis '[((.pledges // []) | length), .totals.usd.pledged]' '[0, "0.00"]' \
	"s1: before the pledge date there is no pledge"

# Text: the pledge row, the totals, and "Reconciled" when nothing needs a decision.
expect 0 "s1: text report" fl reconcile
contains "$OUT" "^Reconciliation as of 2026-03-01; fund all; donor all$" "s1 text: heading"
contains "$OUT" "^ +2  DEU +VFTC +EUR +1,000,000.00 +400,000.00 +0.00 +600,000.00 +0.00  2026-12-31  partially paid$" \
	"s1 text: the pledge row, amounts grouped"
contains "$OUT" "^TOTALS BY CURRENCY \(pledged = paid \+ written off \+ outstanding\)$" \
	"s1 text: the totals section"
contains "$OUT" "^  EUR +1,000,000.00 +400,000.00 +0.00 +600,000.00 +0.00 +400,000.00 +400,000.00 +0.00$" \
	"s1 text: EUR totals"
contains "$OUT" "^  USD at pledge-date rates: pledged 1,111,111.11 = paid 444,444.44 \+ written off 0.00 \+ outstanding 666,666.67; overdue 0.00$" \
	"s1 text: the USD identity"
contains "$OUT" "^  USD received and applied: 444,444.44 at value-date rates; realised exchange difference 0.00$" \
	"s1 text: USD received and the exchange difference"
contains "$OUT" "^  pledges: 0 open, 1 partially paid, 0 paid, 0 overpaid, 0 overdue, 0 written off, 0 reversed$" \
	"s1 text: pledge counts by status"
contains "$OUT" "^Reconciled: nothing needs a decision$" "s1 text: says Reconciled"

# CSV: the documented header, the pledge row, the totals and the summary.
expect 0 "s1: CSV report" fl reconcile --format csv
same "$(head -n 1 "$OUT")" "section,class,seq,counterpart,fund,donor,currency,date,other_date,amount,other_amount,pledged,paid,written_off,outstanding,overdue,received,applied,unapplied,usd_pledged,usd_paid,usd_written_off,usd_outstanding,usd_received,fx_difference,reason" \
	"s1 CSV: the header of docs/RECONCILE.md"
same "$(grep '^pledge,' "$OUT")" "pledge,partially paid,2,,VFTC,DEU,EUR,2026-01-15,2026-12-31,,,1000000.00,400000.00,0.00,600000.00,0.00,,,,1111111.11,444444.44,0.00,666666.67,444444.44,0.00," \
	"s1 CSV: the pledge row"
same "$(grep '^total,,' "$OUT")" "total,,,,,,EUR,,,,,1000000.00,400000.00,0.00,600000.00,0.00,400000.00,400000.00,0.00,,,,,,," \
	"s1 CSV: the EUR total row"
same "$(grep '^summary,' "$OUT")" "summary,discrepancies,,,,,,2026-03-01,,0,,,,,,,,,,,,,,,," \
	"s1 CSV: the summary row, 0 discrepancies"
same "$(digest)" "$H0" "s1: the reports (json, text, csv, every as-of) left the file as it was"

# ==== 2. An overpayment =====================================================================
# 1 pledge USA -> UPRP, USD 250,000.00 for 2026
# 2 contribution USD 200,000.00 on 2026-02-01 naming it; 3 its match
# 4 contribution USD 80,000.00 on 2026-02-20 naming no pledge
# Before --apply: pledge 1 has 250,000.00 - 200,000.00 = 50,000.00 outstanding. Receipt 4: the
# one candidate is pledge 1; 80,000.00 is not its 50,000.00 (not exact), and one pledge cannot
# be "several", so rule "only": all 80,000.00 to pledge 1, "more than is outstanding". A
# proposal needs a decision: exit 1.
# --apply records it as entry 5. Then paid 200,000.00 + 80,000.00 = 280,000.00; outstanding
# 250,000.00 - 280,000.00 - 0.00 = -30,000.00: "overpaid", nothing overdue, no next due. In USD
# (rate 1) the same figures; received 280,000.00, fx difference 0.00. Exit 0.
fresh s2
expect 0 "s2: pledge" fl pledge --donor USA --fund UPRP --currency USD --amount 250000.00 \
	--years 2026 --date 2026-01-10
expect 0 "s2: first contribution, naming the pledge" fl contribute --donor USA --fund UPRP \
	--currency USD --amount 200000.00 --bank-ref US-2026-1 --date 2026-02-01 --pledge 1
expect 0 "s2: second contribution, naming none" fl contribute --donor USA --fund UPRP \
	--currency USD --amount 80000.00 --bank-ref US-2026-2 --date 2026-02-20
recorded 4 contribution "s2: the second contribution is entry 4"
rec 1 "s2 before --apply"
pledge 1 '{"status": "partially paid", "paid": "200000.00", "outstanding": "50000.00"}' \
	"s2: 50,000.00 outstanding before the second receipt is applied"
jis '.receipts' '[{"contribution": 4, "rule": "only", "fund": "UPRP", "donor": "USA",
	"currency": "USD", "date": "2026-02-20", "unapplied": "80000.00",
	"pledges": [{"pledge": 1, "amount": "80000.00"}],
	"reason": "the only open pledge; it pays more than is outstanding"}]' \
	"s2: rule only, all 80,000.00 to the one open pledge"
jis '[.totals.receipts.proposed, .discrepancies]' '[1, 1]' "s2: one proposal to decide"
expect 0 "s2: --apply" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 1 match and 0 bank matches (entries 5-5)" \
	"s2: --apply reports the match it recorded"
same "$(count)" 5 "s2: five entries"
rec 0 "s2 after --apply"
pledge 1 '{"status": "overpaid", "pledged": "250000.00", "paid": "280000.00",
	"written_off": "0.00", "outstanding": "-30000.00", "overdue": "0.00", "next_due": null,
	"matches": 2, "usd_pledged": "250000.00", "usd_paid": "280000.00",
	"usd_outstanding": "-30000.00", "usd_received": "280000.00", "fx_difference": "0.00"}' \
	"s2: overpaid by 30,000.00"
identity 1 "" "s2: 250,000.00 = 280,000.00 + 0.00 + (-30,000.00)"
identity 1 usd_ "s2: the same in USD"
jis '.totals.currencies[0] | [.received, .applied, .unapplied]' \
	'["280000.00", "280000.00", "0.00"]' "s2: 280,000.00 received, all applied"
expect 2 "s2: matching the fully applied contribution again is refused" fl match 4 1
contains "$ERR" "^fundledger: contribution 4 is already applied in full$" "s2: says why"
same "$(count)" 5 "s2: nothing written by the refused match"

# ==== 3. Instalments across years, and overdue instalments ==================================
# 1 pledge NOR -> VFTC, USD 1,000,000.00 for 2026-2028, due 2026-06-30: 100,000,000 cents / 3
#   = 33,333,333 rest 1, so 333,333.34 (the first takes the leftover cent), 333,333.33,
#   333,333.33, due 2026-06-30, 2027-06-30, 2028-06-30.
# 2 pledge NLD -> VFTC, EUR 1,000.01 for 2026-2027, no due date and no EUR rate: 100,001 / 2 =
#   50,000 rest 1, so 500.01 due 2026-12-31 and 500.00 due 2027-12-31; no USD figures.
# 3 pledge KOR -> VFTC, USD 300.00 for 2028-2029, due 2028-02-29: 150.00 due 2028-02-29 and
#   150.00 due 2029-02-28 (no 29 February in 2029).
# 4 contribution USD 333,333.34 on 2026-08-01 naming 1; 5 its match
# 6 contribution USD 200,000.00 on 2027-09-01 naming 1; 7 its match
# Pledge 1 (covered = paid; overdue = min(due before the as-of date - covered, outstanding)):
#   2026-06-30: nothing paid, nothing past due: open, overdue 0.00, next due 2026-06-30
#   2026-07-01: due 333,333.34, paid 0: overdue 333,333.34, status overdue
#   2026-08-01: paid 333,333.34 covers the first: overdue 0.00, partially paid, outstanding
#               666,666.66, next due 2027-06-30
#   2027-07-01: due 333,333.34 + 333,333.33 = 666,666.67; overdue 666,666.67 - 333,333.34
#               = 333,333.33; status overdue, next due 2027-06-30
#   2027-12-31: paid 533,333.34, outstanding 466,666.66, overdue 666,666.67 - 533,333.34
#               = 133,333.33; next due still 2027-06-30 (533,333.34 < 666,666.67)
#   2028-07-01: all due: 1,000,000.00 - 533,333.34 = 466,666.66 overdue = outstanding
# Pledge 2: 2026-12-31 open, overdue 0.00; 2027-01-01 overdue 500.01; 2028-01-01 overdue
#   1,000.01. Pledge 3: 2028-02-29 open; 2029-02-28 overdue 150.00; 2029-03-01 overdue 300.00.
# Every contribution is applied and overdue is not a discrepancy: exit 0 every time.
fresh s3
expect 0 "s3: three-year pledge with a due date" fl pledge --donor NOR --fund VFTC \
	--currency USD --amount 1000000.00 --years 2026-2028 --due 2026-06-30 --date 2026-01-10
expect 0 "s3: two-year EUR pledge, no due date, no EUR rate" fl pledge --donor NLD \
	--fund VFTC --currency EUR --amount 1000.01 --years 2026-2027 --date 2026-01-10
expect 0 "s3: pledge due 29 February" fl pledge --donor KOR --fund VFTC --currency USD \
	--amount 300.00 --years 2028-2029 --due 2028-02-29 --date 2026-01-10
expect 0 "s3: payment in 2026" fl contribute --donor NOR --fund VFTC --currency USD \
	--amount 333333.34 --bank-ref NO-2026-1 --date 2026-08-01 --pledge 1
expect 0 "s3: payment in 2027" fl contribute --donor NOR --fund VFTC --currency USD \
	--amount 200000.00 --bank-ref NO-2027-1 --date 2027-09-01 --pledge 1
recorded 7 match "s3: seven entries"
rec 0 "s3 as of 2026-06-30" --as-of 2026-06-30
pledge 1 '{"status": "open", "years": [2026, 2027, 2028], "paid": "0.00",
	"outstanding": "1000000.00", "overdue": "0.00", "next_due": "2026-06-30"}' \
	"s3: on the first due date nothing is overdue"
rec 0 "s3 as of 2026-07-01" --as-of 2026-07-01
pledge 1 '{"status": "overdue", "paid": "0.00", "overdue": "333333.34",
	"next_due": "2026-06-30"}' "s3: the first instalment, with the leftover cent, is overdue"
rec 0 "s3 as of 2026-08-01" --as-of 2026-08-01
pledge 1 '{"status": "partially paid", "paid": "333333.34", "outstanding": "666666.66",
	"overdue": "0.00", "next_due": "2027-06-30", "matches": 1}' \
	"s3: the 2026 payment covers the first instalment"
rec 0 "s3 as of 2027-07-01" --as-of 2027-07-01
pledge 1 '{"status": "overdue", "paid": "333333.34", "outstanding": "666666.66",
	"overdue": "333333.33", "next_due": "2027-06-30"}' "s3: the second instalment is overdue"
pledge 2 '{"status": "overdue", "overdue": "500.01", "next_due": "2026-12-31"}' \
	"s3: EUR pledge: the first instalment, 500.01, fell due 2026-12-31"
jis '[.totals.usd.overdue, .totals.usd.pledges_without_rate,
	(.totals.currencies[] | select(.currency == "EUR") | .overdue)]' '["333333.33", 1, "500.01"]' \
	"s3: USD overdue leaves out the pledge without a rate, which is counted"
jis '.pledges[] | select(.seq == 2) | [has("usd_pledged"), .usd_pledged, .fx_difference]' \
	'[true, null, null]' "s3: a pledge without a rate on its date has null USD figures"
rec 0 "s3 as of 2027-12-31" --as-of 2027-12-31
pledge 1 '{"status": "overdue", "paid": "533333.34", "outstanding": "466666.66",
	"overdue": "133333.33", "next_due": "2027-06-30", "matches": 2}' \
	"s3: after the 2027 payment, 133,333.33 of the second instalment is still overdue"
identity 1 "" "s3: the identity at the end of 2027"
rec 0 "s3 as of 2028-07-01" --as-of 2028-07-01
pledge 1 '{"status": "overdue", "outstanding": "466666.66", "overdue": "466666.66"}' \
	"s3: once every instalment is due, overdue is all that is outstanding"
pledge 2 '{"status": "overdue", "overdue": "1000.01", "next_due": "2026-12-31"}' \
	"s3: EUR pledge: both instalments overdue"
rec 0 "s3 as of 2026-12-31" --as-of 2026-12-31
pledge 2 '{"status": "open", "overdue": "0.00", "next_due": "2026-12-31"}' \
	"s3: no due date: an instalment falls due on 31 December, and is not overdue that day"
rec 0 "s3 as of 2028-02-29" --as-of 2028-02-29
pledge 3 '{"status": "open", "overdue": "0.00", "next_due": "2028-02-29"}' \
	"s3: 29 February pledge, on its first due date"
rec 0 "s3 as of 2029-02-28" --as-of 2029-02-28
pledge 3 '{"status": "overdue", "overdue": "150.00"}' \
	"s3: on 2029-02-28 (the second due date) only the first instalment is overdue"
rec 0 "s3 as of 2029-03-01" --as-of 2029-03-01
pledge 3 '{"status": "overdue", "overdue": "300.00"}' \
	"s3: the second instalment fell due 2029-02-28, not 1 March"

# ==== 4. One payment for two pledges ========================================================
# 1 pledge IRL -> UPRP, USD 300,000.00 for 2026 (next due 2026-12-31)
# 2 pledge IRL -> UPRP, USD 200,000.00 for 2026 (next due 2026-12-31)
# 3 pledge IRL -> UPRP, USD 100,000.00 for 2027 (next due 2027-12-31)
# 4 contribution USD 500,000.00 on 2026-02-15, naming no pledge
# Candidates by next due date, then seq: 1, 2, 3. Exact: 500,000.00 is none of 300,000.00,
# 200,000.00, 100,000.00. Several: 300,000.00 < 500,000.00; 300,000.00 + 200,000.00 =
# 500,000.00: rule "several", 300,000.00 to pledge 1 and 200,000.00 to pledge 2. Exit 1.
# --apply records two match entries, 5 and 6; pledges 1 and 2 are then paid, 3 still open,
# nothing left to decide: exit 0. A second --apply records nothing.
fresh s4
expect 0 "s4: pledge of 300,000.00" fl pledge --donor IRL --fund UPRP --currency USD \
	--amount 300000.00 --years 2026 --date 2026-01-05
expect 0 "s4: pledge of 200,000.00" fl pledge --donor IRL --fund UPRP --currency USD \
	--amount 200000.00 --years 2026 --date 2026-01-20
expect 0 "s4: pledge of 100,000.00 for 2027" fl pledge --donor IRL --fund UPRP --currency USD \
	--amount 100000.00 --years 2027 --date 2026-01-20
expect 0 "s4: one payment of 500,000.00" fl contribute --donor IRL --fund UPRP --currency USD \
	--amount 500000.00 --bank-ref IE-2026-1 --date 2026-02-15
rec 1 "s4 before --apply"
jis '.receipts' '[{"contribution": 4, "rule": "several", "fund": "UPRP", "donor": "IRL",
	"currency": "USD", "date": "2026-02-15", "unapplied": "500000.00",
	"pledges": [{"pledge": 1, "amount": "300000.00"}, {"pledge": 2, "amount": "200000.00"}],
	"reason": "the amount is what the 2 oldest open pledges have outstanding together"}]' \
	"s4: rule several splits 500,000.00 into 300,000.00 and 200,000.00"
jis '[.totals.receipts.proposed, .totals.usd.unapplied, .discrepancies]' '[1, "500000.00", 1]' \
	"s4: one proposal; 500,000.00 not yet applied"
expect 1 "s4: CSV before --apply" fl reconcile --format csv
same "$(grep '^receipt,' "$OUT")" "receipt,several,4,1:300000.00;2:200000.00,UPRP,IRL,USD,2026-02-15,,500000.00,,,,,,,,,,,,,,,,the amount is what the 2 oldest open pledges have outstanding together" \
	"s4 CSV: the receipt row names both pledges with their amounts"
expect 1 "s4: text before --apply" fl reconcile
contains "$OUT" "^  contribution 4 \(IRL to UPRP, USD 500,000.00, 2026-02-15\): propose split -> pledge 1:300,000.00;2:200,000.00 \[several: " \
	"s4 text: the split proposal"
contains "$OUT" "^1 item needs a decision$" "s4 text: one item needs a decision"
H0=$(digest)
expect 0 "s4: --apply" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 2 matches and 0 bank matches (entries 5-6)" \
	"s4: --apply records two matches"
same "$(count)" 6 "s4: six entries"
fl log --kind match --format json >"$T/matches.json"
same "$(jq -c '[.[] | [.seq, .contribution, .pledge, .amount]]' "$T/matches.json")" \
	'[[5,4,1,"300000.00"],[6,4,2,"200000.00"]]' "s4: the two match entries"
rec 0 "s4 after --apply"
pledge 1 '{"status": "paid", "paid": "300000.00", "outstanding": "0.00"}' "s4: pledge 1 paid"
pledge 2 '{"status": "paid", "paid": "200000.00", "outstanding": "0.00"}' "s4: pledge 2 paid"
pledge 3 '{"status": "open", "paid": "0.00", "outstanding": "100000.00"}' "s4: pledge 3 open"
jis '[((.receipts // []) | length), .totals.pledges.paid, .discrepancies]' '[0, 2, 0]' \
	"s4: nothing left to decide"
H1=$(digest)
expect 0 "s4: --apply again" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 0 matches and 0 bank matches" \
	"s4: the second --apply applies nothing"
same "$(count)" 6 "s4: the second --apply appends nothing"
same "$(digest)" "$H1" "s4: nor changes the file"
expect 0 "s4: --apply in JSON" fl reconcile --apply --format json
if jq -e . "$OUT" >/dev/null 2>&1; then
	ok "s4: --apply --format json: stdout is one JSON document"
else
	not_ok "s4: --apply --format json: stdout is one JSON document"
fi
contains "$ERR" "^applied 0 matches and 0 bank matches$" "s4: ... and the applied line is on stderr"

# ---- --fund and --donor, on this ledger plus two pledges ----
# 7 pledge NZL -> UPRP, USD 10,000.00; 8 pledge IRL -> VFTC, USD 20,000.00.
expect 0 "s4: a UPRP pledge of another donor" fl pledge --donor NZL --fund UPRP \
	--currency USD --amount 10000.00 --years 2026 --date 2026-02-01
expect 0 "s4: a VFTC pledge of IRL" fl pledge --donor IRL --fund VFTC --currency USD \
	--amount 20000.00 --years 2026 --date 2026-02-01
rec 0 "s4 --fund UPRP" --fund UPRP
jis '[.fund, .donor, [.pledges[].seq]]' '["UPRP", null, [1, 2, 3, 7]]' \
	"s4: --fund UPRP: the UPRP pledges of every donor"
jis '.totals.currencies[0].pledged' '"610000.00"' \
	"s4: --fund UPRP totals 300,000 + 200,000 + 100,000 + 10,000 = 610,000.00"
rec 0 "s4 --donor IRL" --donor IRL
jis '[.fund, .donor, [.pledges[].seq]]' '[null, "IRL", [1, 2, 3, 8]]' \
	"s4: --donor IRL: IRL's pledges to every fund"
rec 0 "s4 --fund VFTC --donor IRL" --fund VFTC --donor IRL
jis '[[.pledges[].seq], .totals.currencies[0].pledged, .totals.currencies[0].received]' \
	'[[8], "20000.00", "0.00"]' "s4: both filters: one pledge; the UPRP receipt is not counted"
rec 0 "s4 --donor NZL" --donor NZL
jis '[[.pledges[].seq], .totals.currencies[0].received]' '[[7], "0.00"]' \
	"s4: --donor NZL: its pledge only, none of IRL's receipts"
H2=$(digest)
expect 2 "s4: an unknown fund is a usage error (FL_ENOTFOUND -> exit 2)" \
	fl reconcile --fund NOPE
contains "$ERR" "^fundledger: unknown fund 'NOPE'$" "s4: the unknown fund is named"
expect 2 "s4: an unknown donor is a usage error" fl reconcile --donor XXX --format json
contains "$ERR" "^fundledger: unknown donor 'XXX'$" "s4: the unknown donor is named"
expect 2 "s4: a bad --as-of" fl reconcile --as-of 2026-02-30
expect 2 "s4: a bad --format" fl reconcile --format xml
expect 2 "s4: reconcile takes no operands" fl reconcile 7
same "$(digest)" "$H2" "s4: the refused runs left the file as it was"

# ==== 5. Cross-currency settlement with an exchange difference =============================
# 1 rate EUR 0.92 from 2026-01-01   2 rate CHF 0.90 from 2026-01-01
# 3 rate EUR 0.95 from 2026-02-01   4 rate CHF 0.87 from 2026-02-01
# 5 pledge CHE -> VFTC, EUR 200,000.00 for 2026, dated 2026-01-20 (EUR rate that day: 0.92)
# 6 contribution CHF 100,000.00 on 2026-02-10 naming 5 (rates that day: CHF 0.87, EUR 0.95)
# 7 its match:
#   usd     = 10,000,000 c * 10^6 / 870,000 = 11,494,252.87 -> 114,942.53
#   settled = 10,000,000 * 10^2 * 950,000 / (870,000 * 10^2) = 10,000,000 * 95 / 87
#           = 10,919,540.23 -> EUR 109,195.40
# Pledge 5: paid 109,195.40; outstanding 200,000.00 - 109,195.40 = 90,804.60; partially paid.
#   usd_pledged = 20,000,000 / 0.92 = 21,739,130.43 -> 217,391.30
#   usd_paid    = 10,919,540 / 0.92 = 11,869,065.22 -> 118,690.65
#   usd_outstanding = 217,391.30 - 118,690.65 - 0.00 = 98,700.65
#   usd_received = 114,942.53; fx_difference = 114,942.53 - 118,690.65 = -3,748.12
# Totals: CHF received and applied 100,000.00; the EUR row has the pledge and receives nothing.
# Then 8, a contribution of USD 95,000.00 on 2026-02-20 naming nothing: it settles 9,500,000 *
# 950,000 / 1,000,000 = EUR 90,250.00 of pledge 5, which has 90,804.60 outstanding; the
# difference 554.60 is 0.61% of it, within 2%: rule "exact" across currencies. Exit 1.
# --apply records it (entry 9): paid 109,195.40 + 90,250.00 = 199,445.40, outstanding 554.60,
# still partially paid; usd_paid 19,944,540 / 0.92 = 21,678,847.83 -> 216,788.48;
# usd_outstanding 217,391.30 - 216,788.48 = 602.82; usd_received 114,942.53 + 95,000.00 =
# 209,942.53; fx_difference 209,942.53 - 216,788.48 = -6,845.95.
fresh s5
expect 0 "s5: EUR rate January" fl rate --currency EUR --rate 0.92 --date 2026-01-01
expect 0 "s5: CHF rate January" fl rate --currency CHF --rate 0.90 --date 2026-01-01
expect 0 "s5: EUR rate February" fl rate --currency EUR --rate 0.95 --date 2026-02-01
expect 0 "s5: CHF rate February" fl rate --currency CHF --rate 0.87 --date 2026-02-01
expect 0 "s5: EUR pledge" fl pledge --donor CHE --fund VFTC --currency EUR --amount 200000.00 \
	--years 2026 --date 2026-01-20
recorded 5 pledge "s5: the pledge is entry 5"
expect 0 "s5: paid in CHF" fl contribute --donor CHE --fund VFTC --currency CHF \
	--amount 100000.00 --bank-ref CH-2026-1 --date 2026-02-10 --pledge 5
recorded 7 match "s5: its match is entry 7"
expect 0 "s5: show the match" fl show 7 --format json
same "$(jq -c '[.amount, .usd, .settled_minor]' "$OUT")" '["100000.00","114942.53",10919540]' \
	"s5: the match: CHF 100,000.00 = USD 114,942.53, settles EUR 109,195.40"
rec 0 "s5 after the CHF payment"
pledge 5 '{"status": "partially paid", "currency": "EUR", "pledged": "200000.00",
	"paid": "109195.40", "written_off": "0.00", "outstanding": "90804.60", "overdue": "0.00",
	"usd_pledged": "217391.30", "usd_paid": "118690.65", "usd_written_off": "0.00",
	"usd_outstanding": "98700.65", "usd_received": "114942.53", "fx_difference": "-3748.12"}' \
	"s5: CHF 100,000.00 settles EUR 109,195.40; exchange difference -3,748.12"
identity 5 "" "s5: the identity in EUR"
identity 5 usd_ "s5: the identity in USD at the pledge date's rate"
jis '[.totals.currencies[] | [.currency, .pledges, .pledged, .paid, .received, .applied]]' \
	'[["CHF", 0, "0.00", "0.00", "100000.00", "100000.00"],
	  ["EUR", 1, "200000.00", "109195.40", "0.00", "0.00"]]' \
	"s5: pledges count in the pledge's currency, receipts in their own"
jis '[.totals.usd.received_applied, .totals.usd.fx_difference]' '["114942.53", "-3748.12"]' \
	"s5: USD totals carry the exchange difference"
expect 0 "s5: a USD payment naming no pledge" fl contribute --donor CHE --fund VFTC \
	--currency USD --amount 95000.00 --bank-ref CH-2026-2 --date 2026-02-20
rec 1 "s5 before --apply"
jis '.receipts[0] | [.contribution, .rule, .unapplied, .pledges]' \
	'[8, "exact", "95000.00", [{"pledge": 5, "amount": "95000.00"}]]' \
	"s5: USD 95,000.00 = EUR 90,250.00, within 2% of the 90,804.60 outstanding: exact"
jis '.receipts[0].reason' '"the amount converts to what pledge 5 has outstanding"' \
	"s5: the reason says it converts"
expect 0 "s5: --apply" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 1 match and 0 bank matches (entries 9-9)" "s5: applied"
rec 0 "s5 after --apply"
pledge 5 '{"status": "partially paid", "paid": "199445.40", "outstanding": "554.60",
	"matches": 2, "usd_paid": "216788.48", "usd_outstanding": "602.82",
	"usd_received": "209942.53", "fx_difference": "-6845.95"}' \
	"s5: EUR 554.60 left; exchange difference -6,845.95"
identity 5 usd_ "s5: the USD identity after both payments"

# ==== 6. A write-off ========================================================================
# 1 rate GBP 0.8 from 2025-01-01
# 2 pledge GBR -> UPRP, GBP 50,000.02 for 2025 (due 2025-12-31)
# 3 contribution GBP 30,000.00 on 2025-06-01 naming 2; 4 its match
# 5 write-off of all that is left, dated 2026-02-01: 50,000.02 - 30,000.00 = 20,000.02
# USD at 0.8: pledged 5,000,002 / 0.8 = 6,250,002.5, a tie, to even: 6,250,002 -> 62,500.02;
# paid 3,000,000 / 0.8 = 3,750,000 -> 37,500.00; written off 2,000,002 / 0.8 = 2,500,002.5 ->
# 2,500,002 -> 25,000.02.
# As of 2026-01-15 (before the write-off): outstanding 20,000.02, all overdue; usd_outstanding
# 62,500.02 - 37,500.00 = 25,000.02.
# As of today: 50,000.02 = 30,000.00 + 20,000.02 + 0.00: "written off", nothing overdue, no
# next due; in USD 62,500.02 = 37,500.00 + 25,000.02 + 0.00. Exit 0.
fresh s6
expect 0 "s6: GBP rate" fl rate --currency GBP --rate 0.8 --date 2025-01-01
expect 0 "s6: pledge" fl pledge --donor GBR --fund UPRP --currency GBP --amount 50000.02 \
	--years 2025 --date 2025-03-01
expect 0 "s6: part payment" fl contribute --donor GBR --fund UPRP --currency GBP \
	--amount 30000.00 --bank-ref GB-2025-1 --date 2025-06-01 --pledge 2
expect 0 "s6: write off the rest" fl writeoff 2 --all --date 2026-02-01 \
	--reason "donor confirmed no further payment"
recorded 5 writeoff "s6: the write-off is entry 5"
rec 0 "s6 as of 2026-01-15" --as-of 2026-01-15
pledge 2 '{"status": "overdue", "paid": "30000.00", "written_off": "0.00",
	"outstanding": "20000.02", "overdue": "20000.02", "usd_pledged": "62500.02",
	"usd_outstanding": "25000.02"}' "s6: before the write-off the rest is overdue"
rec 0 "s6 as of today"
pledge 2 '{"status": "written off", "pledged": "50000.02", "paid": "30000.00",
	"written_off": "20000.02", "outstanding": "0.00", "overdue": "0.00", "next_due": null,
	"usd_pledged": "62500.02", "usd_paid": "37500.00", "usd_written_off": "25000.02",
	"usd_outstanding": "0.00", "usd_received": "37500.00", "fx_difference": "0.00"}' \
	"s6: written off; USD ties rounded to even"
identity 2 "" "s6: 50,000.02 = 30,000.00 + 20,000.02 + 0.00"
identity 2 usd_ "s6: 62,500.02 = 37,500.00 + 25,000.02 + 0.00"
jis '[.totals.currencies[0].written_off, .totals.usd.written_off, .totals.pledges.written_off,
	.discrepancies]' '["20000.02", "25000.02", 1, 0]' "s6: totals count the write-off"
expect 2 "s6: nothing is left to write off" fl writeoff 2 --all --reason again
same "$(count)" 5 "s6: nothing written by the refused write-off"

# ==== 7. A reversed contribution ============================================================
# 1 rate JPY 156.5 from 2026-01-01
# 2 pledge JPN -> UPRI, JPY 20,000,000 for 2026 (JPY has no decimals)
# 3 contribution JPY 5,000,000 on 2026-02-03 naming 2; 4 its match
# Before the reversal: paid 5,000,000, outstanding 15,000,000, partially paid. USD:
#   pledged 20,000,000 * 10^8 / 156,500,000 = 12,779,552.7 -> 127,795.53; paid 5,000,000 *
#   10^8 / 156,500,000 = 3,194,888.18 -> 31,948.88, received the same.
# 5 reversal of the contribution: its match no longer stands. Paid 0, outstanding 20,000,000,
#   no matches, usd_paid and usd_received 0.00: "open" today, "overdue" (20,000,000) as of
#   2027-01-01. The reversed receipt is not proposed again. Exit 0.
fresh s7
expect 0 "s7: JPY rate" fl rate --currency JPY --rate 156.5 --date 2026-01-01
expect 0 "s7: pledge" fl pledge --donor JPN --fund UPRI --currency JPY --amount 20000000 \
	--years 2026 --date 2026-01-20
expect 0 "s7: contribution" fl contribute --donor JPN --fund UPRI --currency JPY \
	--amount 5000000 --bank-ref JP-2026-1 --date 2026-02-03 --pledge 2
rec 0 "s7 before the reversal"
pledge 2 '{"status": "partially paid", "paid": "5000000", "outstanding": "15000000",
	"matches": 1, "usd_pledged": "127795.53", "usd_paid": "31948.88",
	"usd_received": "31948.88"}' "s7: JPY 5,000,000 paid"
expect 0 "s7: reverse the contribution" fl reverse 3 --reason "payment recalled by the bank"
recorded 5 reversal "s7: the reversal is entry 5"
rec 0 "s7 after the reversal"
pledge 2 '{"status": "open", "paid": "0", "written_off": "0", "outstanding": "20000000",
	"overdue": "0", "matches": 0, "usd_paid": "0.00", "usd_outstanding": "127795.53",
	"usd_received": "0.00", "fx_difference": "0.00"}' "s7: the match stops counting: open"
jis '[((.receipts // []) | length), .totals.currencies[0].received, .discrepancies]' \
	'[0, "0", 0]' "s7: the reversed contribution is neither received nor proposed"
rec 0 "s7 after the reversal, as of 2027-01-01" --as-of 2027-01-01
pledge 2 '{"status": "overdue", "outstanding": "20000000", "overdue": "20000000"}' \
	"s7: and overdue once its due date has passed"

# ==== 8. A duplicate statement import =======================================================
# statements-usd.csv: 2 statements, 5 + 1 booked lines: 8 entries (1-8).
# camt053-001.02-usd.xml: 1 statement, 4 booked lines (the PDNG one skipped): 5 entries (9-13).
# stmt-usd-2026-02.csv (ours, another account): 1 statement, 2 lines: 3 entries (14-16).
# Importing any of them again, under any name, writes nothing and says "already recorded". The
# same statement with other content, or a line of it in a new statement, is refused.
fresh s8
cp "$VEC/statements-usd.csv" "$VEC/camt053-001.02-usd.xml" "$T"/
expect 0 "s8: import a CSV statement file" fl statement import statements-usd.csv
same "$(cat "$OUT")" \
	"statements-usd.csv: 2 statements with 6 lines, 8 new entries (1-8), 0 already recorded" \
	"s8: two statements and six lines recorded"
expect 0 "s8: import it again" fl statement import statements-usd.csv
same "$(cat "$OUT")" \
	"statements-usd.csv: 2 statements with 6 lines, 0 new entries, 8 already recorded" \
	"s8: the second import says everything is already recorded"
same "$(count)" 8 "s8: entry count unchanged by the second import"
cp statements-usd.csv renamed.csv
expect 0 "s8: the same statements under another name" fl statement import renamed.csv
same "$(cat "$OUT")" "renamed.csv: 2 statements with 6 lines, 0 new entries, 8 already recorded" \
	"s8: statements are known by account and id, not by file"
expect 0 "s8: import a camt.053 file" fl statement import camt053-001.02-usd.xml
same "$(cat "$OUT")" \
	"camt053-001.02-usd.xml: 1 statement with 4 lines, 5 new entries (9-13), 0 already recorded" \
	"s8: camt.053: the booked lines only"
expect 0 "s8: import the camt.053 file again" fl statement import camt053-001.02-usd.xml
same "$(cat "$OUT")" \
	"camt053-001.02-usd.xml: 1 statement with 4 lines, 0 new entries, 5 already recorded" \
	"s8: camt.053 again: already recorded"
expect 0 "s8: our February statement" fl statement import stmt-usd-2026-02.csv
same "$(cat "$OUT")" \
	"stmt-usd-2026-02.csv: 1 statement with 2 lines, 3 new entries (14-16), 0 already recorded" \
	"s8: three more entries"
same "$(count)" 16 "s8: sixteen entries"
expect 0 "s8: verify" fl verify
contains "$OUT" "^OK 16 entries, head [0-9a-f]{64}$" "s8: verify passes with 16 entries"
BASE=$(state)
expect 2 "s8: the February statement with another line is refused" \
	fl statement import conflict-feb.csv
contains "$ERR" "^fundledger: conflict-feb\.csv:2: statement VFTC-USD-2026-02: .*already recorded as entry 14 with other content$" \
	"s8: the conflict names the statement's line and entry"
same "$(state)" "$BASE" "s8: nothing written for the conflicting statement"
expect 2 "s8: a new statement reusing a recorded line reference is refused" \
	fl statement import reused-line.csv
contains "$ERR" "^fundledger: reused-line\.csv:3: line UBS-20260210-000101: .*already recorded as entry 15" \
	"s8: the reused line is named"
same "$(state)" "$BASE" "s8: nothing written for the reused line"

# ---- malformed statements: a clear FILE:LINE message, exit 2, nothing written ----
# badstmt FILE LINE REGEX DESC: importing FILE (in $T) fails with exit 2 and
# "fundledger: FILE:LINE: " then REGEX on stderr, prints nothing, and writes nothing.
badstmt() {
	expect 2 "$4: exit 2" fl statement import "$1"
	contains "$ERR" "^fundledger: $(echo "$1" | sed 's/\./\\./g'):$2: $3" "$4: names $1:$2"
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$4: nothing on stdout"
	same "$(state)" "$BASE" "$4: count unchanged and verify passes"
}
cp "$VEC"/bad-* "$T"/
badstmt bad-truncated.xml 33 "not well-formed XML: " "truncated camt.053"
badstmt bad-namespace.xml 2 "not a camt.053 statement: namespace 'urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.08'" \
	"camt.054 namespace"
badstmt bad-version.xml 2 "not a camt.053 statement: namespace '.*camt\.053\.001\.09'" \
	"camt.053.001.09"
badstmt bad-no-namespace.xml 2 "not a camt.053 statement: element 'Document' has no namespace" \
	"no namespace"
badstmt bad-doctype.xml 2 "a DOCTYPE declaration is not allowed in a statement$" "a DOCTYPE"
badstmt bad-ccy-mismatch.xml 40 "amount in 'USD', but the statement is in EUR$" \
	"a USD amount in a EUR statement"
badstmt bad-unknown-currency.xml 12 "unknown currency 'XTS'$" "an unknown currency"
badstmt bad-decimals.xml 27 "amount '500\.005' has more decimals than EUR has \(2\)$" \
	"too many decimals"
badstmt bad-duplicate-ref.xml 39 "reference 'KBC-20260201-0001' is already used on line 26$" \
	"a reference used twice (camt.053)"
badstmt bad-arithmetic.xml 20 "closing balance EUR 1490\.01 does not add up: opening \+ credits - debits is EUR 1490\.00$" \
	"a closing balance that does not add up (camt.053)"
badstmt bad-no-closing.xml 8 "statement 'VFTC-EUR-20260201' has no closing balance \(CLBD\)$" \
	"no closing balance (camt.053)"
badstmt bad-header.csv 1 "header column 4 is 'booking_date', expected 'date'" "a wrong CSV header"
badstmt bad-type.csv 4 "type 'refund' is not one of opening, closing, credit, debit, credit-reversal, debit-reversal$" \
	"an unknown line type"
badstmt bad-duplicate-ref.csv 6 "reference 'UBS-20260914-000051' is already used on line 3$" \
	"a reference used twice (CSV, across statements)"
# Ours (tests/cli/data/reconcile/): a good first statement does not get written when the
# second is bad; 95,955.00 + 5,000.00 - 45.00 = 100,910.00, not 100,910.01.
badstmt bad-second-statement.csv 8 "closing balance USD 100910\.01 does not add up: opening \+ credits - debits is USD 100910\.00$" \
	"a bad second statement after a good first one"
badstmt bad-fields.csv 3 "10 fields, the header has 11$" "a row with a field missing"
badstmt bad-sign.csv 3 "amount '-20000\.00' has a sign" "a signed line amount"
badstmt bad-opening-ref.csv 2 "ref must be empty on the opening row$" "a ref on the opening row"
badstmt bad-no-closing.csv 2 "statement 'VFTC-USD-2026-03' has no closing row$" \
	"a CSV statement without closing row"
badstmt bad-date.csv 3 "value_date '2026-02-30' is not a date" "an impossible value date"
badstmt bad-interleaved.csv 3 "row of statement 'VFTC-USD-2026-04' .*rows of a statement must be contiguous" \
	"rows of two statements interleaved"
expect 3 "s8: a statement file that does not exist" fl statement import missing.xml
contains "$ERR" "^fundledger: missing\.xml: cannot open: No such file or directory$" \
	"s8: the missing file is named"
same "$(state)" "$BASE" "s8: nothing written for a missing file"
expect 2 "s8: statement import takes one file" fl statement import a.csv b.csv

# ==== 9. A statement line with no contribution ==============================================
# 1 statement CH56..., 2026-02-01 to 2026-02-28: 1,000.00 + 75,000.00 - 45.00 = 75,955.00
# 2 line: credit USD 75,000.00, value date 2026-02-09, end-to-end id CL-MINREL-2026-1
# 3 line: debit USD 45.00 (the account fee)
# With no contribution: line 2 is "bank only" (a discrepancy), line 3 "other" (not a
# contribution, not a discrepancy): exit 1, one discrepancy.
# 4 contribution CHL -> VFTC USD 75,000.00 on 2026-02-10, bank ref CL-MINREL-2026-1
# 5 contribution MEX -> VFTC USD 75,000.00 on 2026-02-12, bank ref MX-SRE-2026-4
# Line 2's end-to-end id is contribution 4's bank ref, amounts equal, 1 day apart: "proposed"
# by reference. Contribution 5 (in the covered period, no line) is "ledger only". Two
# discrepancies; the receipts match no pledge, which is not a discrepancy.
# docs/RECONCILE.md: matching always runs over every contribution and --donor only narrows what
# is reported; a lone line is reported only without the options. So --donor MEX reports just
# contribution 5, ledger only, and never pairs line 2 with it; --donor CHL just the proposed
# pair. --apply (no options) records the bank match (entry 6). Reversing contribution 5 (entry
# 7, recorded twice by mistake) leaves nothing to decide: exit 0, "Reconciled".
fresh s9
expect 0 "s9: import the February statement" fl statement import stmt-usd-2026-02.csv
rec 1 "s9 with no contribution"
jis '[.bank[] | [.class, .line, .contribution, .line_amount, .line_date, .ref]]' \
	'[["other", 3, null, "-45.00", "2026-02-27", "UBS-20260227-FEE0001"],
	  ["bank only", 2, null, "75000.00", "2026-02-09", "UBS-20260210-000101"]]' \
	"s9: the credit is bank only, the fee is other"
jis '[.totals.bank.statements, .totals.bank.bank_only, .totals.bank.other, .discrepancies]' \
	'[1, 1, 1, 1]' "s9: one bank-only line, one discrepancy"
expect 1 "s9: text report" fl reconcile
contains "$OUT" "^  bank only   line 2 \(UBS-20260210-000101, USD 75,000.00, 2026-02-09\): no contribution recorded$" \
	"s9 text: the bank-only line"
contains "$OUT" "^1 item needs a decision$" "s9 text: one item needs a decision"
expect 0 "s9: the Chilean contribution" fl contribute --donor CHL --fund VFTC --currency USD \
	--amount 75000.00 --bank-ref CL-MINREL-2026-1 --date 2026-02-10
expect 0 "s9: a Mexican contribution of the same amount" fl contribute --donor MEX --fund VFTC \
	--currency USD --amount 75000.00 --bank-ref MX-SRE-2026-4 --date 2026-02-12
H0=$(digest)
rec 1 "s9 with both contributions"
jis '[.bank[] | [.class, .line, .contribution]]' \
	'[["other", 3, null], ["proposed", 2, 4], ["ledger only", null, 5]]' \
	"s9: line 2 proposed with contribution 4 by reference; 5 ledger only"
jis '.bank[] | select(.class == "proposed") | .reason' '"bank reference CL-MINREL-2026-1"' \
	"s9: the pair is proposed by the bank reference"
jis '[[.receipts[].rule], .totals.receipts.unpledged, .discrepancies]' '[["none", "none"], 2, 2]' \
	"s9: the unpledged receipts are reported, not counted as discrepancies"
rec 1 "s9 --donor MEX" --donor MEX
jis '[(.bank // [])[] | [.class, .line, .contribution]]' '[["ledger only", null, 5]]' \
	"s9: --donor MEX: only contribution 5, ledger only (matching runs over every contribution)"
jis '[(.bank // [])[] | select(.line == 2 and .contribution == 5)] | length' '0' \
	"s9: --donor MEX never pairs CHL's line with MEX's contribution"
rec 1 "s9 --donor CHL" --donor CHL
jis '[(.bank // [])[] | [.class, .line, .contribution]]' '[["proposed", 2, 4]]' \
	"s9: --donor CHL: only the proposed pair (lone lines are not reported with a filter)"
same "$(digest)" "$H0" "s9: the reports with discrepancies left the file as it was"
expect 1 "s9: --apply" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 0 matches and 1 bank match (entries 6-6)" \
	"s9: --apply confirms the proposed pair"
expect 0 "s9: show the bank match" fl show 6 --format json
same "$(jq -c '[.kind, .line, .contribution]' "$OUT")" '["bankmatch",2,4]' \
	"s9: entry 6 confirms line 2 as contribution 4"
expect 0 "s9: reverse the Mexican contribution" fl reverse 5 --reason "recorded twice"
rec 0 "s9 reconciled"
jis '[[.bank[] | .class], .totals.bank.matched, .discrepancies]' '[["other"], 1, 0]' \
	"s9: one line matched, only the fee left, which needs no decision"
expect 0 "s9: text report, reconciled" fl reconcile
contains "$OUT" "^Reconciled: nothing needs a decision$" "s9 text: says Reconciled"
H1=$(digest)
expect 0 "s9: --apply on a reconciled ledger" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 0 matches and 0 bank matches" "s9: nothing to apply"
same "$(count)" 7 "s9: the second --apply appends nothing"
same "$(digest)" "$H1" "s9: nor changes the file"

# The same ledger up to entry 5, then `--apply --donor MEX`: whatever it applies, it must not
# confirm line 2 (Chile's payment, which names CL-MINREL-2026-1) as Mexico's contribution 5, a
# pair the unfiltered matching never proposes.
fresh s9b
expect 0 "s9b: the February statement" fl statement import stmt-usd-2026-02.csv
expect 0 "s9b: the Chilean contribution" fl contribute --donor CHL --fund VFTC --currency USD \
	--amount 75000.00 --bank-ref CL-MINREL-2026-1 --date 2026-02-10
expect 0 "s9b: the Mexican contribution" fl contribute --donor MEX --fund VFTC \
	--currency USD --amount 75000.00 --bank-ref MX-SRE-2026-4 --date 2026-02-12
fl reconcile --apply --donor MEX >/dev/null 2>&1
same "$(fl log --kind bankmatch --format json | jq '[.[] | select(.line == 2 and .contribution == 5)] | length')" \
	0 "s9b: --apply --donor MEX does not confirm line 2 as contribution 5"

# ==== 10. A contribution with no statement line =============================================
# 1-3 the February statement (USD, 2026-02-01 to 2026-02-28), as in 9
# 4 contribution CHL USD 75,000.00 on 2026-02-10, bank ref CL-MINREL-2026-1
# 5 contribution ARG USD 10,000.00 on 2026-02-20: within the covered days, no line
# 6 contribution ARG USD 5,000.00 on 2026-03-05: after the last covered day
# 7 bank match of line 2 and contribution 4, by hand (`match LINE CONTRIBUTION`)
# As of 2026-03-10: contribution 5 is "ledger only" (exit 1, one discrepancy); 6 is not
# compared with the bank (no statement covers 2026-03-05); line 2 is matched.
# 8 `unmatch 2 4` reverses 7: the pair is proposed again. 9 `match 2 5`, a wrong pair by hand:
# amounts 75,000.00 and 10,000.00 differ, a "difference"; contribution 4 is then ledger only.
# 10 `unmatch 9` reverses it.
fresh s10
expect 0 "s10: import the February statement" fl statement import stmt-usd-2026-02.csv
expect 0 "s10: the Chilean contribution" fl contribute --donor CHL --fund VFTC --currency USD \
	--amount 75000.00 --bank-ref CL-MINREL-2026-1 --date 2026-02-10
expect 0 "s10: an Argentine contribution the bank does not show" fl contribute --donor ARG \
	--fund VFTC --currency USD --amount 10000.00 --bank-ref AR-2026-7 --date 2026-02-20
expect 0 "s10: one after the statement's period" fl contribute --donor ARG --fund VFTC \
	--currency USD --amount 5000.00 --bank-ref AR-2026-8 --date 2026-03-05
expect 0 "s10: confirm line 2 as contribution 4 by hand" fl match 2 4
recorded 7 bankmatch "s10: the bank match is entry 7"
rec 1 "s10 as of 2026-03-10" --as-of 2026-03-10
jis '[.bank[] | [.class, .line, .contribution]]' '[["other", 3, null], ["ledger only", null, 5]]' \
	"s10: contribution 5 is ledger only; 6 is outside the statement's days"
jis '.bank[] | select(.class == "ledger only") | [.ledger_amount, .ledger_date, .donor, .reason]' \
	'["10000.00", "2026-02-20", "ARG", "no statement line; statements cover USD"]' \
	"s10: the ledger-only item"
jis '[.totals.bank.matched, .totals.bank.ledger_only, .discrepancies]' '[1, 1, 1]' \
	"s10: one matched line, one ledger-only contribution"
rec 1 "s10 --fund VFTC" --fund VFTC --as-of 2026-03-10
jis '[(.bank // [])[] | .class]' '["ledger only"]' \
	"s10: --fund VFTC reports the contribution, not the lone fee line"
rec 0 "s10 --fund UPRP" --fund UPRP --as-of 2026-03-10
jis '[((.bank // []) | length), .discrepancies]' '[0, 0]' \
	"s10: --fund UPRP: no bank item is about a UPRP contribution"
expect 0 "s10: unmatch the line and the contribution" fl unmatch 2 4
recorded 8 reversal "s10: the unmatch is reversal 8"
rec 1 "s10 after unmatch" --as-of 2026-03-10
jis '[.bank[] | [.class, .line, .contribution]]' \
	'[["other", 3, null], ["proposed", 2, 4], ["ledger only", null, 5]]' \
	"s10: the pair is proposed again"
expect 0 "s10: a wrong pair by hand" fl match 2 5
recorded 9 bankmatch "s10: bank match 9"
rec 1 "s10 with a wrong pair" --as-of 2026-03-10
jis '[.bank[] | [.class, .line, .contribution, .bankmatch]]' \
	'[["difference", 2, 5, 9], ["other", 3, null, null], ["ledger only", null, 4, null]]' \
	"s10: the wrong pair is a difference; contribution 4 is now ledger only"
jis '.bank[0] | [.line_amount, .ledger_amount, .reason]' \
	'["75000.00", "10000.00", "confirmed by entry 9; the amounts differ"]' \
	"s10: the difference says the amounts differ"
expect 2 "s10: a second bank match of the same line is refused" fl match 2 4
contains "$ERR" "^fundledger: bank line 2 is already matched by entry 9$" "s10: says by which"
expect 0 "s10: unmatch the wrong pair by its entry" fl unmatch 9
expect 1 "s10: --apply" fl reconcile --apply --as-of 2026-03-10
same "$(head -n 1 "$OUT")" "applied 0 matches and 1 bank match (entries 11-11)" \
	"s10: --apply confirms line 2 as contribution 4"
rec 1 "s10 at the end" --as-of 2026-03-10
jis '[[.bank[] | .class], .totals.bank.matched, .discrepancies]' \
	'[["other", "ledger only"], 1, 1]' "s10: still one contribution the bank does not show"

# ==== match and unmatch by hand =============================================================
# 1 pledge SWE -> UPRP USD 100,000.00 for 2026; 2 the same again, a day later
# 3 contribution USD 100,000.00 on 2026-02-01 naming neither
# Both pledges are exact for it and due the same day (2026-12-31): "ambiguous", never applied.
# 4 match 3 -> 2 of 60,000.00 (after 100,000.01 is refused: more than is unapplied);
# 5 match 3 -> 1 of the rest, 40,000.00 (after 40,000.01 is refused). Nothing to decide.
# 6 `unmatch 3 2` reverses 4: pledge 2 is back to 100,000.00 outstanding and 60,000.00 of the
# receipt is unapplied: pledge 1 has exactly 60,000.00 outstanding, rule exact.
# 7 `unmatch 5` reverses 5: ambiguous again.
fresh m
expect 0 "m: first pledge" fl pledge --donor SWE --fund UPRP --currency USD \
	--amount 100000.00 --years 2026 --date 2026-01-05
expect 0 "m: second pledge" fl pledge --donor SWE --fund UPRP --currency USD \
	--amount 100000.00 --years 2026 --date 2026-01-06
expect 0 "m: contribution naming neither" fl contribute --donor SWE --fund UPRP \
	--currency USD --amount 100000.00 --bank-ref SE-2026-1 --date 2026-02-01
rec 1 "m: ambiguous"
jis '.receipts' '[{"contribution": 3, "rule": "ambiguous", "fund": "UPRP", "donor": "SWE",
	"currency": "USD", "date": "2026-02-01", "unapplied": "100000.00",
	"pledges": [{"pledge": 1, "amount": null}, {"pledge": 2, "amount": null}],
	"reason": "pledges 1 and 2 are both due 2026-12-31 for this amount"}]' \
	"m: two pledges due the same day fit exactly: ambiguous"
jis '[.totals.receipts.ambiguous, .discrepancies]' '[1, 1]' "m: one ambiguous receipt"
expect 1 "m: --apply leaves an ambiguous receipt alone" fl reconcile --apply
same "$(head -n 1 "$OUT")" "applied 0 matches and 0 bank matches" "m: nothing applied"
same "$(count)" 3 "m: nothing written by --apply"
expect 2 "m: a match above what is unapplied is refused" fl match 3 2 --amount 100000.01
contains "$ERR" "^fundledger: match of USD 100,000.01 exceeds the USD 100,000.00 of contribution 3 not yet applied$" \
	"m: the refusal says how much is unapplied"
same "$(count)" 3 "m: nothing written by the refused match"
expect 0 "m: match 60,000.00 to pledge 2" fl match 3 2 --amount 60000.00
recorded 4 match "m: match 4"
expect 2 "m: 40,000.01 is more than the 40,000.00 left (pledge given first)" \
	fl match 2 3 --amount 40000.01
contains "$ERR" "exceeds the USD 40,000.00 of contribution 3 not yet applied$" \
	"m: 40,000.00 is what is left"
expect 0 "m: match the rest to pledge 1" fl match 3 1
recorded 5 match "m: match 5"
rec 0 "m: all applied"
pledge 1 '{"status": "partially paid", "paid": "40000.00", "outstanding": "60000.00"}' \
	"m: pledge 1 has 40,000.00"
pledge 2 '{"status": "partially paid", "paid": "60000.00", "outstanding": "40000.00"}' \
	"m: pledge 2 has 60,000.00"
expect 0 "m: unmatch contribution 3 and pledge 2" fl unmatch 3 2
recorded 6 reversal "m: the unmatch records reversal 6"
expect 0 "m: show it" fl show 6 --format json
same "$(jq -c '[.kind, .target]' "$OUT")" '["reversal",4]' "m: reversal 6 reverses match 4"
rec 1 "m: after unmatch 3 2"
pledge 2 '{"status": "open", "paid": "0.00", "outstanding": "100000.00", "matches": 0}' \
	"m: pledge 2's outstanding goes back up to 100,000.00"
jis '.receipts[0] | [.rule, .unapplied, .pledges]' \
	'["exact", "60000.00", [{"pledge": 1, "amount": "60000.00"}]]' \
	"m: the 60,000.00 unapplied is exactly what pledge 1 has outstanding"
expect 0 "m: unmatch by the match entry" fl unmatch 5
rec 1 "m: after unmatch 5"
pledge 1 '{"status": "open", "paid": "0.00", "outstanding": "100000.00"}' \
	"m: pledge 1 back to 100,000.00"
jis '.receipts[0] | [.rule, .unapplied]' '["ambiguous", "100000.00"]' "m: ambiguous again"
# The same unmatch again is the same reversal: replayed, nothing written, and said so the way
# every write command says it (cli_report_append: "already recorded as entry N ...").
expect 0 "m: the same unmatch again is a replay" fl unmatch 5
same "$(count)" 7 "m: the replayed unmatch writes nothing"
contains "$OUT" "^already recorded as entry 7 .*nothing written$" \
	"m: the replayed unmatch says it wrote nothing"
expect 2 "m: another reversal of the undone match is refused" fl unmatch 5 --reason again
contains "$ERR" "^fundledger: entry 5 was reversed by entry 7$" "m: says by which entry"
expect 2 "m: unmatch of a pair with no standing match" fl unmatch 3 1
contains "$ERR" "^fundledger: no standing match between entries 3 and 1$" "m: says so"
expect 2 "m: unmatch of an entry that is not a match" fl unmatch 3
same "$(count)" 7 "m: seven entries"
expect 0 "m: verify" fl verify

# ---- a statement reversed and its contribution confirmed by the next one ----------------------
# A bank match stands only while its line's statement does: once the first statement is
# reversed, its bank match no longer confirms the contribution, so confirming it by the second
# statement's line is allowed, and verify's "at most one standing bank match" agrees.
fresh r
fl rate --currency EUR --rate 0.9 --date 2026-01-01 >/dev/null
fl contribute --donor NOR --fund VFTC --currency EUR --amount 1000 --date 2026-02-02 \
	--bank-ref NO-1 >/dev/null
cat >"$T/r1.csv" <<'CSV'
statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance
R-1,DE89370400440532013000,EUR,2026-02-01,,opening,0.00,,,,
R-1,DE89370400440532013000,EUR,2026-02-02,2026-02-02,credit,1000.00,NO-1,NO-1,Norway,VFTC
R-1,DE89370400440532013000,EUR,2026-02-28,,closing,1000.00,,,,
CSV
cat >"$T/r2.csv" <<'CSV'
statement,account,currency,date,value_date,type,amount,ref,end_to_end,debtor,remittance
R-2,DE89370400440532013000,EUR,2026-02-01,,opening,0.00,,,,
R-2,DE89370400440532013000,EUR,2026-02-02,2026-02-02,credit,1000.00,NO-1B,NO-1,Norway,VFTC
R-2,DE89370400440532013000,EUR,2026-02-28,,closing,1000.00,,,,
CSV
expect 0 "r: import the first statement" fl statement import "$T/r1.csv"
expect 0 "r: its line is proposed once, by reference (the end-to-end id repeats the reference)" \
	fl reconcile --as-of 2026-02-28 --apply
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM entries WHERE kind = 9')" 1 \
	"r: one bank match"
expect 0 "r: log the bank match" fl log --kind bankmatch
contains "$OUT" "reconcile: bank reference NO-1$" "r: made by rule 1, the bank reference"
expect 0 "r: reverse the first statement" fl reverse 3 --reason "sent for the wrong account"
expect 0 "r: import the second statement" fl statement import "$T/r2.csv"
expect 0 "r: confirm the contribution by the second statement's line" fl match 8 2
expect 0 "r: verify: one standing bank match per contribution" fl verify
expect 0 "r: reconciled" fl reconcile --as-of 2026-02-28
