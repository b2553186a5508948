#!/bin/sh
# tests/cli/test_report_figures.sh: the figures of the annual report (docs/REPORT.md), computed
# a second time, independently of ledger/report.c, and compared with `report --format json`.
#
# The ledger is the fixed five-year sample of tests/cli/data/report/build.sh (its latest
# checkpoint holds every entry). The model is jq over `log --format json` (every entry decoded
# from its canonical bytes) and the States of donors.yaml read with sed: no code of the report
# is shared. Definitions (REPORT.md "The figures", RECONCILE.md "The ledger as of a date"):
#   standing      not the target of any reversal entry of the ledger;
#   received      standing contributions of the scope whose value date is in the year, at the
#                 usd_cents recorded with each (no conversion is done here);
#   new donor     a donor of the year with no standing contribution to the scope before 1 January;
#   by group      a State's UN regional group ("... Group"; no group: "States outside the regional
#                 groups"); any donor that is not a State: "Other donors";
#   a match       counts when it, its contribution and its pledge stand; as of 31 December it
#                 settles its pledge when its contribution's value date is on or before that day;
#   outstanding   pledged - settled - standing write-offs dated on or before 31 December, for
#                 standing pledges dated on or before it; listed when > 0; aged by pledge year;
#   unapplied     a standing contribution dated on or before 31 December, less the amounts of its
#                 standing matches (whatever the pledge's date); listed when > 0;
#   paragraph 14  Member and observer States with no standing contribution to the scope in the
#                 year; "never" those with none dated on or before 31 December either.
# Every integer is below 2^53, so jq's doubles add them exactly. A second path, SQL straight over
# the ledger's query columns, checks the counts, sets and minor-unit amounts again, and
# `totals` the dollars received. Each one-fund report must equal its section of the "all" one,
# but for the bank statement counts, which REPORT.md gives to the consolidated section and to a
# one-fund report, and the bank lines that name no contribution.
case $FUNDLEDGER in /*) ;; */*) FUNDLEDGER=$PWD/$FUNDLEDGER ;; esac
. "$ROOT/tests/cli/lib.sh"

Y=2025
END="$Y-12-31"
FX="$T/fx"
sh "$ROOT/tests/cli/data/report/build.sh" "$FUNDLEDGER" "$FX" >"$T/sizes" 2>"$ERR" ||
	{ not_ok "build the sample ledger"; sed 's/^/#   /' "$ERR"; exit 1; }
export FUNDLEDGER_CONFIG="$FX/fundledger.yaml"
export FUNDLEDGER_LEDGER="$FX/ledger.db"
DB="$FX/ledger.db"
cd "$T" || exit 1

# differ DESC GOT WANT: one TAP line; on a mismatch, both values, then, for lists and objects,
# the elements that differ (a diff of one element a line; words for the SQL lines).
differ() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		return
	fi
	not_ok "$1"
	printf '%s\n' "$2" | sed 's/^/#   report: /'
	printf '%s\n' "$3" | sed 's/^/#   expect: /'
	case $3 in
	'['* | '{'*) opt=-c split='if type == "array" then .[] elif type == "object" then to_entries[] else . end' ;;
	*' '*) opt=-Rc split='splits(" ")' ;;
	*) return ;;
	esac
	printf '%s' "$2" | jq "$opt" "$split" >"$T/differ.got" 2>&1
	printf '%s' "$3" | jq "$opt" "$split" >"$T/differ.want" 2>&1
	diff "$T/differ.want" "$T/differ.got" | grep '^[<>]' | head -n 20 |
		sed 's/^</#   only expected:/; s/^>/#   only in report:/'
}

# ---- the report, consolidated and per fund ----
expect 0 "report --year $Y --fund all --format json" \
	fl report --year "$Y" --fund all --format json --out "$T/all.json"
for f in VFTC UPRP UPRI; do
	expect 0 "report --year $Y --fund $f --format json" \
		fl report --year "$Y" --fund "$f" --format json --out "$T/$f.json"
done
differ "the consolidated report has the sections all, VFTC, UPRP, UPRI, in that order" \
	"$(jq -c '[.sections[].fund]' "$T/all.json" 2>&1)" '["all","VFTC","UPRP","UPRI"]'
differ "the report is computed from the latest checkpoint, which holds every entry" \
	"$(jq -c '.checkpoint.size' "$T/all.json" 2>&1)" "$(sqlite3 "$DB" 'SELECT max(seq) FROM entries')"

# A one-fund report's section is the fund's section of the consolidated report. Bank totals
# (statements, lines, lines_matched) belong to the account: REPORT.md gives them to the
# consolidated section and to a one-fund report, so they are compared with the "all" section's.
# Bank lines that name no contribution are left out of this comparison. One jq run prints, per
# fund, "F<US>sections<US>equal<US>bank totals<US>consolidated bank totals".
US=$(printf '\037')
NORM='def norm: del(.reconciliation.statements, .reconciliation.lines, .reconciliation.lines_matched)
	| .reconciliation.bank_items |= map(select(.contribution != 0));'
jq -n -r --arg us "$US" --slurpfile all "$T/all.json" --slurpfile VFTC "$T/VFTC.json" \
	--slurpfile UPRP "$T/UPRP.json" --slurpfile UPRI "$T/UPRI.json" '
	'"$NORM"'
	def bank: .reconciliation | [.statements, .lines, .lines_matched] | tojson;
	{VFTC: $VFTC[0], UPRP: $UPRP[0], UPRI: $UPRI[0]} | to_entries[] | .key as $f | .value
	| [$f, ([.sections[].fund] | tojson),
	   ((.sections[0] | norm) == ($all[0].sections[] | select(.fund == $f) | norm) | tostring),
	   (.sections[0] | bank), ($all[0].sections[0] | bank)] | join($us)' \
	>"$T/onefund" 2>"$ERR" || { not_ok "the one-fund reports can be read"; sed 's/^/#   /' "$ERR"; }
while IFS=$US read -r f funds equal bank allbank; do
	differ "report --fund $f: one section, $f" "$funds" "[\"$f\"]"
	if [ "$equal" = true ]; then
		ok "report --fund $f: its section equals the $f section of the consolidated report"
	else
		not_ok "report --fund $f: its section equals the $f section of the consolidated report"
		jq -S "$NORM"' .sections[0] | norm' "$T/$f.json" >"$T/got.json"
		jq -S --arg f "$f" "$NORM"' .sections[] | select(.fund == $f) | norm' "$T/all.json" >"$T/want.json"
		diff "$T/want.json" "$T/got.json" 2>&1 | head -n 20 | sed 's/^/#   /'
	fi
	differ "report --fund $f: the bank totals are the account's (those of the consolidated section)" \
		"$bank" "$allbank"
done <"$T/onefund"

# ---- the model's inputs ----
fl log --format json >"$T/log.json" 2>"$ERR" || { not_ok "log --format json"; exit 1; }
# donors.yaml, one donor a line: {code: X, name: ..., kind: K[, group: G]} -> "X<TAB>K<TAB>G".
sed -n 's/^ *- *{code: *\([^,]*\),.*kind: *\([a-z_]*\)\(, *group: *\([^,}]*\)\)\{0,1\} *}.*$/\1\t\2\t\4/p' \
	"$FX/donors.yaml" >"$T/donors.tsv"
jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {code: .[0], kind: .[1], group: .[2]})' \
	"$T/donors.tsv" >"$T/donors.json"
differ "donors.yaml lists 193 Member States and 2 observer States" \
	"$(jq -c '[(map(select(.kind == "member_state")) | length), (map(select(.kind == "observer_state")) | length)]' "$T/donors.json")" \
	"[193,2]"

# ---- the model: every figure of each section, from the decoded entries ----
# It prints "fig:SECTION:FIELD<TAB>VALUE" lines, VALUE compact JSON.
cat >"$T/model.jq" <<'EOF'
# input: the entries (log --format json); $donors: [[{code, kind, group}]]; $y: the year.
def sum(f): reduce .[] as $x (0; . + ($x | f));
def set: unique;
# n / d rounded half to even, for integers (exact: the remainder is computed in integers).
def rhe($n; $d):
  (if $n < 0 then -1 else 1 end) as $s | ($n * $s) as $a
  | ($a / $d | floor) as $q0 | ($a - $q0 * $d) as $r0
  | (if $r0 < 0 then [$q0 - 1, $r0 + $d] elif $r0 >= $d then [$q0 + 1, $r0 - $d] else [$q0, $r0] end) as [$q, $r]
  | (if 2 * $r > $d or (2 * $r == $d and ($q % 2) == 1) then $q + 1 else $q end) * $s;
def byseq: map({key: (.seq | tostring), value: .}) | from_entries;

. as $log | $donors[0] as $donors
| ($y | tostring) as $ys
| ("\($ys)-01-01") as $ystart | ("\($ys)-12-31") as $yend
| (reduce ($log[] | select(.kind == "reversal") | .target) as $t ({}; .[$t | tostring] = true)) as $rev
| [$log[] | select($rev[.seq | tostring] | not)] as $stand
| [$stand[] | select(.kind == "contribution")] as $C
| [$stand[] | select(.kind == "pledge")] as $P
| [$stand[] | select(.kind == "writeoff")] as $W
| ($C | byseq) as $cby | ($P | byseq) as $pby
# standing matches: the match, its contribution and its pledge all stand
| [$stand[] | select(.kind == "match" and $cby[.contribution | tostring] != null
                     and $pby[.pledge | tostring] != null)] as $M
# settled as of the year end, per pledge (the contribution's value date counts)
| (reduce ($M[] | select($cby[.contribution | tostring].date <= $yend)) as $m
     ({}; .[$m.pledge | tostring] += $m.settled_minor)) as $settled
| (reduce ($W[] | select(.date <= $yend)) as $w ({}; .[$w.pledge | tostring] += $w.amount_minor)) as $wo
| (reduce $M[] as $m ({}; .[$m.contribution | tostring] += $m.amount_minor)) as $applied
| ($donors | map({key: .code, value: .}) | from_entries) as $cfg
| [$donors[] | select(.kind == "member_state" or .kind == "observer_state")] as $states
| def group_of($d):
    ($cfg[$d] // {kind: "?"}) as $c
    | if ($c.kind == "member_state" or $c.kind == "observer_state") then
        (if ($c.group // "") == "" then "States outside the regional groups" else "\($c.group) Group" end)
      else "Other donors" end;
  def usd_in($cs; $yr): $cs | map(select(.date[0:4] == ($yr | tostring))) | sum(.usd_cents);
  ["all", "VFTC", "UPRP", "UPRI"] | map(. as $s
  | [$C[] | select($s == "all" or .fund == $s)] as $Cs
  | [$Cs[] | select(.date[0:4] == $ys)] as $R
  | ($R | sum(.usd_cents)) as $received
  | usd_in($Cs; $y - 1) as $previous
  | ($R | map(.donor) | set) as $givers
  | ($Cs | map(select(.date < $ystart) | .donor) | set) as $before
  | ($Cs | map(select(.date <= $yend) | .donor) | set) as $ever
  | [$P[] | select(($s == "all" or .fund == $s) and .date <= $yend)
       | {seq, amount: .amount_minor, paid: ($settled[.seq | tostring] // 0),
          written_off: ($wo[.seq | tostring] // 0), year: (.date[0:4] | tonumber)}
       | .outstanding = .amount - .paid - .written_off
       | select(.outstanding > 0)
       | {seq, paid, written_off, outstanding,
          age: (if .year == $y then "under 1 year" elif .year == $y - 1 then "1-2 years" else "over 2 years" end)}
    ] as $out
  | ($states | map(.code) - $givers | set) as $notin
  | {key: $s, value: {
      received_usd: $received,
      receipts: ($R | length),
      previous_usd: $previous,
      change_permille: (if $previous == 0 then null else rhe(($received - $previous) * 1000; $previous) end),
      trend: [range($y - 4; $y + 1) as $t | {year: $t, usd: usd_in($Cs; $t)}],
      donors: ($givers | length),
      donor_set: $givers,
      new_donors: ($givers - $before | length),
      new_donor_set: ($givers - $before),
      by_group: ([ "African Group", "Asia-Pacific Group", "Eastern European Group",
                   "Latin American and Caribbean Group", "Western European and Others Group",
                   "States outside the regional groups", "Other donors" ]
                 | map(. as $g | ($givers | map(select(group_of(.) == $g))) as $ds
                       | {key: $g, value: {donors: ($ds | length),
                                           usd: ($R | map(select(group_of(.donor) == $g)) | sum(.usd_cents))}})
                 | from_entries),
      statement_order: ($R | group_by(.donor) | map({donor: .[0].donor, usd: sum(.usd_cents)})
                        | sort_by(-.usd, .donor) | map(.donor)),
      statement_usd: ($R | group_by(.donor) | map({key: .[0].donor, value: sum(.usd_cents)}) | from_entries),
      statement_receipts: ($R | group_by(.donor) | map({key: .[0].donor, value: (sort_by(.date, .seq)
                           | map({seq, fund, date, currency, amount: .amount_minor, usd: .usd_cents}))})
                           | from_entries),
      pledges_made: ($P | map(select(($s == "all" or .fund == $s) and .date[0:4] == $ys)) | length),
      pledges_made_list: ($P | map(select(($s == "all" or .fund == $s) and .date[0:4] == $ys)
                           | {seq, currency, amount: .amount_minor}) | sort_by(.seq)),
      pledges_outstanding: ($out | length),
      outstanding_list: ($out | sort_by(.seq)),
      outstanding_ages: (["under 1 year", "1-2 years", "over 2 years"]
                         | map(. as $a | {age: $a, pledges: ($out | map(select(.age == $a)) | length)})),
      states: ($states | length),
      not_contributed_in_year: $notin,
      never_contributed: ($notin - $ever),
      unmatched: [$Cs[] | select(.date <= $yend)
                  | {seq, unapplied: (.amount_minor - ($applied[.seq | tostring] // 0))}
                  | select(.unapplied > 0)] | sort_by(.seq)
    }})
  | .[] | .key as $s | .value | to_entries[] | "fig:\($s):\(.key)\t\(.value | tojson)"
EOF

# The same fields read from the report, as "KEY<TAB>VALUE" lines (VALUE compact JSON for fig:),
# with those the SQL and `totals` paths below are compared with (a line of words for sql:).
cat >"$T/actual.jq" <<'EOF'
def words: map(tostring) | join(" ");
.sections[] | .fund as $s | (
  {
    received_usd: .summary.received_usd,
    receipts: .summary.receipts,
    previous_usd: .summary.previous_usd,
    change_permille: .summary.change_permille,
    trend: .trend,
    donors: .summary.donors,
    donor_set: (.contributions | map(.donor) | unique),
    new_donors: .summary.new_donors,
    new_donor_set: (.contributions | map(select(.new) | .donor) | unique),
    by_group: (.by_group | map({key: .group, value: {donors, usd}}) | from_entries),
    statement_order: (.contributions | map(.donor)),
    statement_usd: (.contributions | map({key: .donor, value: .usd}) | from_entries),
    statement_receipts: (.contributions | map({key: .donor,
                         value: (.receipts | map({seq, fund, date, currency, amount, usd}))}) | from_entries),
    pledges_made: .summary.pledges_made,
    pledges_made_list: (.pledges_made | map({seq, currency, amount}) | sort_by(.seq)),
    pledges_outstanding: .summary.pledges_outstanding,
    outstanding_list: (.pledges_outstanding.pledges | map({seq, paid, written_off, outstanding, age})
                       | sort_by(.seq)),
    outstanding_ages: (.pledges_outstanding.ages | map({age, pledges})),
    states: .paragraph_14.states,
    not_contributed_in_year: (.paragraph_14.not_contributed_in_year | map(.code) | sort),
    never_contributed: (.paragraph_14.never_contributed | map(.code) | sort),
    unmatched: (.reconciliation.unmatched_receipts | map({seq, unapplied}) | sort_by(.seq))
  } | to_entries[] | "fig:\($s):\(.key)\t\(.value | tojson)"
), (
  {
    receipts: .summary.receipts,
    donors: .summary.donors,
    new_donor_set: (.contributions | map(select(.new) | .donor) | sort | words),
    receipt_list: ([.contributions[].receipts[]] | sort_by(.seq) | map("\(.seq)|\(.amount)") | words),
    made: (.pledges_made | map(.seq) | sort | words),
    outstanding: (.pledges_outstanding.pledges | sort_by(.seq) | map("\(.seq)|\(.outstanding)") | words),
    unmatched: (.reconciliation.unmatched_receipts | sort_by(.seq) | map("\(.seq)|\(.unapplied)") | words),
    not_contributed_in_year: (.paragraph_14.not_contributed_in_year | map(.code) | sort | words),
    never_contributed: (.paragraph_14.never_contributed | map(.code) | sort | words)
  } | to_entries[] | "sql:\($s):\(.key)\t\(.value)"
), "tot:\($s):received\t\([.summary.received_usd, .summary.previous_usd] | tojson)"
EOF

jq -r --slurpfile donors "$T/donors.json" --argjson y "$Y" -f "$T/model.jq" "$T/log.json" \
	>"$T/expected.tsv" 2>"$ERR" || { not_ok "the model runs"; sed 's/^/#   /' "$ERR"; exit 1; }
jq -r -f "$T/actual.jq" "$T/all.json" >"$T/actual.tsv" 2>"$ERR" ||
	{ not_ok "the report's figures can be read"; sed 's/^/#   /' "$ERR"; exit 1; }
# fig: values with their object keys sorted, on both sides (jq -S does not reach into tojson).
for f in expected actual; do
	awk -F '\t' '$1 ~ /^fig:/ { print $2 }' "$T/$f.tsv" | jq -cS . >"$T/$f.v" 2>"$ERR" ||
		{ not_ok "the $f figures are JSON"; sed 's/^/#   /' "$ERR"; exit 1; }
	awk -F '\t' '$1 ~ /^fig:/ { print $1 }' "$T/$f.tsv" | paste - "$T/$f.v" >"$T/$f.fig"
	awk -F '\t' '$1 !~ /^fig:/' "$T/$f.tsv" >>"$T/$f.fig"
done

# Sanity checks of the model itself against what tests/cli/data/report/README.md says the
# sample holds, so that a model gone blind (all zeros, empty sets) cannot pass.
model_value() { awk -F '\t' -v k="$1" '$1 == k { print $2 }' "$T/expected.fig"; }
differ "model: 2025 receipts per fund are 28, 11, 12 (README)" \
	"$(model_value fig:VFTC:receipts) $(model_value fig:UPRP:receipts) $(model_value fig:UPRI:receipts)" \
	"28 11 12"
differ "model: USD received in 2025 per fund (README: 13,852,243.49, 879,036.29, 2,049,314.11)" \
	"$(model_value fig:VFTC:received_usd) $(model_value fig:UPRP:received_usd) $(model_value fig:UPRI:received_usd)" \
	"1385224349 87903629 204931411"
differ "model: the new donors of 2025 are CHL, IND-ANON, MAR, THA, TUR (README)" \
	"$(model_value fig:all:new_donor_set)" '["CHL","IND-ANON","MAR","THA","TUR"]'

# ---- a second path: SQL over the ledger's query columns ----
# kind: 1 pledge, 2 contribution, 4 reversal, 5 writeoff, 6 match (ref pledge, ref2
# contribution, amount in the contribution's currency, amount2 settled in the pledge's).
# One sqlite3 run prints "sql:SECTION:KEY<TAB>VALUE" lines, VALUE a line of words in order;
# the States of donors.yaml go into a temporary table of that connection.
REV="(SELECT ref FROM entries WHERE kind = 4)"
STATES=$(awk -F '\t' '$2 == "member_state" || $2 == "observer_state" {
	printf "%s(%c%s%c)", n++ ? "," : "", 39, $1, 39 }' "$T/donors.tsv")
{
	echo "CREATE TEMP TABLE states(code TEXT); INSERT INTO states VALUES $STATES;"
	for s in all VFTC UPRP UPRI; do
		if [ "$s" = all ]; then F="1"; else F="fund = '$s'"; fi
		C="kind = 2 AND $F AND seq NOT IN $REV"
		cat <<SQL
SELECT 'sql:$s:receipts', count(*) FROM entries WHERE $C AND date LIKE '$Y-%';
SELECT 'sql:$s:donors', count(DISTINCT donor) FROM entries WHERE $C AND date LIKE '$Y-%';
SELECT 'sql:$s:new_donor_set', coalesce(group_concat(donor, ' '), '') FROM (
	SELECT donor FROM entries WHERE $C AND date LIKE '$Y-%'
	EXCEPT SELECT donor FROM entries WHERE $C AND date < '$Y-01-01' ORDER BY 1);
SELECT 'sql:$s:receipt_list', coalesce(group_concat(x, ' '), '') FROM (
	SELECT seq || '|' || amount AS x FROM entries WHERE $C AND date LIKE '$Y-%' ORDER BY seq);
SELECT 'sql:$s:made', coalesce(group_concat(seq, ' '), '') FROM (
	SELECT seq FROM entries WHERE kind = 1 AND $F AND seq NOT IN $REV AND date LIKE '$Y-%'
	ORDER BY seq);
SELECT 'sql:$s:outstanding', coalesce(group_concat(seq || '|' || o, ' '), '') FROM (
	SELECT p.seq AS seq, p.amount
		- coalesce((SELECT sum(m.amount2) FROM entries m JOIN entries c ON c.seq = m.ref2
			WHERE m.kind = 6 AND m.ref = p.seq AND m.seq NOT IN $REV AND c.seq NOT IN $REV
			AND c.date <= '$END'), 0)
		- coalesce((SELECT sum(w.amount) FROM entries w WHERE w.kind = 5 AND w.ref = p.seq
			AND w.seq NOT IN $REV AND w.date <= '$END'), 0) AS o
	FROM entries p WHERE p.kind = 1 AND $F AND p.seq NOT IN $REV AND p.date <= '$END'
	ORDER BY p.seq) WHERE o > 0;
SELECT 'sql:$s:unmatched', coalesce(group_concat(seq || '|' || u, ' '), '') FROM (
	SELECT c.seq AS seq, c.amount
		- coalesce((SELECT sum(m.amount) FROM entries m WHERE m.kind = 6 AND m.ref2 = c.seq
			AND m.seq NOT IN $REV AND m.ref NOT IN $REV), 0) AS u
	FROM entries c WHERE $C AND c.date <= '$END' ORDER BY c.seq) WHERE u > 0;
SELECT 'sql:$s:not_contributed_in_year', coalesce(group_concat(code, ' '), '') FROM (
	SELECT code FROM states WHERE code NOT IN
		(SELECT donor FROM entries WHERE $C AND date LIKE '$Y-%') ORDER BY code);
SELECT 'sql:$s:never_contributed', coalesce(group_concat(code, ' '), '') FROM (
	SELECT code FROM states WHERE code NOT IN
		(SELECT donor FROM entries WHERE $C AND date <= '$END') ORDER BY code);
SQL
	done
} >"$T/check.sql"
sqlite3 -separator "$(printf '\t')" "$DB" <"$T/check.sql" >>"$T/expected.fig" 2>"$ERR" ||
	{ not_ok "the SQL checks run"; sed 's/^/#   /' "$ERR"; }

# ---- a third path for the dollars: `totals` of each year, per fund and currency ----
# (received_usd is a decimal string of US dollars: its digits are the cents).
for yy in $((Y - 1)) "$Y"; do
	fl totals --from "$yy-01-01" --to "$yy-12-31" --format json >"$T/totals-$yy.json" 2>"$ERR" ||
		{ not_ok "totals --from $yy-01-01 --to $yy-12-31"; sed 's/^/#   /' "$ERR"; }
done
jq -n -r --slurpfile prev "$T/totals-$((Y - 1)).json" --slurpfile cur "$T/totals-$Y.json" '
	def cents($t; $s): $t | map(select($s == "all" or .fund == $s)
		| .received_usd | gsub("\\."; "") | tonumber) | add // 0;
	"all", "VFTC", "UPRP", "UPRI" | "tot:\(.):received\t\([cents($cur[0]; .), cents($prev[0]; .)] | tojson)"' \
	>>"$T/expected.fig" 2>"$ERR" || { not_ok "totals can be read"; sed 's/^/#   /' "$ERR"; }

# ---- the comparisons: one line per figure and section ----
# describe KEY: sets DESC to what the figure is, for its TAP line.
describe() {
	sec=${1#*:}
	field=${sec#*:}
	sec=${sec%%:*}
	case $1 in
	fig:*) path="" ;;
	sql:*) path=" (SQL)" ;;
	tot:*) path=" (totals)" ;;
	esac
	case $1:$field in
	fig:*:received_usd) d="contributions received in $Y, in US dollar cents (summary.received_usd)" ;;
	fig:*:receipts) d="number of receipts in $Y (summary.receipts)" ;;
	fig:*:previous_usd) d="contributions received in $((Y - 1)) (summary.previous_usd)" ;;
	fig:*:change_permille) d="change against $((Y - 1)), tenths of a percent, half to even (summary.change_permille)" ;;
	fig:*:trend) d="five-year trend $((Y - 4))-$Y (trend)" ;;
	fig:*:donors) d="number of donors in $Y (summary.donors)" ;;
	fig:*:donor_set) d="the donors in the statement are exactly those who gave in $Y" ;;
	fig:*:new_donors) d="number of new donors (summary.new_donors)" ;;
	fig:*:new_donor_set) d="the new donors, exactly (contributions[].new)" ;;
	fig:*:by_group) d="donors and US dollars by regional group (by_group)" ;;
	fig:*:statement_order) d="statement of contributions: donors by US dollar total, largest first, ties by code" ;;
	fig:*:statement_usd) d="statement of contributions: each donor's US dollar total" ;;
	fig:*:statement_receipts) d="statement of contributions: each receipt (seq, fund, date, currency, amount, usd), by value date" ;;
	fig:*:pledges_made) d="number of pledges made in $Y (summary.pledges_made)" ;;
	fig:*:pledges_made_list) d="pledges made in $Y: seqs, currencies and amounts (pledges_made)" ;;
	fig:*:pledges_outstanding) d="number of pledges outstanding at $END (summary.pledges_outstanding)" ;;
	fig:*:outstanding_list) d="pledges outstanding at $END: seqs, paid, written off, outstanding, age" ;;
	fig:*:outstanding_ages) d="pledges outstanding at $END: count per age (pledges_outstanding.ages)" ;;
	fig:*:states) d="paragraph 14: the number of Member and observer States" ;;
	fig:*:not_contributed_in_year | sql:*:not_contributed_in_year)
		d="paragraph 14: the States that did not contribute in $Y, exactly" ;;
	fig:*:never_contributed | sql:*:never_contributed)
		d="paragraph 14: the States that never contributed up to $END, exactly" ;;
	fig:*:unmatched | sql:*:unmatched) d="unmatched receipts at $END: seqs and unapplied amounts" ;;
	sql:*:receipts) d="number of receipts in $Y" ;;
	sql:*:donors) d="number of donors in $Y" ;;
	sql:*:new_donor_set) d="the new donors, exactly" ;;
	sql:*:receipt_list) d="the receipts of the statement: seqs and amounts" ;;
	sql:*:made) d="the pledges made in $Y" ;;
	sql:*:outstanding) d="the pledges outstanding at $END and their outstanding amounts" ;;
	tot:*:received) d="received in $Y and in $((Y - 1)), US dollar cents" ;;
	*) d="$field" ;;
	esac
	DESC="$sec$path: $d"
}

# Every expected line, with the report's value for its key ("(missing)" when it has none).
awk -F '\t' -v us="$US" 'NR == FNR { got[$1] = $2; has[$1] = 1; next }
	{ print $1 us (has[$1] ? got[$1] : "(missing)") us $2 }' \
	"$T/actual.fig" "$T/expected.fig" >"$T/joined"
differ "every figure of the model has its counterpart in the report (128 in all)" \
	"$(wc -l <"$T/joined" | tr -d ' ')" 128
while IFS=$US read -r key got want; do
	describe "$key"
	differ "$DESC" "$got" "$want"
done <"$T/joined"
