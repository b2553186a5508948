#!/bin/sh
# tests/cli/test_badinput.sh: every kind of bad input to the write commands and to the
# configuration is refused with the right exit code and a message on stderr, and nothing is
# written: the entry count and the verified head stay as they were.
. "$ROOT/tests/cli/lib.sh"

expect 0 "init" fl init
expect 0 "rate EUR" fl rate --currency EUR --rate 0.921 --date 2026-01-01
expect 0 "rate JPY" fl rate --currency JPY --rate 156.5 --date 2026-01-01
expect 0 "a pledge to refer to" fl pledge --donor DEU --fund VFTC --currency EUR \
	--amount 1000.00 --years 2026 --date 2026-02-01 --ref k1
expect 0 "verify before the bad input" fl verify
BASE_COUNT=$(count)
BASE_VERIFY=$(cat "$OUT")
same "$BASE_COUNT" 3 "three entries to start from"

# unchanged DESCRIPTION: the ledger has the same entries and head as before.
unchanged() {
	same "$(count)" "$BASE_COUNT" "$1: entry count unchanged"
	same "$(fl verify 2>&1)" "$BASE_VERIFY" "$1: verify still OK with the same head"
}

# refused CODE DESCRIPTION REGEX COMMAND...: exits CODE, stderr's first line matches
# "^fundledger: " and REGEX, and nothing was written.
refused() {
	rcode=$1
	rdesc=$2
	rre=$3
	shift 3
	expect "$rcode" "$rdesc: exit $rcode" "$@"
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$rdesc: nothing on stdout"
	head -n 1 "$ERR" >"$T/err1"
	contains "$T/err1" "^fundledger: " "$rdesc: message starts 'fundledger: '"
	contains "$ERR" "$rre" "$rdesc: message says why"
	unchanged "$rdesc"
}

pledge() {
	fl pledge --donor DEU --fund VFTC --currency "$1" --amount "$2" --years 2026 \
		--date 2026-02-01
}

# ---- amounts ----
BADCHARS="only digits 0-9 and one '\.' are allowed"
refused 2 "amount 1e309" "amount '1e309' has invalid character 'e' at offset 1 \($BADCHARS" \
	pledge EUR 1e309
refused 2 "amount nan" "amount 'nan' has invalid character 'n' at offset 0" pledge EUR nan
refused 2 "amount 0x1p4" "amount '0x1p4' has invalid character 'x' at offset 1" pledge EUR 0x1p4
refused 2 "amount 12.5abc" "amount '12\.5abc' has invalid character 'a' at offset 4" \
	pledge EUR 12.5abc
refused 2 "amount 1,000.00" "amount '1,000\.00' has invalid character ',' at offset 1" \
	pledge EUR 1,000.00
refused 2 "empty amount" "^fundledger: amount is empty$" pledge EUR ""
refused 2 "amount -5" "^fundledger: amount '-5' has a sign" pledge EUR -5
refused 2 "amount +5" "^fundledger: amount '\+5' has a sign" pledge EUR +5
refused 2 "amount 1.234 EUR" "^fundledger: amount '1\.234' has more than 2 decimals$" \
	pledge EUR 1.234
refused 2 "amount 1.5 JPY" "^fundledger: amount '1\.5' has decimals, but the currency has none$" \
	pledge JPY 1.5
refused 2 "amount 99999999999999999999" \
	"^fundledger: amount '99999999999999999999' is too large" pledge EUR 99999999999999999999
refused 2 "amount 0.00" "^fundledger: amount must be more than zero$" pledge EUR 0.00
refused 2 "amount ' 5' with a space" "^fundledger: amount ' 5' has leading or trailing space$" \
	pledge EUR " 5"
refused 2 "contribution amount 1e3" "amount '1e3' has invalid character 'e'" \
	fl contribute --donor DEU --fund VFTC --currency EUR --amount 1e3 --bank-ref X \
	--date 2026-02-01
refused 2 "contribution amount 1.5 JPY" "has decimals, but the currency has none" \
	fl contribute --donor JPN --fund VFTC --currency JPY --amount 1.5 --bank-ref X \
	--date 2026-02-01
refused 2 "write-off amount -1" "amount '-1' has a sign" fl writeoff k1 --amount -1 --reason x

# ---- codes ----
refused 2 "unknown fund" "^fundledger: unknown fund 'XXX'$" \
	fl pledge --donor DEU --fund XXX --currency EUR --amount 1 --years 2026
refused 2 "unknown donor" "^fundledger: unknown donor 'ZZZ'$" \
	fl pledge --donor ZZZ --fund VFTC --currency EUR --amount 1 --years 2026
refused 2 "unknown currency" "^fundledger: unknown currency 'XYZ'$" \
	fl pledge --donor DEU --fund VFTC --currency XYZ --amount 1 --years 2026
refused 2 "unknown currency in a contribution" "^fundledger: unknown currency 'XYZ'$" \
	fl contribute --donor DEU --fund VFTC --currency XYZ --amount 1 --bank-ref X
refused 2 "unknown currency in a rate" "^fundledger: unknown currency 'XYZ'$" \
	fl rate --currency XYZ --rate 1 --date 2026-01-01
refused 2 "a lower-case donor code" "deu" \
	fl pledge --donor deu --fund VFTC --currency EUR --amount 1 --years 2026

# ---- dates ----
for d in 2026-02-30 2025-02-29 2026-13-01 26-01-01 2026-1-01 2026-01-01T00:00:00Z; do
	refused 2 "pledge date $d" "^fundledger: date '$d' is not a real date \(YYYY-MM-DD\)$" \
		fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026 --date "$d"
done
refused 2 "value date 2026-02-30" "date '2026-02-30' is not a real date" \
	fl contribute --donor DEU --fund VFTC --currency EUR --amount 1 --bank-ref X \
	--date 2026-02-30
refused 2 "rate date 2025-02-29" "date '2025-02-29' is not a real date" \
	fl rate --currency EUR --rate 0.9 --date 2025-02-29
refused 2 "due date 2026-02-30" "2026-02-30" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026 \
	--date 2026-02-01 --due 2026-02-30
refused 2 "due before the pledge date" \
	"^fundledger: due date 2026-01-31 is before the pledge date 2026-02-01$" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026 \
	--date 2026-02-01 --due 2026-01-31
expect 0 "2024-02-29 is a real date" fl pledge --donor DEU --fund VFTC --currency EUR \
	--amount 1 --years 2024 --date 2024-02-29
BASE_COUNT=$(count)
BASE_VERIFY=$(fl verify)

# ---- years ----
for y in 0 abc 2026,2027 20260 2027-2026 "" "2026;2026" "2027;2026" "2026;" "2026-27"; do
	refused 2 "years '$y'" "^fundledger: years '$y': expected YYYY, YYYY-YYYY or YYYY;YYYY;\.\.\. in order$" \
		fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years "$y"
done
refused 2 "17 years" "^fundledger: years '2026-2042': more than 16 years$" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026-2042

# ---- references ----
refused 2 "an all-digits --ref" "^fundledger: reference '12345' is all digits" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026 --ref 12345
refused 2 "--ref k1 with other content" \
	"^fundledger: reference 'k1' is already recorded as entry 3 with other content$" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1000.01 --years 2026 \
	--date 2026-02-01 --ref k1
refused 2 "--ref k1 on another kind" "reference 'k1' is already recorded as entry 3" \
	fl contribute --donor DEU --fund VFTC --currency EUR --amount 1000.00 --bank-ref X \
	--date 2026-02-01 --ref k1
expect 0 "--ref k1 with the same content" fl pledge --donor DEU --fund VFTC --currency EUR \
	--amount 1000.00 --years 2026 --date 2026-02-01 --ref k1
same "$(cat "$OUT")" "already recorded as entry 3 (ref k1); nothing written" \
	"the same content under the same ref is a replay"
unchanged "replay with --ref"
expect 0 "1000 is the same amount as 1000.00" fl pledge --donor DEU --fund VFTC \
	--currency EUR --amount 1000 --years 2026 --date 2026-02-01 --ref k1
contains "$OUT" "^already recorded as entry 3 \(ref k1\); nothing written$" "1000 replays 1000.00"
unchanged "replay with another spelling of the amount"
expect 0 "the same content without a ref" fl pledge --donor DEU --fund VFTC --currency EUR \
	--amount 1 --years 2024 --date 2024-02-29
contains "$OUT" "^already recorded as entry 4 \(ref auto-[0-9a-f]{64}\); nothing written$" \
	"the derived ref replays the same content"
unchanged "replay without --ref"
refused 2 "a ref naming no entry" "no entry has reference 'nope'" \
	fl contribute --donor DEU --fund VFTC --currency EUR --amount 1 --bank-ref X \
	--date 2026-02-01 --pledge nope
refused 2 "a pledge that does not exist" "pledge 99 does not exist" \
	fl contribute --donor DEU --fund VFTC --currency EUR --amount 1 --bank-ref X \
	--date 2026-02-01 --pledge 99

# ---- rates ----
for r in 0 -0.9 1e3 0.9x ""; do
	refused 2 "rate '$r'" "^fundledger: rate" fl rate --currency CHF --rate "$r" --date 2026-01-01
done
refused 2 "a second rate for the same currency and date" \
	"^fundledger: a rate for EUR effective 2026-01-01 is already recorded \(entry 1\)" \
	fl rate --currency EUR --rate 0.95 --date 2026-01-01

# ---- options ----
refused 2 "a missing required option" "^fundledger: pledge needs --years" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1
refused 2 "an option of another command" "^fundledger: rate does not take --donor$" \
	fl rate --currency EUR --rate 0.9 --date 2026-03-01 --donor DEU
refused 2 "a stray argument" "^fundledger: pledge: unexpected argument 'extra'$" \
	fl pledge --donor DEU --fund VFTC --currency EUR --amount 1 --years 2026 extra
refused 2 "reverse without an entry" "^fundledger: reverse takes one entry" \
	fl reverse --reason x
expect 2 "an unknown command" fl frob
contains "$ERR" "^fundledger: unknown command 'frob'; see 'fundledger help'$" \
	"the unknown command is named"
unchanged "unknown command"
# What the user typed is quoted in messages; a terminal escape in it must not reach stderr.
expect 2 "an unknown command holding an escape sequence" fl "$(printf 'x\033[2J\033]0;t\007')"
if LC_ALL=C grep -q "$(printf '[\001-\037\177]')" "$ERR"; then
	not_ok "the message carries no control character"
	od -c "$ERR" | sed 's/^/#   /'
else
	ok "the message carries no control character"
fi
contains "$ERR" "^fundledger: unknown command 'x\?\[2J\?\]0;t\?'; see" \
	"the escape bytes are shown as '?'"
expect 2 "an unknown option" fl pledge --colour red --donor DEU --fund VFTC --currency EUR \
	--amount 1 --years 2026
contains "$ERR" "colour" "the unknown option is named"
unchanged "unknown option"
expect 2 "an unknown global option" fl --colour red log
expect 2 "no command" fl
contains "$ERR" "^usage: fundledger " "no command prints usage on stderr"
expect 2 "log --format xml" fl log --format xml
contains "$ERR" "^fundledger: unknown format 'xml'" "the unknown format is named"
expect 2 "log --from 2026-02-30" fl log --from 2026-02-30
contains "$ERR" "^fundledger: --from '2026-02-30' is not a real date" "a bad --from is named"
expect 2 "verify takes no arguments" fl verify now
expect 2 "FUNDLEDGER_NOW that is not a time" env FUNDLEDGER_NOW=yesterday "$FUNDLEDGER" \
	pledge --donor DEU --fund VFTC --currency EUR --amount 7 --years 2026
contains "$ERR" "^fundledger: FUNDLEDGER_NOW 'yesterday' is not a UTC time" "bad clock is named"
unchanged "bad clock"
expect 3 "a ledger that does not exist" fl -d "$T/missing.db" log
contains "$ERR" "^fundledger: $T/missing\.db: No such file or directory \(create it with 'fundledger init'\)$" \
	"a missing ledger is named, with the way to create it"
same "$(ls "$T"/missing.db* 2>/dev/null)" "" "reading a missing ledger does not create it"

# ---- configuration (exit 3, FILE:LINE:COLUMN:) ----
# badconfig NAME: a fresh copy of the configuration in $T/NAME, to break one file of.
badconfig() {
	rm -rf "${T:?}/$1"
	mkdir "$T/$1"
	cp "$T"/*.yaml "$T/$1/"
	cat >"$T/$1/fundledger.yaml" <<'EOF'
ledger: ignored.db
origin: test.example.org
funds: funds.yaml
donors: donors.yaml
currencies: currencies.yaml
EOF
	printf 'keys:\n  - vkey: "%s"\n    role: treasurer\n' "$(cat "$T/treasurer.vkey")" \
		>>"$T/$1/fundledger.yaml"
}

# config_refused NAME DESCRIPTION REGEX: a write with $T/NAME's configuration exits 3,
# with REGEX in the message, and writes nothing.
config_refused() {
	refused 3 "$2" "$3" fl -c "$T/$1/fundledger.yaml" pledge --donor DEU --fund VFTC \
		--currency EUR --amount 5 --years 2026
}

badconfig good
expect 0 "the minimal configuration works" fl -c "$T/good/fundledger.yaml" pledge \
	--donor DEU --fund VFTC --currency EUR --amount 5 --years 2026
BASE_COUNT=$(count)
BASE_VERIFY=$(fl verify)

badconfig syntax
printf 'ledger: x.db\norigin: "unterminated\nfunds: funds.yaml\n' >"$T/syntax/fundledger.yaml"
config_refused syntax "an unterminated quote in fundledger.yaml" \
	"^fundledger: $T/syntax/fundledger\.yaml:4:1: found unexpected end of stream \(while scanning a quoted scalar at line 2, column 9\)$"

badconfig tab
printf 'ledger: x.db\norigin: test.example.org\n\tfunds: funds.yaml\n' >"$T/tab/fundledger.yaml"
config_refused tab "a tab in fundledger.yaml" "^fundledger: $T/tab/fundledger\.yaml:3:1: found a tab character"

badconfig unknown
echo "colour: blue" >>"$T/unknown/fundledger.yaml"
config_refused unknown "an unknown key in fundledger.yaml" \
	"^fundledger: $T/unknown/fundledger\.yaml:9:1: unknown key 'colour' in the main configuration"

badconfig dup
echo "origin: again.example.org" >>"$T/dup/fundledger.yaml"
config_refused dup "a duplicate key in fundledger.yaml" \
	"^fundledger: $T/dup/fundledger\.yaml:9:1: duplicate key 'origin' in the main configuration$"

badconfig alias
printf 'ledger: x.db\norigin: &o test.example.org\nrecorded_by: *o\nfunds: funds.yaml\ndonors: donors.yaml\ncurrencies: currencies.yaml\n' \
	>"$T/alias/fundledger.yaml"
config_refused alias "an anchor in fundledger.yaml" \
	"^fundledger: $T/alias/fundledger\.yaml:2:9: anchors are not allowed \(&o\)$"

badconfig alias2
printf 'ledger: x.db\norigin: test.example.org\nrecorded_by: *o\nfunds: funds.yaml\ndonors: donors.yaml\ncurrencies: currencies.yaml\n' \
	>"$T/alias2/fundledger.yaml"
config_refused alias2 "an alias in fundledger.yaml" \
	"^fundledger: $T/alias2/fundledger\.yaml:3:14: aliases are not allowed \(\*o\)$"

DEU='  - {code: DEU, name: Germany, kind: member_state, group: Western European and Others}'
baddonors() {
	badconfig "$1"
	printf 'donors:\n%s\n%s\n' "$DEU" "$2" >"$T/$1/donors.yaml"
}
baddonors dsyntax '  - {code: FDN-X, name: X kind: foundation}'
config_refused dsyntax "a syntax error in donors.yaml" \
	"^fundledger: $T/dsyntax/donors\.yaml:3:31: did not find expected ',' or '\}'"
baddonors dunknown '  - {code: FDN-X, name: X, kind: foundation, colour: red}'
config_refused dunknown "an unknown key in donors.yaml" \
	"^fundledger: $T/dunknown/donors\.yaml:3:46: unknown key 'colour' in a donor"
baddonors ddupkey '  - {code: FDN-X, name: X, kind: foundation, name: Y}'
config_refused ddupkey "a duplicate key in donors.yaml" \
	"^fundledger: $T/ddupkey/donors\.yaml:3:46: duplicate key 'name' in a donor$"
baddonors ddupcode '  - {code: DEU, name: Germany again, kind: member_state, group: African}'
config_refused ddupcode "a duplicate donor code in donors.yaml" \
	"^fundledger: $T/ddupcode/donors\.yaml:3:12: duplicate donor code 'DEU' \(first at line 2\)$"
baddonors dalias '  - {code: FDN-X, name: *n, kind: foundation}'
config_refused dalias "an alias in donors.yaml" \
	"^fundledger: $T/dalias/donors\.yaml:3:25: aliases are not allowed \(\*n\)$"

refused 3 "a configuration file that does not exist" "$T/none\.yaml" \
	fl -c "$T/none.yaml" pledge --donor DEU --fund VFTC --currency EUR --amount 5 --years 2026
