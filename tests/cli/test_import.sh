#!/bin/sh
# tests/cli/test_import.sh: CSV import (ledger/import.c, docs/CSV.md). A good file imports
# with the right content; importing it again changes nothing; a longer file adds just its new
# rows; every malformed file is refused as "FILE:LINE: message" naming the right line, with
# nothing of the file written (count and verified head unchanged). A contribution row that names
# its pledge adds two entries: the contribution, then the match that applies all of it to the
# pledge (reason "named by the contribution").
. "$ROOT/tests/cli/lib.sh"

DATA="$ROOT/tests/cli/data"
HEADER="kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref,announcement,bank_ref,pledge,rate"
# Imports run from $T, so messages name files as given ("bad.csv:4: ...").
cd "$T" || exit 1

# crlf FILE: FILE with every line ended by CR LF.
crlf() { awk '{ printf "%s\r\n", $0 }' "$1"; }

# The ledger's state: its entry count and verify's line (which holds the head).
state() { echo "$(count) $(fl verify 2>&1)"; }

# log_csv: the log as CSV with each hash replaced by HASH (hashes are checked by verify) and
# each derived reference by auto-KEY (a match's is derived from its content).
log_csv() {
	fl log --format csv | sed 's/,auto-[0-9a-f]\{64\},/,auto-KEY,/; s/,[0-9a-f]\{64\},/,HASH,/'
}
# matches: the matches in the log text, as "SEQ CCY AMOUNT USD DETAIL".
matches() {
	fl log --kind match | tail -n +2 | sed 's/  */ /g; s/^ //' | cut -d' ' -f1,6-
}

expect 0 "init" fl init

# ---- a good file: CRLF, quoted fields with commas and "", a pledge named by its ref ----
crlf "$DATA/import_good.csv" >good.csv
same "$(grep -c "$(printf '\r')\$" good.csv)" 8 "the good file has CRLF line ends"
expect 0 "import a good CSV file" fl import good.csv
same "$(cat "$OUT")" "good.csv: 7 rows, 9 new entries (1-9), 0 already recorded" \
	"import reports rows, new entries (two of them matches) and their range"
same "$(count)" 9 "nine entries"
log_csv >"$T/log.csv"
cat >"$T/log.expected" <<'EOF'
seq,kind,date,fund,donor,currency,amount,usd,rate,rate_seq,pledge,target,years,due,bank_ref,donor_ref,announcement,earmark,reason,ref,recorded_at,recorded_by,hash,reversed_by,contribution,settled,settle_rate,settle_rate_seq,statement,line,account,statement_id,from,opening,closing,lines,direction,booked,entry_ref,end_to_end,debtor,remittance,bank_reversal
1,rate,2026-01-01,,,EUR,,,0.921,,,,,,,,,,,r-eur-2026-01,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
2,rate,2026-01-01,,,JPY,,,156.5,,,,,,,,,,,r-jpy-2026-01,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
3,pledge,2026-01-15,VFTC,DEU,EUR,1000000.00,,,,,,2026;2027,2026-06-30,,"Note ""verbale"" 123/2026",HRC pledging conference,"Field offices, Africa",,p-deu-2026,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
4,pledge,2026-01-20,UPRI,JPN,JPY,20000000,,,,,,2026,,,,,,,p-jpn-2026,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
5,contribution,2026-02-01,VFTC,DEU,EUR,500000.00,542888.17,0.921,1,3,,,,"BNK-1, tranche 1",,,,,c-deu-1,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
6,match,,VFTC,DEU,EUR,500000.00,542888.17,0.921,,3,,,,,,,,named by the contribution,auto-KEY,2026-03-01T12:00:00Z,tester,HASH,,5,50000000,,,,,,,,,,,,,,,,,
7,contribution,2026-02-03,UPRI,JPN,JPY,10000000,63897.76,156.5,2,4,,,,JP-1,,,,,c-jpn-1,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
8,match,,UPRI,JPN,JPY,10000000,63897.76,156.5,,4,,,,,,,,named by the contribution,auto-KEY,2026-03-01T12:00:00Z,tester,HASH,,7,10000000,,,,,,,,,,,,,,,,,
9,contribution,2026-02-02,UPRP,USA,USD,250000.00,250000.00,1.0,,,,,,BNK-2,,,,,c-usa-1,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
EOF
same "$(cat "$T/log.csv")" "$(cat "$T/log.expected")" \
	"imported entries: every column, quotes and commas unescaped, USD at the file's rates, pledges resolved, each match (its contribution, pledge, amount and settled minor units) after its contribution"
same "$(matches)" "6 EUR 500,000.00 542,888.17 applies 5 to pledge 3: named by the contribution
8 JPY 10,000,000 63,897.76 applies 7 to pledge 4: named by the contribution" \
	"the matches apply all of contributions 5 and 7 to the pledges their rows name"
expect 0 "show the imported pledge" fl show p-deu-2026
contains "$OUT" '^  donor ref +Note "verbale" 123/2026$' "a doubled quote is one quote"
contains "$OUT" '^  earmark +Field offices, Africa$' "a quoted comma is kept"
expect 0 "verify after the import" fl verify
contains "$OUT" "^OK 9 entries, head [0-9a-f]{64}$" "verify: 9 entries"
AFTER_GOOD=$(state)

# ---- importing the same file again changes nothing ----
expect 0 "import the same file again" fl import good.csv
same "$(cat "$OUT")" "good.csv: 7 rows, 0 new entries, 7 already recorded" \
	"a re-import finds every row already recorded"
same "$(state)" "$AFTER_GOOD" "a re-import leaves count and head as they were"
tr -d '\r' <good.csv >good-lf.csv
expect 0 "the same rows with LF line ends" fl import good-lf.csv
same "$(cat "$OUT")" "good-lf.csv: 7 rows, 0 new entries, 7 already recorded" \
	"LF and CRLF files are the same rows"
same "$(state)" "$AFTER_GOOD" "nothing written by the LF copy"

# ---- a longer file imports just its new rows ----
{
	cat good.csv
	printf 'rate,r-eur-2026-02,,,EUR,,2026-02-15,,,,,,,,0.9\r\n'
	printf 'contribution,c-deu-2,VFTC,DEU,EUR,90.00,2026-02-20,,,,,,BNK-3,p-deu-2026,\r\n'
} >more.csv
expect 0 "import a file with two new rows after the old ones" fl import more.csv
same "$(cat "$OUT")" "more.csv: 9 rows, 3 new entries (10-12), 7 already recorded" \
	"only the two new rows are written, the contribution with its match"
log_csv | tail -n 3 >"$T/new.csv"
cat >"$T/new.expected" <<'EOF'
10,rate,2026-02-15,,,EUR,,,0.9,,,,,,,,,,,r-eur-2026-02,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
11,contribution,2026-02-20,VFTC,DEU,EUR,90.00,100.00,0.9,10,3,,,,BNK-3,,,,,c-deu-2,2026-03-01T12:00:00Z,tester,HASH,,,,,,,,,,,,,,,,,,,,
12,match,,VFTC,DEU,EUR,90.00,100.00,0.9,,3,,,,,,,,named by the contribution,auto-KEY,2026-03-01T12:00:00Z,tester,HASH,,11,9000,,,,,,,,,,,,,,,,,
EOF
same "$(cat "$T/new.csv")" "$(cat "$T/new.expected")" \
	"the new contribution uses the new rate from the same file (90.00 EUR at 0.9 = 100.00 USD)"
same "$(matches | tail -n 1)" "12 EUR 90.00 100.00 applies 11 to pledge 3: named by the contribution" \
	"match 12 applies all of contribution 11 to pledge 3"

# Columns in another order, only the ones needed, a byte-order mark, pledge by number.
printf '\357\273\277currency,rate,date,kind\nCHF,0.8,2026-01-01,rate\n' >bom.csv
expect 0 "a file with a BOM and a short header in its own order" fl import bom.csv
same "$(cat "$OUT")" "bom.csv: 1 row, 1 new entry (13-13), 0 already recorded" "one rate imported"
printf 'bank_ref,pledge,amount,date,currency,donor,fund,kind\nCH-1,,0.06,2026-02-04,CHF,CHE,VFTC,contribution\nDE-9,3,0.01,2026-02-21,EUR,DEU,VFTC,contribution\n' >short.csv
expect 0 "contributions without refs, one naming its pledge by number" fl import short.csv
same "$(cat "$OUT")" "short.csv: 2 rows, 3 new entries (14-16), 0 already recorded" \
	"two rows imported, the one naming its pledge with its match"
log_csv | tail -n 3 | cut -d, -f1-11 >"$T/short.out"
printf '%s\n' "14,contribution,2026-02-04,VFTC,CHE,CHF,0.06,0.08,0.8,13," \
	"15,contribution,2026-02-21,VFTC,DEU,EUR,0.01,0.01,0.9,10,3" \
	"16,match,,VFTC,DEU,EUR,0.01,0.01,0.9,,3" >"$T/short.expected"
same "$(cat "$T/short.out")" "$(cat "$T/short.expected")" \
	"0.06 CHF at 0.8 ties to 0.08; 0.01 EUR at 0.9 = 0.0111 -> 0.01; pledge 3 by number, and its match"
same "$(matches | tail -n 1)" "16 EUR 0.01 0.01 applies 15 to pledge 3: named by the contribution" \
	"match 16 applies all of contribution 15 to pledge 3"
expect 0 "rows without refs replay by content" fl import short.csv
same "$(cat "$OUT")" "short.csv: 2 rows, 0 new entries, 2 already recorded" \
	"the derived refs find the rows already recorded"
same "$(count)" 16 "the replay wrote no second match"
echo "$HEADER" >empty-ok.csv
expect 0 "a file with only a header" fl import empty-ok.csv
same "$(cat "$OUT")" "empty-ok.csv: 0 rows, 0 new entries, 0 already recorded" "no rows, nothing written"
expect 0 "verify after the imports" fl verify
contains "$OUT" "^OK 16 entries, " "verify: 16 entries"
same "$(matches | cut -d' ' -f1 | tr '\n' ' ')" "6 8 12 16 " \
	"four matches, one per imported contribution that names its pledge"

# ---- malformed files: exit 2, FILE:LINE:, nothing written ----
BASE=$(state)
# Two good, new rows for lines 2 and 3: a refused file must not write them.
G2='pledge,n-fra-1,VFTC,FRA,EUR,10.00,2026-01-15,2026,,,,,,,'
G3='contribution,n-usa-2,UPRP,USA,USD,20.00,2026-02-02,,,,,,BNK-9,,'

# bad NAME LINE REGEX DESCRIPTION: importing NAME.csv (already written) exits 2 with
# "fundledger: NAME.csv:LINE: " and REGEX on stderr, and writes nothing.
bad() {
	expect 2 "$4: exit 2" fl import "$1.csv"
	contains "$ERR" "^fundledger: $1\.csv:$2: $3" "$4: names line $2"
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$4: nothing on stdout"
	same "$(state)" "$BASE" "$4: count and head unchanged"
}

printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,VFTC,FRA,EUR,10.00' >cols.csv
bad cols 4 "6 fields, the header has 15$" "a row with too few fields"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" "$G2,extra" >cols2.csv
bad cols2 4 "16 fields, the header has 15$" "a row with too many fields"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'pledge,n-a"b,VFTC,FRA,EUR,10.00,2026-01-15,2026,,,,,,,' >quote.csv
bad quote 3 "quote inside unquoted field 2$" "a quote inside an unquoted field"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,"n-x,VFTC,FRA,EUR,10.00,2026-01-15,2026,,,,,,,' >unterm.csv
bad unterm 4 "unterminated quoted field$" "an unterminated quote"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,"n-x"y,VFTC,FRA,EUR,10.00,2026-01-15,2026,,,,,,,' >after.csv
bad after 4 "text after the closing quote of field 2$" "text after a closing quote"
{
	printf '%s\n%s\n%s\n' "$HEADER" "$G2" "$G3"
	printf 'pledge,n-x,VFTC,FRA,EUR,10.00,2026-01-15,2026,,bad \377 byte,,,,,\n'
} >utf8.csv
bad utf8 4 "earmark: invalid UTF-8$" "invalid UTF-8"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,VFTC,FRA,EUR,1e5,2026-01-15,2026,,,,,,,' >amount.csv
bad amount 4 "amount '1e5' has invalid character 'e'" "a bad amount on line 4 after two good rows"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,VFTC,FRA,EUR,1.234,2026-01-15,2026,,,,,,,' >decimals.csv
bad decimals 4 "amount '1\.234' has more than 2 decimals$" "too many decimals on line 4"
printf 'kind,ref,colour\nrate,x,red\n' >unkcol.csv
bad unkcol 1 "unknown column 'colour'" "an unknown column"
printf 'ref,currency,date,rate\nx,EUR,2026-01-01,0.9\n' >nokind.csv
bad nokind 1 "the header has no 'kind' column$" "no kind column"
printf 'kind,currency,date,rate,kind\nrate,EUR,2026-01-01,0.9,rate\n' >twice.csv
bad twice 1 "column 'kind' appears twice$" "a column twice"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'pledge,n-x,VFTC,FRA,EUR,10.00,2026-01-15,2026,,,,,,,0.9' >ratecol.csv
bad ratecol 3 "rate: does not apply to a pledge$" "a rate on a pledge row"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'contribution,n-x,VFTC,FRA,EUR,10.00,2026-02-01,,,,,,,,' >nobank.csv
bad nobank 3 "bank_ref: required for a contribution$" "a contribution without bank_ref"
printf '%s\n%s\n\n%s\n' "$HEADER" "$G2" "$G3" >emptyline.csv
bad emptyline 3 "empty line$" "an empty line"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" "$G2" >dup.csv
bad dup 4 "same as line 2 " "a row repeated in the file"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,VFTC,FRA,XYZ,10.00,2026-01-15,2026,,,,,,,' >currency.csv
bad currency 4 "currency: unknown currency 'XYZ'$" "an unknown currency"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,XXX,FRA,EUR,10.00,2026-01-15,2026,,,,,,,' >fund.csv
bad fund 4 "unknown fund 'XXX'$" "an unknown fund"
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$G2" "$G3" 'pledge,n-x,VFTC,FRA,EUR,10.00,2026-02-30,2026,,,,,,,' >date.csv
bad date 4 "date: '2026-02-30' is not a date" "an impossible date"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'reversal,n-x,,,,,,,,,,,,,' >kind.csv
bad kind 3 "kind 'reversal' cannot be imported" "a kind that cannot be imported"
printf '%s\n%s\n%s\n' "$HEADER" 'contribution,n-x,VFTC,FRA,EUR,10.00,2026-02-01,,,,,,B-1,n-fra-1,' "$G2" >forward.csv
bad forward 2 "pledge: no entry has reference 'n-fra-1'$" "a pledge named before its row"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'contribution,n-x,VFTC,FRA,GBP,10.00,2026-02-01,,,,,,B-1,,' >norate.csv
bad norate 3 "no UN operational rate for GBP in force on 2026-02-01" "a contribution without a rate"
printf '%s\n%s\n%s\n' "$HEADER" "$G2" 'pledge,p-deu-2026,VFTC,DEU,EUR,1.00,2026-01-15,2026,,,,,,,' >conflict.csv
bad conflict 3 "reference 'p-deu-2026' is already recorded as entry 3 with other content$" \
	"a known ref with other content"
# A contribution naming its pledge is refused as a whole when its row is bad after it: neither
# the contribution nor its match is written.
printf '%s\n%s\n%s\n' "$HEADER" 'contribution,n-deu-9,VFTC,DEU,EUR,5.00,2026-02-21,,,,,,BNK-8,p-deu-2026,' \
	'pledge,n-x,VFTC,FRA,EUR,1e5,2026-01-15,2026,,,,,,,' >named.csv
bad named 3 "amount '1e5' has invalid character 'e'" "a bad row after a contribution that names its pledge"
# A match that cannot be made refuses its contribution's row: a USD payment naming a GBP pledge
# settles through the GBP rate of its value date, and there is none.
printf '%s\n%s\n%s\n' "$HEADER" 'pledge,n-gbr-1,VFTC,GBR,GBP,100.00,2026-01-15,2026,,,,,,,' \
	'contribution,n-gbr-c,VFTC,GBR,USD,10.00,2026-02-01,,,,,,BNK-7,n-gbr-1,' >nomatch.csv
bad nomatch 3 "no UN operational rate for GBP in force on 2026-02-01, the value date of contribution 18$" \
	"a contribution whose match has no rate to settle with"
printf '%s\n%s\r%s\n' "$HEADER" "$G2" "$G3" >cr.csv
bad cr 2 "carriage return without line feed$" "a bare CR"
: >empty.csv
bad empty 1 "empty file, expected a header row$" "an empty file"
expect 3 "a file that does not exist" fl import missing.csv
contains "$ERR" "^fundledger: missing\.csv: cannot open: No such file or directory$" \
	"the missing file is named"
same "$(state)" "$BASE" "nothing written for a missing file"
expect 2 "import takes one file" fl import a.csv b.csv
