#!/bin/sh
# test_output.sh: the machine-readable output of every command with --format csv|json, checked
# against docs/OUTPUT.md, which is read here, so the document and the program cannot drift:
# - every "### `CMD --format FMT`[: `PATH`]" section of the document names a command that
#   exists, and every command whose usage mentions --format has a "## `CMD`" section;
# - JSON is one valid document (jq -e .), and the keys of the objects at PATH are exactly the
#   section's field list, in order, in every object; the CSV header is exactly its list;
# - CSV records and JSON records are as many, and agree value for value (python3's csv module);
# - text with commas, quotes and non-ASCII characters is quoted in CSV and escaped in JSON;
# - a bad --format exits 2 with a message and prints nothing; verify prints its record on a
#   failure too, with exit 1.
. "$ROOT/tests/cli/lib.sh"
DOC="$ROOT/docs/OUTPUT.md"
cd "$T" || exit 1

# ---- a small ledger: pledges, contributions in EUR, JPY and USD, a reversal, a write-off, a
# statement with a line that pairs with a contribution, and a receipt with a proposal ---------
cp "$ROOT/tests/cli/data/import_good.csv" good.csv
cp "$ROOT/tests/cli/data/reconcile/stmt-usd-2026-02.csv" stmt.csv
EARMARK='Cité, "Genève" office'
REASON='dupliqué, "twice"'
expect 0 "init" fl init
expect 0 "import --format json" fl import --format json good.csv
cp "$OUT" import1.json
expect 0 "a pledge whose earmark has a comma, quotes and accents" fl pledge --donor FRA \
	--fund UPRP --currency EUR --amount 2500.50 --years 2026 --date 2026-01-10 \
	--earmark "$EARMARK" --ref p-fra
expect 0 "a USD contribution the statement pays" fl contribute --donor CHL --fund VFTC \
	--currency USD --amount 75000.00 --bank-ref CL-MINREL-2026-1 --date 2026-02-10
expect 0 "a contribution recorded twice" fl contribute --donor FRA --fund UPRP --currency EUR \
	--amount 100.00 --bank-ref FR-9 --date 2026-02-11 --ref c-fra-dup
expect 0 "its reversal, with a reason to quote" fl reverse c-fra-dup --reason "$REASON"
expect 0 "a write-off" fl writeoff p-jpn-2026 --amount 1000 --reason 'Écart, "arrondi"' \
	--date 2026-02-20
expect 0 "statement import --format json" fl statement import --format json stmt.csv
cp "$OUT" statement1.json
expect 0 "a receipt that fits the French pledge" fl contribute --donor FRA --fund UPRP \
	--currency EUR --amount 500.00 --bank-ref FR-10 --date 2026-02-15
same "$(count)" 18 "18 entries"

same "$(jq -c . import1.json)" \
	'{"file":"good.csv","rows":7,"new_entries":9,"first_seq":1,"last_seq":9,"replayed":0}' \
	"import --format json: the first import's summary"
same "$(jq -c . statement1.json)" \
	'{"file":"stmt.csv","statements":1,"lines":2,"new_entries":3,"first_seq":15,"last_seq":17,"replayed":0}' \
	"statement import --format json: one statement, two lines, entries 15-17"

# ---- the field lists of docs/OUTPUT.md ----------------------------------------------------
# doc.tsv: "CMD|FMT|PATH<TAB>FIELD" per table row, or "<TAB>@CMD FMT" for a section that says
# it has the fields of another one.
awk '
/^#/ { key = "" }
/^### `[a-z]+ --format (csv|json)`/ {
	line = $0
	sub(/^### `/, "", line)
	cmd = line; sub(/ .*/, "", cmd)
	fmt = line; sub(/^[a-z]+ --format /, "", fmt); sub(/`.*/, "", fmt)
	path = ""
	if (line ~ /`: `/) { path = line; sub(/^[^`]*`: `/, "", path); sub(/`$/, "", path) }
	key = cmd "|" fmt "|" path
	print key "\t"
	next
}
key != "" && /^\| `[a-z_0-9]+` \|/ { f = $0; sub(/^\| `/, "", f); sub(/`.*/, "", f); print key "\t" f; next }
key != "" && /^The fields of `[a-z]+ --format (csv|json)`/ {
	s = $0; sub(/^The fields of `/, "", s); sub(/ --format /, " ", s); sub(/`.*/, "", s)
	print key "\t@" s
}' "$DOC" >doc.tsv
cut -f1 doc.tsv | uniq >sections
nsec=$(wc -l <sections | tr -d ' ')
if [ "$nsec" -ge 20 ]; then ok "OUTPUT.md has $nsec field lists"; else not_ok "OUTPUT.md has $nsec field lists"; fi

# fields KEY: the section's fields, comma-separated, following "@CMD FMT" to that section.
fields() {
	list=$(awk -F'\t' -v k="$1" '$1 == k && $2 != "" { print $2 }' doc.tsv)
	case $list in
	@*)
		ref=${list#@}
		fields "${ref% *}|${ref#* }|$(awk -F'\t' -v c="${ref% *}|${ref#* }|" \
			'index($1, c) == 1 { sub(/^[^|]*\|[^|]*\|/, "", $1); print $1; exit }' doc.tsv)"
		;;
	*) printf '%s\n' "$list" | paste -sd, - ;;
	esac
}
same "$(fields 'help|csv|')" "name,group,usage,summary" "the parser reads help's CSV fields"
same "$(fields 'show|json|.')" "$(fields 'log|json|.[]')" "show's JSON fields are log's"

# ---- every documented command exists; every --format in a usage is documented ------------
expect 0 "help --format json" fl help --format json
cp "$OUT" help.json
jq -r '.[].name' help.json | sort >commands
sed -n 's/^## `\([a-z]*\)`$/\1/p' "$DOC" | sort >doc_commands
missing=$(comm -23 doc_commands commands | tr '\n' ' ')
same "$missing" "" "OUTPUT.md documents no command that does not exist"
jq -r '.[] | select(.usage | test("--format")) | .name' help.json | sort >format_commands
nfmt=$(wc -l <format_commands | tr -d ' ')
if [ "$nfmt" -ge 8 ]; then ok "$nfmt commands take --format"; else not_ok "only $nfmt commands take --format"; fi
missing=$(comm -23 format_commands doc_commands | tr '\n' ' ')
same "$missing" "" "every command whose usage mentions --format has a section in OUTPUT.md"
cut -d'|' -f1 sections | sort -u >doc_tables
missing=$(comm -23 doc_tables doc_commands | tr '\n' ' ')
same "$missing" "" "every field list is under its command's section"
same "$(comm -23 doc_tables format_commands | tr '\n' ' ')" "" \
	"every command with field lists takes --format"
for c in $(cat doc_tables); do
	grep -q "^$c|csv|" sections && grep -q "^$c|json|" sections
	same $? 0 "OUTPUT.md lists both the csv and the json fields of $c"
done

# ---- each command's output in both formats ----------------------------------------------
# run CMD FMT: the command's output in FMT into out.CMD.FMT; checks its exit status.
run() {
	case $1 in
	log) set -- "$1" "$2" 0 fl log --format "$2" ;;
	show) set -- "$1" "$2" 0 fl show 10 --format "$2" ;;
	totals) set -- "$1" "$2" 0 fl totals --format "$2" ;;
	reconcile) set -- "$1" "$2" 1 fl reconcile --format "$2" ;;
	verify) set -- "$1" "$2" 0 fl verify --format "$2" ;;
	import) set -- "$1" "$2" 0 fl import --format "$2" good.csv ;;
	statement) set -- "$1" "$2" 0 fl statement import --format "$2" stmt.csv ;;
	help) set -- "$1" "$2" 0 fl help --format "$2" ;;
	*)
		not_ok "test_output.sh does not know how to run $1"
		return
		;;
	esac
	n=$1 f=$2 code=$3
	shift 3
	expect "$code" "$n --format $f exits $code" "$@"
	cp "$OUT" "out.$n.$f"
	same "$(cat "$ERR")" "" "$n --format $f: nothing on stderr"
}
for c in $(cat doc_tables); do
	run "$c" csv
	run "$c" json
done
same "$(count)" 18 "the replayed imports wrote nothing"

while read -r key; do
	c=${key%%|*}
	rest=${key#*|}
	f=${rest%%|*}
	path=${rest#*|}
	want=$(fields "$key")
	if [ "$f" = csv ]; then
		same "$(head -n 1 "out.$c.csv")" "$want" "$c --format csv: the header is OUTPUT.md's list"
		continue
	fi
	jq -e . "out.$c.json" >/dev/null 2>&1
	same $? 0 "$c --format json: jq -e . accepts it"
	got=$(jq -c "[$path | keys_unsorted] | unique" "out.$c.json" 2>&1)
	same "$got" "$(printf '%s' "$want" | jq -Rc '[split(",")]')" \
		"$c --format json: every object at '$path' has OUTPUT.md's keys, in order"
	same "$(jq -c "[$path] | length > 0" "out.$c.json")" true "$c: '$path' is not empty here"
done <sections

# ---- CSV and JSON agree: as many records, the same values -------------------------------
# compare.py CSV JSON PATH [CSVFIELD=JSONFIELD...]: reads the CSV with the csv module and the
# JSON objects at PATH (".", ".[]" or ".KEY[]"); prints "N" (the number of records compared)
# or the first difference. Values compare as text: null is "", true "true", false "" (the log)
# or "false", arrays of numbers are joined with ";".
cat >compare.py <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
doc = json.load(open(sys.argv[2], encoding='utf-8'))
path = sys.argv[3]
objs = [doc] if path == '.' else doc if path == '.[]' else doc[path[1:-2]]
pairs = dict(a.split('=') for a in sys.argv[4:])
def text(v, false_text):
    if v is None: return ''
    if v is True: return 'true'
    if v is False: return false_text
    if isinstance(v, list): return ';'.join(str(x) for x in v)
    return str(v)
if len(rows) != len(objs):
    print('csv has %d records, json %d' % (len(rows), len(objs))); sys.exit()
for i, (r, o) in enumerate(zip(rows, objs)):
    for k in r:
        j = pairs.get(k, k)
        if j == '-' or j not in o: continue
        if r[k] != text(o[j], r[k] if r[k] == '' else 'false'):
            print('record %d: %s is %r in csv, %r in json' % (i + 1, k, r[k], o[j])); sys.exit()
print(len(rows))
EOF
# agree CMD PATH N [PAIRS...]: CMD's CSV and JSON have N records with the same values.
agree() {
	c=$1 p=$2 n=$3
	shift 3
	same "$(python3 compare.py "out.$c.csv" "out.$c.json" "$p" "$@" 2>&1)" "$n" \
		"$c: $n CSV records, $n JSON records, the same values"
}
agree log '.[]' 18 settled=settled_minor
agree show . 1 settled=settled_minor
agree totals '.[]' 5
agree verify . 1
agree import . 1
agree statement . 1
agree help '.[]' "$(jq length help.json)"
same "$(jq -c '.[] | select(.seq == 10)' out.log.json)" "$(jq -c . out.show.json)" \
	"show 10 --format json is log's object of entry 10"
same "$(cat out.show.csv)" "$(sed -n '1p; /^10,/p' out.log.csv)" \
	"show 10 --format csv is log's header and row of entry 10"
# reconcile: one CSV table with a section column against the JSON arrays.
awk -F, 'NR > 1 { n[$1]++ } END { printf "%d %d %d %d %d", n["pledge"], n["receipt"], n["bank"], n["total"], n["summary"] }' \
	out.reconcile.csv >rec_counts
same "$(cat rec_counts)" \
	"$(jq -r '"\(.pledges | length) \(.receipts | length) \(.bank | length) \(.totals.currencies | length + 1) 1"' out.reconcile.json)" \
	"reconcile: as many pledge, receipt, bank and total rows in CSV as objects in JSON"
same "$(cat rec_counts)" "3 3 3 4 1" "reconcile: 3 pledges, 3 receipts, 3 bank items, 3 currencies"
python3 -c '
import csv, sys
rows = list(csv.DictReader(open("out.reconcile.csv", newline="", encoding="utf-8")))
for s in ("pledge", "receipt", "bank"):
    with open("rec.%s.csv" % s, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=rows[0].keys())
        w.writeheader()
        w.writerows(r for r in rows if r["section"] == s)
'
cp out.reconcile.json out.rec.pledge.json
cp rec.pledge.csv out.rec.pledge.csv
agree rec.pledge '.pledges[]' 3 section=- class=status counterpart=reversed_by date=date \
	other_date=next_due
cp rec.receipt.csv out.rec.receipt.csv
cp out.reconcile.json out.rec.receipt.json
agree rec.receipt '.receipts[]' 3 section=- class=rule seq=contribution counterpart=- unapplied=- \
	amount=unapplied
cp rec.bank.csv out.rec.bank.csv
cp out.reconcile.json out.rec.bank.json
agree rec.bank '.bank[]' 3 section=- seq=line counterpart=contribution date=line_date \
	other_date=ledger_date amount=line_amount other_amount=ledger_amount donor=-
same "$(jq -c '[.discrepancies, .as_of]' out.reconcile.json)" \
	"[$(awk -F, '$1 == "summary" { print $10 }' out.reconcile.csv),\"$(awk -F, '$1 == "summary" { print $8 }' out.reconcile.csv)\"]" \
	"reconcile: the summary row's discrepancies and date are the JSON's"
same "$(jq -c '.receipts[] | select(.contribution == 18) | .pledges' out.reconcile.json)" \
	'[{"pledge":10,"amount":"500.00"}]' "reconcile: the French receipt is proposed for pledge 10"
same "$(jq -c '.bank[] | select(.class == "proposed") | [.line, .contribution]' out.reconcile.json)" \
	'[16,11]' "reconcile: the statement's credit is proposed with the Chilean contribution"

# ---- quoting and escaping ---------------------------------------------------------------
grep -qF ",\"Cité, \"\"Genève\"\" office\"," out.log.csv
same $? 0 "log csv: the earmark is quoted, its quotes doubled"
grep -qF "\"earmark\": \"Cité, \\\"Genève\\\" office\"" out.log.json
same $? 0 "log json: the earmark's quotes are escaped and its accents kept as UTF-8"
pyfield() {
	python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if r["seq"] == sys.argv[2]: print(r[sys.argv[3]])' "$@"
}
same "$(pyfield out.log.csv 10 earmark)" "$EARMARK" "python3 csv reads the earmark back"
same "$(jq -r '.[] | select(.seq == 10) | .earmark' out.log.json)" "$EARMARK" "jq reads the earmark back"
same "$(pyfield out.log.csv 13 reason)" "$REASON" "python3 csv reads the reversal's reason back"
same "$(jq -r '.[] | select(.seq == 13) | .reason' out.log.json)" "$REASON" "jq reads the reason back"
same "$(pyfield out.log.csv 3 donor_ref)" 'Note "verbale" 123/2026' "python3 csv reads the imported donor ref back"
same "$(pyfield out.log.csv 3 earmark)" 'Field offices, Africa' "python3 csv reads the imported earmark back"
same "$(python3 -c 'import csv, sys
for r in csv.DictReader(open("out.help.csv", newline="", encoding="utf-8")):
    if r["name"] == "init": print(r["summary"])')" "Create a new, empty ledger." \
	"help csv: a summary with a comma reads back whole"
grep -q '^init,treasurer,\[--origin ORIGIN\],"Create a new, empty ledger\."$' out.help.csv
same $? 0 "help csv: that summary is quoted"
same "$(jq -r '.[] | select(.name == "help") | .usage' help.json)" "[COMMAND] [--format text|csv|json]" \
	"help json: help's own usage"
expect 0 "help log --format csv" fl help log --format csv
same "$(tail -n +2 "$OUT" | cut -d, -f1,2)" "log,everyone" "help COMMAND --format csv: that command's row"

# ---- bad --format: exit 2, a message, nothing on stdout, nothing written ----------------
for c in $(cat format_commands); do
	case $c in
	log | totals | reconcile | verify | help) set -- fl "$c" --format yaml ;;
	show) set -- fl show 1 --format yaml ;;
	import) set -- fl import --format yaml good.csv ;;
	statement) set -- fl statement import --format yaml stmt.csv ;;
	report) set -- fl report --year 2026 --format yaml --out r.yaml ;;
	export) set -- fl export --format yaml --out x.yaml ;;
	*) set -- false ;;
	esac
	expect 2 "$c --format yaml exits 2" "$@"
	contains "$ERR" "^fundledger: .*(format|yaml)" "$c --format yaml: says what is wrong"
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$c --format yaml: nothing on stdout"
done
expect 2 "log --format yaml" fl log --format yaml
same "$(cat "$ERR")" "fundledger: unknown format 'yaml' (text, csv, json)" "the message names the formats"
same "$(count)" 18 "the refused commands wrote nothing"
{ head -n 1 good.csv; echo 'pledge,p-bad,VFTC,DEU,EUR,-5,2026-01-15,2026,,,,,,,'; } >bad.csv
expect 2 "import --format json of a file with a bad row exits 2" fl import --format json bad.csv
contains "$ERR" "^fundledger: bad\.csv:2: " "the refusal names the file and line on stderr"
same "$(wc -c <"$OUT" | tr -d ' ')" 0 "no JSON on stdout for a refused import"
same "$(count)" 18 "the refused import wrote nothing"

# ---- text is unchanged, and verify's record on a failure ---------------------------------
expect 0 "verify as text" fl verify
contains "$OUT" "^OK 18 entries, head $(jq -r .head out.verify.json)$" "verify text: the JSON head"
same "$(jq -c '[.status, .entries, .bad_seq, .reason]' out.verify.json)" '["ok",18,null,null]' \
	"verify json: ok, 18 entries"
cp "$FUNDLEDGER_LEDGER" bad.db
sqlite3 bad.db "DROP TRIGGER IF EXISTS entries_no_update; UPDATE entries SET hash = zeroblob(32) WHERE seq = 5;"
expect 1 "verify --format json of a ledger with a bad hash exits 1" fl -d bad.db verify --format json
cp "$OUT" bad.json
contains "$ERR" "^FAILED at entry 5 \(4 entries before it verified\)$" "the failure is still on stderr"
jq -e . bad.json >/dev/null 2>&1
same $? 0 "verify's failure record is valid JSON"
same "$(jq -c '[.status, .entries, .head, .root, .bad_seq, .bad_checkpoint]' bad.json)" \
	'["failed",4,null,null,5,null]' "verify json: failed at entry 5 after 4"
same "fundledger: $(jq -r .reason bad.json)" "$(grep '^fundledger: ' "$ERR")" \
	"verify json: the reason is stderr's message"
same "$(jq -c 'keys_unsorted' bad.json)" "$(jq -c 'keys_unsorted' out.verify.json)" \
	"verify json: the same keys on failure as on success"
expect 1 "verify --format csv of the bad ledger exits 1" fl -d bad.db verify --format csv
same "$(tail -n +2 "$OUT" | cut -d, -f1,2,8)" "failed,4,5" "verify csv: failed, 4 entries, bad entry 5"

# ---- a file name that is not UTF-8: the output still is (U+FFFD for the bad byte) ----------
latin1=$(printf 'caf\351.csv')
cp good.csv "$latin1"
expect 0 "import --format json of a file whose name is Latin-1 (a replay)" fl import --format json "$latin1"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["file"] == "caf\ufffd.csv" and d["replayed"] == 7, d' "$OUT" 2>"$T/py.err"
same "$?|$(cat "$T/py.err")" "0|" "the JSON is UTF-8, the bad byte written as U+FFFD"
expect 0 "import --format csv of the same file" fl import --format csv "$latin1"
python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
assert len(rows) == 1 and rows[0]["file"] == "caf\ufffd.csv", rows' "$OUT" 2>"$T/py.err"
same "$?|$(cat "$T/py.err")" "0|" "the CSV is UTF-8, the bad byte written as U+FFFD"
