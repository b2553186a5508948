#!/bin/sh
# tests/cli/test_tour.sh: one walk through every command, checked against figures worked out
# by hand.
#
# USD figures are amount / rate, rounded half to even to the cent:
#   500,000.00 EUR at 0.921  = 542,888.165...  -> 542,888.17
#   10,000,000 JPY at 156.5  = 63,897.763...    -> 63,897.76   (JPY has no decimals)
#   1,234.567 KWD at 0.3075  = 4,014.852...     -> 4,014.85    (KWD has three)
#   CHF at 0.8: 0.02 -> 0.025 -> 0.02, 0.06 -> 0.075 -> 0.08, 10.02 -> 12.525 -> 12.52 (ties)
#   921.00 EUR at 0.921 = 1,000.00; 900.00 EUR at 0.9 = 1,000.00; 450.00 EUR at 0.9 = 500.00
# A contribution that names its pledge is followed, in the same batch, by a match entry that
# applies all of it to the pledge ("named by the contribution"); the match settles the pledge
# in the pledge's currency, through USD at the contribution's value date when the currencies
# differ:
#   1,000.00 USD on an EUR pledge (EUR at 0.921)      = 921.00 EUR
#   80.00 CHF (at 0.8) = 100.00 USD on an EUR pledge   = 92.10 EUR
. "$ROOT/tests/cli/lib.sh"

# json FILE FILTER: a value from JSON output, by jq when present, else python3, else a
# sed that only handles top-level "key": value (FILTER then is just ".key").
json() {
	if command -v jq >/dev/null 2>&1; then
		jq -r "$2" "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split(".")[1:]:
    v = v[int(k[1:-1])] if k.startswith("[") else v[k]
print(v)' "$1" "$(echo "$2" | sed 's/\[\([0-9]*\)\]/.[\1]/g')"
	else
		sed -n "s/.*\"${2#.}\": \"\{0,1\}\([^\",}]*\).*/\1/p" "$1"
	fi
}

# hash_of N: the hash printed by show N --format json.
hash_of() { fl show "$1" --format json | sed 's/.*"hash": "\([0-9a-f]*\)".*/\1/'; }

# The entries a command recorded, from its "recorded entry N (...)" lines, one per line.
recorded_seq() { sed -n 's/^recorded entry \([0-9]*\) .*/\1/p' "$OUT"; }

# ---- init ----
expect 0 "init creates a ledger" fl init
contains "$OUT" "^created ledger $T/ledger\.db \(origin fundledger\.example\.org/ohchr-voluntary-funds\)$" \
	"init names the ledger and its origin"
expect 2 "init refuses to re-create an existing ledger" fl init
contains "$ERR" "^fundledger: .*already exists" "init says the ledger already exists"
same "$(count)" 0 "a new ledger has no entries"
expect 0 "verify accepts the empty ledger" fl verify
contains "$OUT" "^OK 0 entries, head 0{64}$" "an empty ledger's head is all zeros"

# ---- rates, pledge, contributions ----
expect 0 "rate EUR 0.921 from 2026-01-01" fl rate --currency EUR --rate 0.921 --date 2026-01-01
contains "$OUT" "^recorded entry 1 \(rate\), hash [0-9a-f]{64}$" "rate is entry 1"
expect 0 "pledge DEU to VFTC" fl pledge --donor DEU --fund VFTC --currency EUR \
	--amount 1000000.00 --years 2026-2027 --date 2026-01-15 --due 2026-12-31 \
	--earmark "Field presences" --ref p-deu
contains "$OUT" "^recorded entry 2 \(pledge\)" "pledge is entry 2"
contains "$OUT" "pledge +VFTC +DEU +EUR +1,000,000\.00 .*for 2026;2027, due 2026-12-31" \
	"pledge line shows amount, years and due date"

expect 0 "contribution in EUR paying the pledge" fl contribute --donor DEU --fund VFTC \
	--currency EUR --amount 500000.00 --date 2026-02-01 --pledge p-deu --bank-ref DE-1
same "$(recorded_seq | tr '\n' ' ')" "3 4 " \
	"naming the pledge records two entries: the contribution (3), then its match (4)"
contains "$OUT" "^recorded entry 3 \(contribution\), hash [0-9a-f]{64}$" "the EUR contribution is entry 3"
contains "$OUT" "EUR +500,000\.00 +542,888\.17 +bank DE-1, pays pledge 2$" \
	"500,000.00 EUR at 0.921 is 542,888.17 USD"
contains "$OUT" "^recorded entry 4 \(match\), hash [0-9a-f]{64}$" "the match is entry 4"
contains "$OUT" "^ +4 +[0-9-]{10} +match +VFTC +DEU +EUR +500,000\.00 +542,888\.17 +applies 3 to pledge 2: named by the contribution$" \
	"the match applies all of contribution 3 (EUR 500,000.00) to pledge 2"
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT group_concat(size) FROM checkpoints ORDER BY size')" \
	"1,2,4" "the contribution and its match are one batch: one checkpoint, at 4"
expect 0 "the same contribution again is a replay" fl contribute --donor DEU --fund VFTC \
	--currency EUR --amount 500000.00 --date 2026-02-01 --pledge p-deu --bank-ref DE-1
same "$(cat "$OUT")" "already recorded as entry 3 (ref $(fl show 3 --format json | sed 's/.*"ref": "\([^"]*\)".*/\1/')); nothing written" \
	"the replay says the contribution is already recorded, and nothing more"
same "$(count)" 4 "the replay wrote neither a contribution nor a match"

expect 0 "contribution in USD" fl contribute --donor USA --fund UPRP --currency USD \
	--amount 250000 --date 2026-02-02 --bank-ref US-1
contains "$OUT" "USD +250,000\.00 +250,000\.00 +bank US-1$" "a USD contribution is its own USD figure"

expect 0 "rate JPY" fl rate --currency JPY --rate 156.5 --date 2026-01-01
expect 0 "rate KWD" fl rate --currency KWD --rate 0.3075 --date 2026-01-01
expect 0 "contribution in JPY (no decimals)" fl contribute --donor JPN --fund UPRI \
	--currency JPY --amount 10000000 --date 2026-02-03 --bank-ref JP-1
contains "$OUT" "JPY +10,000,000 +63,897\.76 " "10,000,000 JPY at 156.5 is 63,897.76 USD"
expect 0 "contribution in KWD (three decimals)" fl contribute --donor KWT --fund UPRI \
	--currency KWD --amount 1234.567 --date 2026-02-03 --bank-ref KW-1
contains "$OUT" "KWD +1,234\.567 +4,014\.85 " "1,234.567 KWD at 0.3075 is 4,014.85 USD"

# Half to even on exact ties.
expect 0 "rate CHF 0.8" fl rate --currency CHF --rate 0.8 --date 2026-01-01
expect 0 "CHF 0.02" fl contribute --donor CHE --fund VFTC --currency CHF --amount 0.02 \
	--date 2026-02-04 --bank-ref CH-1
contains "$OUT" "CHF +0\.02 +0\.02 " "0.02 CHF at 0.8 = 0.025, ties to even 0.02"
expect 0 "CHF 0.06" fl contribute --donor CHE --fund VFTC --currency CHF --amount 0.06 \
	--date 2026-02-04 --bank-ref CH-2
contains "$OUT" "CHF +0\.06 +0\.08 " "0.06 CHF at 0.8 = 0.075, ties to even 0.08"
same "$(recorded_seq)" 12 "the CHF 0.06 contribution is entry 12"
expect 0 "CHF 10.02" fl contribute --donor CHE --fund VFTC --currency CHF --amount 10.02 \
	--date 2026-02-04 --bank-ref CH-3
contains "$OUT" "CHF +10\.02 +12\.52 " "10.02 CHF at 0.8 = 12.525, ties to even 12.52"

# The rate in force is the newest effective date on or before the value date.
expect 0 "a second EUR rate from 2026-02-15" fl rate --currency EUR --rate 0.9 --date 2026-02-15
same "$(recorded_seq)" 14 "the second EUR rate is entry 14"
expect 0 "EUR the day before the new rate" fl contribute --donor FRA --fund UPRP \
	--currency EUR --amount 921.00 --date 2026-02-14 --bank-ref FR-1
fl show 15 --format json >"$T/e15.json"
same "$(json "$T/e15.json" .rate_seq)/$(json "$T/e15.json" .usd)" "1/1000.00" \
	"2026-02-14 uses the 2026-01-01 rate (entry 1): 921.00 EUR = 1,000.00 USD"
expect 0 "EUR on the new rate's effective date" fl contribute --donor FRA --fund UPRP \
	--currency EUR --amount 900.00 --date 2026-02-15 --bank-ref FR-2
fl show 16 --format json >"$T/e16.json"
same "$(json "$T/e16.json" .rate_seq)/$(json "$T/e16.json" .usd)" "14/1000.00" \
	"2026-02-15 uses the 2026-02-15 rate (entry 14): 900.00 EUR = 1,000.00 USD"
expect 0 "EUR after the new rate" fl contribute --donor FRA --fund UPRP \
	--currency EUR --amount 450.00 --date 2026-03-01 --bank-ref FR-3
fl show 17 --format json >"$T/e17.json"
same "$(json "$T/e17.json" .rate_seq)/$(json "$T/e17.json" .usd)" "14/500.00" \
	"2026-03-01 uses the 2026-02-15 rate: 450.00 EUR = 500.00 USD"
same "$(count)" 17 "17 entries so far"

# ---- refusals that write nothing ----
expect 2 "no EUR rate is in force before 2026-01-01" fl contribute --donor FRA --fund UPRP \
	--currency EUR --amount 10.00 --date 2025-12-31 --bank-ref FR-0
contains "$ERR" "^fundledger: no UN operational rate for EUR in force on 2025-12-31" \
	"the missing rate is named"
expect 2 "no GBP rate at all" fl contribute --donor GBR --fund UPRP --currency GBP \
	--amount 10.00 --date 2026-02-01 --bank-ref GB-1
contains "$ERR" "^fundledger: no UN operational rate for GBP in force on 2026-02-01" \
	"the missing GBP rate is named"
expect 2 "a contribution naming another donor's pledge" fl contribute --donor FRA --fund VFTC \
	--currency EUR --amount 10.00 --date 2026-02-01 --pledge p-deu --bank-ref FR-9
contains "$ERR" "^fundledger: pledge 2 is from DEU to VFTC, not from FRA to VFTC$" \
	"the pledge's donor is named"
expect 2 "a contribution naming a pledge to another fund" fl contribute --donor DEU \
	--fund UPRP --currency EUR --amount 10.00 --date 2026-02-01 --pledge 2 --bank-ref DE-9
contains "$ERR" "^fundledger: pledge 2 is from DEU to VFTC, not from DEU to UPRP$" \
	"the pledge's fund is named"
expect 2 "a contribution naming a rate as its pledge" fl contribute --donor DEU --fund VFTC \
	--currency EUR --amount 10.00 --date 2026-02-01 --pledge 1 --bank-ref DE-8
contains "$ERR" "^fundledger: entry 1 is a rate, not a pledge$" "a non-pledge is refused"
same "$(count)" 17 "refused contributions wrote nothing"

# ---- log ----
expect 0 "log" fl log
contains "$OUT" "^ +SEQ +DATE +KIND +FUND +DONOR +CCY +AMOUNT +USD +DETAIL$" "log text header"
same "$(($(wc -l <"$OUT") - 1))" 17 "log text lists 17 entries"
contains "$OUT" "^ +3 +2026-02-01 +contribution +VFTC +DEU +EUR +500,000\.00 +542,888\.17 +bank DE-1, pays pledge 2$" \
	"log text row of entry 3"
contains "$OUT" "^ +4 +[0-9-]{10} +match +VFTC +DEU +EUR +500,000\.00 +542,888\.17 +applies 3 to pledge 2: named by the contribution$" \
	"log text row of entry 4, the match"

expect 0 "log --format csv" fl log --format csv
same "$(head -n 1 "$OUT")" \
	"seq,kind,date,fund,donor,currency,amount,usd,rate,rate_seq,pledge,target,years,due,bank_ref,donor_ref,announcement,earmark,reason,ref,recorded_at,recorded_by,hash,reversed_by,contribution,settled,settle_rate,settle_rate_seq,statement,line,account,statement_id,from,opening,closing,lines,direction,booked,entry_ref,end_to_end,debtor,remittance,bank_reversal" \
	"log csv header"
same "$(($(wc -l <"$OUT") - 1))" 17 "log csv lists 17 entries"
contains "$OUT" "^3,contribution,2026-02-01,VFTC,DEU,EUR,500000\.00,542888\.17,0\.921,1,2,,,,DE-1,,,,,auto-[0-9a-f]{64},2026-03-01T12:00:00Z,tester,[0-9a-f]{64},{20}$" \
	"log csv row of entry 3 (plain decimals, rate, rate entry, pledge)"
contains "$OUT" "^2,pledge,2026-01-15,VFTC,DEU,EUR,1000000\.00,,,,,,2026;2027,2026-12-31,,,,Field presences,,p-deu," \
	"log csv row of the pledge"
contains "$OUT" "^4,match,[^,]*,VFTC,DEU,EUR,500000\.00,542888\.17,0\.921,,2,,,,,,,,named by the contribution,auto-[0-9a-f]{64},2026-03-01T12:00:00Z,tester,[0-9a-f]{64},,3,50000000,,," \
	"log csv row of the match: EUR 500,000.00 of contribution 3 applied to pledge 2, settling 50000000 cents"
contains "$OUT" "^8,contribution,2026-02-03,UPRI,JPN,JPY,10000000,63897\.76,156\.5,6,," \
	"log csv row of the JPY contribution"
contains "$OUT" "^9,contribution,2026-02-03,UPRI,KWT,KWD,1234\.567,4014\.85,0\.3075,7,," \
	"log csv row of the KWD contribution"
last_csv_hash=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "hash") h = i } END { print $h }' "$OUT")

expect 0 "log --format csv --kind rate" fl log --format csv --kind rate
same "$(tail -n +2 "$OUT" | cut -d, -f1 | tr '\n' ' ')" "1 6 7 10 14 " "--kind rate lists the five rates"
expect 0 "log --format csv --kind match" fl log --format csv --kind match
same "$(tail -n +2 "$OUT" | cut -d, -f1,2 | tr '\n' ' ')" "4,match " "--kind match lists the one match"
expect 0 "log --fund UPRI --format csv" fl log --fund UPRI --format csv
same "$(tail -n +2 "$OUT" | cut -d, -f1 | tr '\n' ' ')" "8 9 " "--fund UPRI lists entries 8 and 9"

expect 0 "log --format json" fl log --format json
cp "$OUT" "$T/log.json"
same "$(head -n 1 "$T/log.json")/$(tail -n 1 "$T/log.json")" "[/]" "log json is one array"
same "$(grep -c '^  {"seq": [0-9]*, "kind": "[a-z]*", .*"hash": "[0-9a-f]\{64\}"[,}]' "$T/log.json")" 17 \
	"log json has one object per entry, each with seq, kind and hash"
if command -v jq >/dev/null 2>&1; then
	same "$(jq length "$T/log.json")" 17 "jq parses log json: 17 entries"
	same "$(jq -r '.[2] | "\(.usd) \(.usd_cents) \(.amount_minor) \(.rate_seq) \(.pledge)"' "$T/log.json")" \
		"542888.17 54288817 50000000 1 2" "log json figures of entry 3"
	same "$(jq -r '.[1].years | map(tostring) | join(",")' "$T/log.json")" "2026,2027" \
		"log json years of the pledge"
	same "$(jq -r '.[3] | "\(.seq) \(.kind) \(.contribution) \(.pledge) \(.amount) \(.amount_minor) \(.settled_minor) \(.reason)"' "$T/log.json")" \
		"4 match 3 2 500000.00 50000000 50000000 named by the contribution" "log json figures of entry 4, the match"
elif command -v python3 >/dev/null 2>&1; then
	same "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/log.json")" 17 \
		"python3 parses log json: 17 entries"
fi

# ---- show ----
expect 0 "show 3" fl show 3
contains "$OUT" "^entry 3: contribution$" "show text title"
contains "$OUT" "^  USD +542,888\.17 at 0\.921 per USD$" "show text USD line"
contains "$OUT" "^  rate entry +1$" "show text names the rate entry"
contains "$OUT" "^  pledge +2$" "show text names the pledge"
contains "$OUT" "^  donor +DEU  Germany$" "show text gives the donor's name"
expect 0 "show 4" fl show 4
contains "$OUT" "^entry 4: match$" "show text title of the match"
contains "$OUT" "^  amount +EUR 500,000\.00$" "the match applies the whole EUR 500,000.00"
contains "$OUT" "^  contribution +3$" "the match names contribution 3"
contains "$OUT" "^  pledge +2$" "the match names pledge 2"
contains "$OUT" "^  reason +named by the contribution$" "the match's reason"
expect 0 "show by ref" fl show p-deu
contains "$OUT" "^entry 2: pledge$" "show p-deu is entry 2"
contains "$OUT" "^  for years +2026;2027$" "show text years of the pledge"

expect 0 "show 3 --format json" fl show 3 --format json
cp "$OUT" "$T/e3.json"
same "$(wc -l <"$T/e3.json" | tr -d ' ')" 1 "show json is one line"
same "$(json "$T/e3.json" .usd_cents)" 54288817 "show json usd_cents"
same "$(json "$T/e3.json" .amount)" 500000.00 "show json amount"
same "$(json "$T/e3.json" .kind)" contribution "show json kind"
h3=$(hash_of 3)
h2=$(hash_of 2)
same "$(json "$T/e3.json" .prev)" "$h2" "entry 3's prev is entry 2's hash"

expect 0 "show 3 --format hex" fl show 3 --format hex
contains "$OUT" "^464c4501" "canonical bytes start with FLE and format 1"
same "$(xxd -r -p <"$OUT" | sha256sum | cut -d' ' -f1)" "$h3" \
	"sha256 of entry 3's canonical bytes is its hash"
fl show 1 --format hex | xxd -r -p | sha256sum | cut -d' ' -f1 >"$T/h1"
same "$(cat "$T/h1")" "$(hash_of 1)" "sha256 of entry 1's canonical bytes is its hash"
expect 0 "show 3 --format csv" fl show 3 --format csv
same "$(cat "$OUT")" "$(fl log --format csv | sed -n '1p; /^3,/p')" \
	"show csv is log's header and log's row of the entry"
expect 2 "show of an entry that does not exist" fl show 99
expect 2 "show 0" fl show 0

# ---- verify ----
expect 0 "verify" fl verify
h17=$(hash_of 17)
same "$(head -n 1 "$OUT")" "OK 17 entries, head $h17" "verify: OK 17 entries, head = entry 17's hash"
same "$last_csv_hash" "$h17" "log csv's last hash is the head"

# ---- write-offs ----
# Pledge 2: 1,000,000.00 less the 500,000.00 that match 4 settled leaves 500,000.00.
expect 0 "partial write-off" fl writeoff p-deu --amount 100000.00 --reason "partial" \
	--date 2026-02-20
contains "$OUT" "^recorded entry 18 \(writeoff\)" "the write-off is entry 18"
contains "$OUT" "writeoff +VFTC +DEU +EUR +100,000\.00 .*writes off pledge 2: partial$" \
	"the write-off takes the pledge's fund, donor and currency"
expect 2 "a write-off over what is left" fl writeoff 2 --amount 400000.01 --reason "too much"
contains "$ERR" "^fundledger: write-off of EUR 400,000\.01 exceeds the EUR 400,000\.00 left on pledge 2$" \
	"the refusal says how much is left"
expect 0 "write off all that is left" fl writeoff 2 --all --reason "rest"
contains "$OUT" "writeoff +VFTC +DEU +EUR +400,000\.00 " "--all writes off the 400,000.00 left"
expect 2 "--all when nothing is left" fl writeoff 2 --all --reason "again"
contains "$ERR" "^fundledger: nothing is left to write off on pledge 2$" "nothing left is said"
expect 2 "a cent when nothing is left" fl writeoff 2 --amount 0.01 --reason "again"
contains "$ERR" "exceeds the EUR 0\.00 left on pledge 2" "0.00 left"
expect 2 "writeoff needs --amount or --all" fl writeoff 2 --reason "none"
expect 2 "writeoff of something that is not a pledge" fl writeoff 3 --all --reason "x"
contains "$ERR" "^fundledger: entry 3 is a contribution, not a pledge$" "not a pledge"
expect 2 "writeoff of a match" fl writeoff 4 --all --reason "x"
contains "$ERR" "^fundledger: entry 4 is a match, not a pledge$" "a match is not a pledge either"
same "$(count)" 19 "refused write-offs wrote nothing"

# ---- reversals ----
expect 0 "reverse the CHF 0.06 contribution" fl reverse 12 --reason "duplicate"
contains "$OUT" "^recorded entry 20 \(reversal\)" "the reversal is entry 20"
contains "$OUT" "reverses 12: duplicate$" "the reversal names its target and reason"
expect 0 "show 12" fl show 12
contains "$OUT" "^  status +reversed by entry 20$" "show marks the reversed entry"
expect 0 "log after the reversal" fl log
contains "$OUT" "^ +12 .*bank CH-2 \[reversed by 20\]$" "log marks the reversed entry"
expect 2 "reversing an entry twice" fl reverse 12 --reason "again"
contains "$ERR" "^fundledger: entry 12 was reversed by entry 20$" "twice is refused"
expect 2 "reversing a reversal" fl reverse 20 --reason "undo"
contains "$ERR" "^fundledger: entry 20 is a reversal; record the entry again instead" \
	"a reversal is not reversed"
expect 2 "reversing an entry that does not exist" fl reverse 99 --reason "x"
contains "$ERR" "^fundledger: entry 99 does not exist$" "missing target"
same "$(count)" 20 "refused reversals wrote nothing"

# ---- totals (reversed entry 12 left out; a match is not a second receipt) ----
expect 0 "totals --format csv" fl totals --format csv
cat >"$T/totals.expected" <<'EOF'
fund,currency,pledged,received,written_off,received_usd
UPRI,JPY,0,10000000,0,63897.76
UPRI,KWD,0.000,1234.567,0.000,4014.85
UPRP,EUR,0.00,2271.00,0.00,2500.00
UPRP,USD,0.00,250000.00,0.00,250000.00
VFTC,CHF,0.00,10.04,0.00,12.54
VFTC,EUR,1000000.00,500000.00,500000.00,542888.17
EOF
same "$(cat "$OUT")" "$(cat "$T/totals.expected")" "totals csv, worked by hand"
expect 0 "totals" fl totals
contains "$OUT" "^VFTC +all +542,900\.71$" "VFTC USD total: 542,888.17 + 12.54"
contains "$OUT" "^UPRP +all +252,500\.00$" "UPRP USD total"
contains "$OUT" "^UPRI +all +67,912\.61$" "UPRI USD total: 63,897.76 + 4,014.85"
expect 0 "totals --fund UPRI --format json" fl totals --fund UPRI --format json
if command -v jq >/dev/null 2>&1; then
	same "$(jq -r '.[] | .currency + "=" + .received_usd' "$OUT" | tr '\n' ' ')" \
		"JPY=63897.76 KWD=4014.85 " "totals json for UPRI"
fi

# A pledge with live contributions or write-offs is reversed only after they are.
expect 2 "reversing a pledge with a live contribution" fl reverse p-deu --reason "withdrawn"
contains "$ERR" "^fundledger: pledge 2 still has entry 3 against it; reverse that first$" \
	"the live contribution is named"
expect 0 "reverse the contribution" fl reverse 3 --reason "returned"
contains "$OUT" "^recorded entry 21 \(reversal\)" "the contribution's reversal is entry 21"
# Match 4 stands no longer once its contribution is reversed: what it settled is left again.
expect 2 "a write-off over what the reversal left" fl writeoff 2 --amount 500000.01 --reason "x"
contains "$ERR" "^fundledger: write-off of EUR 500,000\.01 exceeds the EUR 500,000\.00 left on pledge 2$" \
	"with contribution 3 reversed, its match settles nothing: 1,000,000.00 less 500,000.00 written off"
expect 2 "reversing a pledge with live write-offs" fl reverse p-deu --reason "withdrawn"
contains "$ERR" "^fundledger: pledge 2 still has entry 1[89] against it" "a live write-off is named"
expect 0 "reverse write-off 18" fl reverse 18 --reason "undo"
expect 0 "reverse write-off 19" fl reverse 19 --reason "undo"
expect 0 "now the pledge can be reversed" fl reverse p-deu --reason "withdrawn"
contains "$OUT" "^recorded entry 24 \(reversal\)" "the pledge's reversal is entry 24"
expect 2 "a contribution to a reversed pledge" fl contribute --donor DEU --fund VFTC \
	--currency EUR --amount 1.00 --date 2026-02-01 --pledge 2 --bank-ref DE-7
contains "$ERR" "^fundledger: pledge 2 was reversed by entry 24$" "reversed pledge is refused"
same "$(count)" 24 "the refused contribution wrote neither it nor a match"
expect 0 "totals after reversing the pledge" fl totals --fund VFTC --format csv
same "$(tail -n +2 "$OUT")" "VFTC,CHF,0.00,10.04,0.00,12.54" "VFTC EUR is gone from the totals"

# Reversing a rate takes it out of force: FR-style contributions fall back to the older one.
expect 0 "reverse the 2026-02-15 EUR rate" fl reverse 14 --reason "wrong rate"
expect 0 "EUR after 2026-02-15 now uses the 2026-01-01 rate" fl contribute --donor FRA \
	--fund UPRP --currency EUR --amount 921.00 --date 2026-03-01 --bank-ref FR-4
contains "$OUT" "EUR +921\.00 +1,000\.00 " "921.00 EUR at 0.921 = 1,000.00 USD"
same "$(recorded_seq)" 26 "a contribution that names no pledge is one entry, 26"

# ---- matches across currencies ----
# A match settles its pledge in the pledge's currency, through USD at the rates in force on the
# contribution's value date (EUR 0.921 again, CHF 0.8): 2,000.00 EUR less 921.00 and 92.10.
expect 0 "a EUR pledge from France" fl pledge --donor FRA --fund UPRP --currency EUR \
	--amount 2000.00 --years 2026 --date 2026-01-10 --ref p-fra
contains "$OUT" "^recorded entry 27 \(pledge\)" "the pledge is entry 27"
expect 0 "a USD contribution naming the EUR pledge" fl contribute --donor FRA --fund UPRP \
	--currency USD --amount 1000.00 --date 2026-03-01 --pledge p-fra --bank-ref FR-5
same "$(recorded_seq | tr '\n' ' ')" "28 29 " "the USD contribution is entry 28, its match 29"
contains "$OUT" "^ +29 +[0-9-]{10} +match +UPRP +FRA +USD +1,000\.00 +1,000\.00 +applies 28 to pledge 27: named by the contribution$" \
	"match 29 applies all of the USD 1,000.00 of contribution 28 to pledge 27"
fl show 29 --format json >"$T/e29.json"
same "$(json "$T/e29.json" .contribution)/$(json "$T/e29.json" .settled_minor)/$(json "$T/e29.json" .settle_rate)/$(json "$T/e29.json" .settle_rate_seq)" \
	"28/92100/0.921/1" "match 29 settles EUR 921.00 at the EUR rate in force (entry 1, 0.921)"
expect 0 "a CHF contribution naming the EUR pledge" fl contribute --donor FRA --fund UPRP \
	--currency CHF --amount 80.00 --date 2026-03-01 --pledge p-fra --bank-ref FR-6
same "$(recorded_seq | tr '\n' ' ')" "30 31 " "the CHF contribution is entry 30, its match 31"
contains "$OUT" "^ +31 +[0-9-]{10} +match +UPRP +FRA +CHF +80\.00 +100\.00 +applies 30 to pledge 27: named by the contribution$" \
	"match 31 applies all of the CHF 80.00 (USD 100.00) of contribution 30 to pledge 27"
fl show 31 --format json >"$T/e31.json"
same "$(json "$T/e31.json" .contribution)/$(json "$T/e31.json" .settled_minor)/$(json "$T/e31.json" .settle_rate)/$(json "$T/e31.json" .settle_rate_seq)" \
	"30/9210/0.921/1" "match 31 settles EUR 92.10"
expect 2 "a write-off a cent over what the matches left" fl writeoff p-fra --amount 986.91 \
	--reason "too much"
contains "$ERR" "^fundledger: write-off of EUR 986\.91 exceeds the EUR 986\.90 left on pledge 27$" \
	"the matches settled EUR 921.00 and EUR 92.10 of the EUR 2,000.00"
expect 0 "write off the rest of the French pledge" fl writeoff p-fra --all --reason "rest"
contains "$OUT" "^recorded entry 32 \(writeoff\)" "the write-off is entry 32"
contains "$OUT" "writeoff +UPRP +FRA +EUR +986\.90 .*writes off pledge 27: rest$" \
	"--all writes off the EUR 986.90 left"
expect 0 "log --kind match" fl log --kind match
same "$(tail -n +2 "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" "4 29 31 " \
	"three matches, one per contribution that named its pledge"
expect 0 "totals --fund UPRP --format csv" fl totals --fund UPRP --format csv
cat >"$T/totals-uprp.expected" <<'EOF'
fund,currency,pledged,received,written_off,received_usd
UPRP,CHF,0.00,80.00,0.00,100.00
UPRP,EUR,2000.00,3192.00,986.90,3500.00
UPRP,USD,0.00,251000.00,0.00,251000.00
EOF
same "$(cat "$OUT")" "$(cat "$T/totals-uprp.expected")" \
	"UPRP totals: each contribution counted once, in its own currency"

expect 0 "verify at the end" fl verify
same "$(head -n 1 "$OUT")" "OK 32 entries, head $(hash_of 32)" "verify: 32 entries, head = entry 32's hash"
# Each of the 29 writes ended with a signed checkpoint; the three contributions that named a
# pledge each wrote two entries under one; the last checkpoint is of size 32.
contains "$OUT" "^root [A-Za-z0-9+/]{43}=, 29 signed checkpoints, 0 cosignatures$" \
	"verify: every write was signed"
fl checkpoint >"$T/cp"
same "$(sed -n 2p "$T/cp")" "32" "the latest checkpoint is of size 32"
same "$(sed -n 3p "$T/cp")" "$(sed -n 2p "$OUT" | sed 's/^root \([^,]*\),.*/\1/')" \
	"its root is the one verify computed"

# ---- help and version ----
expect 0 "--version" fl --version
contains "$OUT" "^fundledger [0-9][0-9.]* \(entry format v2\)$" "--version names the entry format"
expect 0 "help" fl help
for c in init pledge contribute rate reverse writeoff import log show totals verify help; do
	contains "$OUT" "^  $c +[A-Z]" "help lists $c"
done
contains "$OUT" "^exit codes: 0 ok, 1 a check failed, 2 usage or bad input, 3 runtime error$" \
	"help lists the exit codes"
expect 0 "--help" fl --help
contains "$OUT" "^usage: fundledger " "--help prints usage"
expect 0 "pledge --help" fl pledge --help
contains "$OUT" "^usage: fundledger .* pledge --donor D --fund F --currency C --amount A --years Y" \
	"pledge --help shows its options"
cp "$OUT" "$T/pledge-help"
expect 0 "help pledge" fl help pledge
same "$(cat "$OUT")" "$(cat "$T/pledge-help")" "help pledge = pledge --help"
expect 0 "COMMAND --help needs no configuration" env FUNDLEDGER_CONFIG="$T/none.yaml" \
	FUNDLEDGER_LEDGER="$T/none.db" "$FUNDLEDGER" contribute --help
contains "$OUT" "contribute --donor D --fund F --currency C --amount A --bank-ref T" \
	"contribute --help shows its options"
same "$(ls "$T"/none.* 2>/dev/null)" "" "COMMAND --help creates no ledger"
expect 2 "help of an unknown command" fl help frob
contains "$ERR" "^fundledger: unknown command 'frob'$" "help frob is refused"
same "$(count)" 32 "help and version wrote nothing"
