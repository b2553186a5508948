# test_report.sh: the annual report (docs/REPORT.md): golden files for every format, determinism,
# reproduction from an earlier checkpoint, the integrity statement's commands, tampered
# ledgers, and bad input.
#
# The ledger is the fixed five-year sample of tests/cli/data/report/build.sh: the same entries,
# hashes and signatures on every run, so the reports are byte-identical to the golden files in
# tests/vectors/report/. After a deliberate change to the report, regenerate them with
#   FL_UPDATE_GOLDEN=1 FUNDLEDGER=build/fundledger ROOT=$PWD sh tests/cli/test_report.sh
# and read the diff before committing it.
. "$ROOT/tests/cli/lib.sh"

GOLD="$ROOT/tests/vectors/report"
FX="$T/fx"
NARR="$ROOT/tools/sample/narrative-2025.yaml"
sh "$ROOT/tests/cli/data/report/build.sh" "$FUNDLEDGER" "$FX" >"$T/sizes" 2>"$ERR" ||
	{ not_ok "build the sample ledger"; sed 's/^/#   /' "$ERR"; exit 1; }
CP2025=$(sed -n 's/^checkpoint-2025 //p' "$T/sizes")
LATEST=$(sed -n 's/^checkpoint-latest //p' "$T/sizes")
same "$CP2025 $LATEST" "1428 1431" "the sample ledger has its two checkpoints"
export FUNDLEDGER_CONFIG="$FX/fundledger.yaml"
export FUNDLEDGER_LEDGER="$FX/ledger.db"
export FUNDLEDGER_KEY="$FX/keys/treasurer.key"
export FUNDLEDGER_PASSPHRASE='report fixture: a test-only key, not a secret' # build.sh's
cd "$T" || exit 1

# golden NAME FILE: FILE equals the golden file NAME (or becomes it, with FL_UPDATE_GOLDEN=1).
golden() {
	if [ "${FL_UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$GOLD/$1")" && cp "$2" "$GOLD/$1"
	fi
	if cmp -s "$2" "$GOLD/$1"; then
		ok "$1 is byte for byte the golden file"
	else
		not_ok "$1 differs from the golden file"
		diff "$GOLD/$1" "$2" 2>&1 | head -n 20 | sed 's/^/#   /'
	fi
}

# ---- golden files: every format, the three funds with the Board's narrative ----
R="report --year 2025 --fund all --narrative $NARR --at-checkpoint $CP2025"
for fmt in html md json; do
	expect 0 "$fmt report of the three funds" fl $R --format "$fmt" --out "$T/all.$fmt"
	contains "$OUT" "^wrote the 2025 report \(all, checkpoint 1428\) to $T/all.$fmt$" \
		"it says what it wrote ($fmt)"
	golden "2025-all.$fmt" "$T/all.$fmt"
done
expect 0 "csv tables of the three funds" fl $R --format csv --out "$T/csv"
contains "$OUT" "^wrote [0-9]+ tables of the 2025 report \(all, checkpoint 1428\) to $T/csv$" \
	"it says how many tables it wrote"
n=0
for f in "$T"/csv/*.csv; do
	n=$((n + 1))
	golden "2025-all-csv/$(basename "$f")" "$f"
done
same "$n" "$(ls "$GOLD/2025-all-csv" | wc -l | tr -d ' ')" "as many tables as golden files"
# One fund, no narrative, at the latest checkpoint.
for fmt in html md json; do
	expect 0 "$fmt report of VFTC" fl report --year 2025 --fund VFTC --format "$fmt" \
		--out "$T/vftc.$fmt"
	golden "2025-VFTC.$fmt" "$T/vftc.$fmt"
done

# ---- what the JSON says, spot checks against the sample's README ----
J="$T/all.json"
same "$(jq -r '.checkpoint.size' "$J")" 1428 "computed at the cosigned checkpoint"
same "$(jq -r '[.checkpoint.signers[].role] | join(",")' "$J")" "treasurer,auditor" \
	"signed by the treasurer and cosigned by the auditor"
same "$(jq -r '.session' "$J")" 61 "to the sixty-first session"
same "$(jq -r '[.sections[].fund] | join(",")' "$J")" "all,VFTC,UPRP,UPRI" \
	"the three funds together, then each in the order of funds.yaml"
same "$(jq -r '.sections[1].summary.received_usd' "$J")" 1385224349 \
	"VFTC received USD 13,852,243.49 in 2025"
same "$(jq -r '.sections[1].summary.previous_usd' "$J")" 1261577194 "and 12,615,771.94 in 2024"
same "$(jq -r '[.sections[0].contributions[] | select(.new) | .donor] | sort | join(",")' "$J")" \
	"CHL,IND-ANON,MAR,THA,TUR" "the donors new in 2025"
same "$(jq -r '[.sections[0].pledges_outstanding.pledges[] | select(.overdue > 0) | .seq] |
	join(",")' "$J")" "645,709,1021,1295,37" "the five overdue pledges, oldest first"
same "$(jq -r '[.sections[0].pledges_outstanding.ages[] | "\(.age)=\(.pledges)"] | join(",")' "$J")" \
	"$(jq -r '.sections[0].pledges_outstanding.pledges as $p | ["under 1 year", "1-2 years",
	"over 2 years"] | map(. as $a | "\($a)=\($p | map(select(.age == $a)) | length)") |
	join(",")' "$J")" "the ages add up to the list"
same "$(jq -r '.sections[0].paragraph_14.states' "$J")" 195 "195 States: 193 members, 2 observers"
jq -e '.sections[0].paragraph_14.not_contributed_in_year | map(.code) | index("CHN") != null and
	index("EST") != null and index("DEU") == null' "$J" >/dev/null &&
	ok "China and Estonia did not contribute in 2025; Germany did" ||
	not_ok "paragraph 14 lists"
jq -e '.sections[0].paragraph_14.never_contributed | map(.code) | index("CHN") == null and
	index("AFG") != null' "$J" >/dev/null &&
	ok "China contributed before 2025, Afghanistan never" || not_ok "never contributed"
same "$(jq -r '[.sections[0].reconciliation.unmatched_receipts[] | select(.rule != "none") |
	"\(.seq):\(.rule)"] | join(",")' "$J")" "1427:exact,1428:ambiguous" \
	"the two receipts awaiting a decision at the year end"
same "$(jq -r '[.sections[0].reconciliation.unmatched_receipts[] | select(.rule == "none")] |
	length' "$J")" 42 "and the 42 gifts that name no pledge"
same "$(jq -r '[.sections[0].reconciliation.unmatched_receipts[] | .date] | . == sort' "$J")" \
	true "listed by date"
same "$(jq -r '[.sections[0].reconciliation.bank_items[] | .class] | sort | join(",")' "$J")" \
	"bank only,proposed,proposed" "Estonia's line, and two proposed bank matches"

# ---- determinism: the same bytes wherever, whenever and however it is written ----
expect 0 "write it again elsewhere, at another time, in another locale" \
	env TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 FUNDLEDGER_NOW=2030-06-01T00:00:00Z \
	"$FUNDLEDGER" $R --format html --out "$T/again.html"
cmp -s "$T/all.html" "$T/again.html" && ok "byte-identical" || not_ok "the report changed"
expect 0 "to standard output" fl $R --format json --out -
cmp -s "$OUT" "$T/all.json" && ok "standard output has the same bytes" || not_ok "stdout differs"

# ---- the integrity statement's commands, run as printed ----
jq -r '.checkpoint.note' "$J" >"$T/checkpoint-$CP2025.txt"
printf '%s' "$(cat "$T/checkpoint-$CP2025.txt")" >"$T/checkpoint-$CP2025.txt" # jq adds a newline
printf '\n' >>"$T/checkpoint-$CP2025.txt"
jq -r '.checkpoint.commands[0]' "$J" >"$T/cmd1"
same "$(cat "$T/cmd1")" "fundledger verify --trusted checkpoint-1428.txt" "the verify command"
expect 0 "it verifies the ledger against the report's checkpoint" \
	sh -c "cd '$T' && '$FUNDLEDGER' $(sed 's/^fundledger //' "$T/cmd1")"
jq -r '.checkpoint.commands[1]' "$J" >"$T/cmd2"
same "$(cat "$T/cmd2")" "fundledger report --year 2025 --fund all --at-checkpoint 1428 --narrative \
narrative-2025.yaml --format json --out report-2025-all.json" "the reproduce command"
cp "$NARR" "$T/narrative-2025.yaml"
expect 0 "run it" sh -c "cd '$T' && '$FUNDLEDGER' $(sed 's/^fundledger //' "$T/cmd2")"
cmp -s "$T/report-2025-all.json" "$J" && ok "it reproduces the report byte for byte" ||
	not_ok "the reproduced report differs"

# A narrative whose name a shell would split: the printed command quotes it, and runs.
cp "$NARR" "$T/the Board's 2025.yaml"
expect 0 "a narrative with a space and a quote in its name" fl report --year 2025 \
	--narrative "$T/the Board's 2025.yaml" --at-checkpoint "$CP2025" --format json --out "$T/q.json"
same "$(jq -r '.checkpoint.commands[1]' "$T/q.json")" "fundledger report --year 2025 --fund all \
--at-checkpoint 1428 --narrative 'the Board'\\''s 2025.yaml' --format json --out report-2025-all.json" \
	"the command quotes the name for the shell"
expect 0 "run it" sh -c "cd '$T' && '$FUNDLEDGER' $(jq -r '.checkpoint.commands[1]' "$T/q.json" |
	sed 's/^fundledger //')"
cmp -s "$T/report-2025-all.json" "$T/q.json" && ok "and it reproduces the report" ||
	not_ok "the quoted command does not reproduce the report"

# ---- reproduction after the ledger has grown ----
expect 0 "the report at the latest checkpoint" fl report --year 2025 --format json --out "$T/at1431.json"
before=$(count)
expect 0 "reverse a 2025 contribution" fl reverse RC-2025-VFTC-NOR-1 --reason "test: bank recall"
expect 0 "and record a 2025 gift" fl contribute --fund VFTC --donor AUT --currency EUR \
	--amount 1000 --date 2025-06-30 --bank-ref TEST-LATE-GIFT
same "$(count)" "$((before + 2))" "the ledger grew by two entries"
expect 0 "the report now" fl report --year 2025 --format json --out "$T/now.json"
cmp -s "$T/now.json" "$T/at1431.json" && not_ok "the later entries changed nothing?" ||
	ok "the later entries change the 2025 figures"
expect 0 "the report at checkpoint 1431, from the grown ledger" \
	fl report --year 2025 --at-checkpoint 1431 --format json --out "$T/again1431.json"
cmp -s "$T/again1431.json" "$T/at1431.json" && ok "is byte for byte the one written then" ||
	{ not_ok "reproduction at 1431 differs"; diff "$T/at1431.json" "$T/again1431.json" | head | sed 's/^/#   /'; }
expect 0 "the golden HTML at 1428, from the grown ledger" fl $R --format html --out "$T/grown.html"
golden "2025-all.html" "$T/grown.html"

# ---- tampered ledgers: the report refuses a checkpoint it cannot trust ----
sqlite3 "$FX/ledger.db" ".backup '$T/tiles.db'"
sqlite3 "$T/tiles.db" "UPDATE tiles SET hashes = zeroblob(length(hashes))"
expect 1 "a damaged Merkle tree" fl -d "$T/tiles.db" report --year 2025 --out "$T/t.html"
contains "$ERR" "checkpoint at size [0-9]+: its root is not the ledger's" "says the root differs"
[ ! -e "$T/t.html" ] && ok "and writes nothing" || not_ok "a report was written"
sqlite3 "$FX/ledger.db" ".backup '$T/note.db'"
sqlite3 "$T/note.db" "DROP TRIGGER checkpoints_no_update;
	UPDATE checkpoints SET note = replace(note, char(10) || '1428' || char(10),
	char(10) || '1429' || char(10)) WHERE size = 1428" 2>"$T/sqlerr" ||
	sed 's/^/#   /' "$T/sqlerr"
expect 1 "a checkpoint whose text was edited" fl -d "$T/note.db" report --year 2025 \
	--at-checkpoint 1428 --out "$T/t.html"
contains "$ERR" "checkpoint at size 1428" "names the checkpoint"
# The configuration without the treasurer's key (the auditor's stays): files it names are
# relative to it, so it goes beside them.
awk '/^keys:/ { k = 1 } k && /vkey: .*treasurer/ { skip = 2 } skip > 0 { skip--; next } { print }' \
	"$FX/fundledger.yaml" >"$FX/nokey.yaml"
grep -q 'role: treasurer' "$FX/nokey.yaml" && not_ok "the treasurer key is still listed" ||
	ok "a configuration without the treasurer's key"
expect 1 "a checkpoint no configured treasurer signed" \
	fl -c "$FX/nokey.yaml" report --year 2025 --out "$T/t.html"
contains "$ERR" "no treasurer key|do not verify" "says who should have signed"
[ ! -e "$T/t.html" ] && ok "nothing written" || not_ok "a report was written"

# ---- bad input: a clear message, exit 2, nothing written ----
echo "previous" >"$T/keep.html"
expect 2 "no --year" fl report --out "$T/keep.html"
contains "$ERR" "report needs --year" "says so"
expect 2 "a bad year" fl report --year 25 --out "$T/keep.html"
expect 2 "a year before the Council's first (2006)" fl report --year 2005 --out "$T/keep.html"
expect 2 "an unknown fund" fl report --year 2025 --fund XYZ --out "$T/keep.html"
contains "$ERR" "unknown fund 'XYZ'" "names it"
expect 2 "an unknown format" fl report --year 2025 --format pdf --out "$T/keep.html"
expect 2 "no --out" fl report --year 2025
expect 2 "csv to standard output" fl report --year 2025 --format csv --out -
expect 2 "a bad --date" fl report --year 2025 --date 2025-02-30 --out "$T/keep.html"
expect 2 "a bad --at-checkpoint" fl report --year 2025 --at-checkpoint 12x --out "$T/keep.html"
expect 2 "no checkpoint at that size" fl report --year 2025 --at-checkpoint 5 --out "$T/keep.html"
contains "$ERR" "no signed checkpoint at size 5" "says there is none"
printf 'year: 2025\nsesion: 61\n' >"$T/n1.yaml"
expect 2 "a narrative with an unknown key" fl report --year 2025 --narrative "$T/n1.yaml" \
	--out "$T/keep.html"
contains "$ERR" "n1.yaml:2:1: unknown key 'sesion'" "FILE:LINE:COLUMN"
printf 'year: 2025\nfindings:\n  - one\n  - {a: b}\n' >"$T/n2.yaml"
expect 2 "a finding that is not text" fl report --year 2025 --narrative "$T/n2.yaml" \
	--out "$T/keep.html"
contains "$ERR" "n2.yaml:4:5: 'findings' must be text" "FILE:LINE:COLUMN"
printf 'year: 2024\n' >"$T/n3.yaml"
expect 2 "a narrative for another year" fl report --year 2025 --narrative "$T/n3.yaml" \
	--out "$T/keep.html"
contains "$ERR" "n3.yaml: the narrative is for 2024, not 2025" "says which year"
printf 'year: 2025\nintroduction: "bell \\a"\n' >"$T/n4.yaml"
expect 2 "a control character" fl report --year 2025 --narrative "$T/n4.yaml" --out "$T/keep.html"
contains "$ERR" "n4.yaml:2:15: 'introduction' contains the control character U\+0007" "which one"
printf 'year: 2025\nmembers:\n  - {group: African}\n' >"$T/n5.yaml"
expect 2 "a member without a name" fl report --year 2025 --narrative "$T/n5.yaml" --out "$T/keep.html"
contains "$ERR" "n5.yaml:3:5: a member has no 'name'" "FILE:LINE:COLUMN"
printf 'year: 2025\nsession: 0\n' >"$T/n6.yaml"
expect 2 "session 0" fl report --year 2025 --narrative "$T/n6.yaml" --out "$T/keep.html"
printf 'year: &y 2025\n' >"$T/n7.yaml"
expect 2 "a YAML anchor" fl report --year 2025 --narrative "$T/n7.yaml" --out "$T/keep.html"
expect 3 "a narrative that does not exist" fl report --year 2025 --narrative "$T/none.yaml" \
	--out "$T/keep.html"
same "$(cat "$T/keep.html")" "previous" "no failure touched the existing file"
[ -z "$(ls "$T" | grep '\.tmp\.')" ] && ok "and no temporary file is left" || not_ok "temporary files left"
same "$(count)" "$((before + 2))" "the report never writes to the ledger"

# ---- a write that fails part-way: the old report stays, byte for byte ----
# The earlier report is the golden one, at checkpoint 1428 with the narrative; the new one is
# at the latest checkpoint, without it. Files may not grow past 96 KiB: the new report (about
# 150 KiB of HTML) gets its first 64 KiB piece written, and fails on the second (fundledger
# ignores SIGXFSZ, so the write fails with EFBIG).
expect 0 "a report of the three funds" fl $R --format html --out "$T/kept.html"
cp "$T/kept.html" "$T/kept.before"
expect 0 "the new report, written without a limit" \
	fl report --year 2025 --fund all --format html --out "$T/new.html"
size=$(wc -c <"$T/new.html" | tr -d ' ')
if [ "$size" -gt 131072 ]; then ok "it is more than two 64 KiB pieces ($size bytes)"; else
	not_ok "it is more than two 64 KiB pieces (only $size bytes)"; fi
expect 3 "the new report in place of the earlier one, under a 96 KiB file size limit, fails" \
	fsize 98304 fl report --year 2025 --fund all --format html --out "$T/kept.html"
contains "$ERR" "^fundledger: $T/kept.html: write failed: File too large\$" \
	"while writing, naming the file and the reason"
cmp -s "$T/kept.html" "$T/kept.before" && ok "the earlier report is unchanged, byte for byte" ||
	not_ok "the earlier report was changed"
leftover=$(ls -A "$T" | grep '\.tmp\.')
same "$leftover" "" "no temporary file is left"
