#!/bin/sh
# test_docs.sh: keeps README.md, docs/CSV.md and the man page true to the program.
#
# - The README's set-up is exactly the two documented commands.
# - The README's five-minute tour runs exactly as written: every ```sh block of the tour section
#   is split into commands (continuation lines and here-documents kept whole), only the program
#   path build/fundledger is rewritten to $FUNDLEDGER, and each command must exit 0 in a fresh
#   directory that holds a copy of config/. Each ```text block that follows a ```sh block must
#   be the end of that block's output, so every verify line (and head hash) shown is real.
# - The CSV example of docs/CSV.md imports into an empty ledger with the output shown there.
# - Every command of the dispatch table in ledger/cli/main.c is listed by `fundledger help`, has
#   a section in docs/fundledger.1 naming each of its options, and no section names a command
#   that does not exist. The man page renders without warnings (groff or mandoc, if present).
. "$ROOT/tests/cli/lib.sh"

README="$ROOT/README.md"
MAN="$ROOT/docs/fundledger.1"
CSVDOC="$ROOT/docs/CSV.md"

# ---- set-up ---------------------------------------------------------------------------------

setup=$(awk '/^## Set-up/ { s = 1; next } s && /^## / { exit }
	s && /^```/ { b = !b; next } s && b' "$README")
same "$setup" "apt-get update && apt-get install -y make
make demo" "README set-up is 'apt-get update && apt-get install -y make' then 'make demo'"

# ---- the five-minute tour -------------------------------------------------------------------

TOUR="$T/tour"
mkdir -p "$TOUR"
cat >"$T/tour.awk" <<'AWK'
# Splits the ```sh blocks of the README's tour into one file per command (dir/cmd.NNN, with
# dir/cmd.NNN.block naming its block), and writes each ```text block that follows a ```sh block
# to dir/text.K.
function emit() {
	n++
	f = sprintf("%s/cmd.%03d", dir, n)
	printf "%s\n", cmd > f
	close(f)
	printf "%d\n", k > (f ".block")
	close(f ".block")
	cmd = ""
}
/^## Five-minute tour/ { s = 1; next }
s && /^## / { exit }
!s { next }
/^```sh$/ { k++; b = "sh"; after = k; next }
/^```text$/ { b = "text"; next }
/^```/ && b != "" { if (b == "text") after = 0; b = ""; next }
/^```/ { after = 0; next }
b == "text" && after { t = sprintf("%s/text.%d", dir, after); print > t; close(t); next }
b != "sh" { next }
hd != "" {
	cmd = cmd "\n" $0
	if ($0 == hd) { emit(); hd = "" }
	next
}
cmd == "" && ($0 ~ /^[ \t]*$/ || $0 ~ /^[ \t]*#/) { next }
{
	cmd = (cmd == "" ? $0 : cmd "\n" $0)
	if (match($0, /<<-?'?"?[A-Za-z_]+'?"?/)) {
		hd = substr($0, RSTART, RLENGTH)
		gsub(/[<'"-]/, "", hd)
		next
	}
	if ($0 ~ /\\$/) next
	emit()
}
END { if (cmd != "" || hd != "") print "unterminated command in the tour" > "/dev/stderr" }
AWK
awk -v dir="$TOUR" -f "$T/tour.awk" "$README" 2>"$ERR"
same "$(cat "$ERR")" "" "README tour: every command is complete"

# The program path is the only rewrite; no other spelling of the program may remain.
for f in "$TOUR"/cmd.[0-9][0-9][0-9]; do
	[ -f "$f" ] || continue
	sed 's#^build/fundledger #"$FUNDLEDGER" #' "$f" >"$f.run"
done
ncmd=$(ls "$TOUR" | grep -c '^cmd\.[0-9]*\.run$')
if [ "$ncmd" -ge 10 ]; then ok "README tour has $ncmd commands"; else not_ok "README tour has $ncmd commands (expected at least 10)"; fi
left=$(cat "$TOUR"/cmd.*.run 2>/dev/null | grep -c 'build/fundledger')
same "$left" 0 "README tour calls the program only as 'build/fundledger' at the start of a command"
grep -q '^export FUNDLEDGER_CONFIG=\$PWD/config/fundledger.yaml$' "$TOUR"/cmd.*.run 2>/dev/null
same $? 0 "README tour sets FUNDLEDGER_CONFIG=\$PWD/config/fundledger.yaml"
for c in init rate pledge contribute import log show verify reverse; do
	cat "$TOUR"/cmd.*.run 2>/dev/null |
		grep -Eq "^\"\\\$FUNDLEDGER\" (-[cdu] [^ ]+ )*$c( |\$)"
	same $? 0 "README tour runs '$c'"
done
grep -q "<<'EOF'" "$TOUR"/cmd.*.run 2>/dev/null
same $? 0 "README tour writes its CSV file with a here-document"

# Run the tour as a reader would: from a directory with config/, no FUNDLEDGER_* settings
# but those the tour makes itself.
cp -R "$ROOT/config" "$TOUR/config"
unset FUNDLEDGER_CONFIG FUNDLEDGER_LEDGER FUNDLEDGER_USER FUNDLEDGER_NOW
cd "$TOUR" || exit 1
for f in "$TOUR"/cmd.[0-9][0-9][0-9].run; do
	[ -f "$f" ] || continue
	cmd=$(cat "$f")
	expect 0 "tour: $(head -n 1 "$f" | cut -c1-90)" eval "$cmd"
	cp "$OUT" "${f%.run}.out"
	base=${f%.run}
	cat "$OUT" >>"$TOUR/block.$(cat "$base.block").out"
	case $cmd in
	*" verify") cat "$OUT" >>"$TOUR/verify.out" ;;
	esac
done
cd "$ROOT" || exit 1

# Every verify in the tour says OK, and the OK lines are those the README shows.
[ -s "$TOUR/verify.out" ] && ! grep -qv '^OK [0-9]* entries, head [0-9a-f]\{64\}$' "$TOUR/verify.out"
same $? 0 "every verify in the tour prints OK"
awk '/^## Five-minute tour/ { s = 1; next } s && /^## / { exit }
	s && /^OK [0-9]+ entries, head [0-9a-f]+$/' "$README" >"$T/readme_ok"
same "$(cat "$TOUR/verify.out")" "$(cat "$T/readme_ok")" "verify lines equal those in the README"
want=$(tail -n 1 "$T/readme_ok" | cut -d' ' -f2)
same "$(sqlite3 "$TOUR/tour.db" 'SELECT count(*) FROM entries')" "$want" \
	"the tour's ledger holds the $want entries the README says"

# Each output block shown in the tour is the end of what its commands print.
for t in "$TOUR"/text.*; do
	[ -f "$t" ] || continue
	k=${t##*.}
	n=$(wc -l <"$t")
	got=$(tail -n "$n" "$TOUR/block.$k.out" 2>/dev/null)
	same "$got" "$(cat "$t")" "README tour output block after command block $k is what it prints"
done

# ---- docs/CSV.md example --------------------------------------------------------------------

mkdir -p "$T/csv"
awk '/^```csv$/ { b = 1; next } b && /^```$/ { exit } b' "$CSVDOC" >"$T/csv/example.csv"
awk '/^```csv$/ { c = 1 } c && /^```text$/ { b = 1; next } b && /^```$/ { b = 0; if (++n == 2) exit; next }
	b' "$CSVDOC" >"$T/csv/expected"
export FUNDLEDGER_CONFIG="$T/fundledger.yaml" FUNDLEDGER_LEDGER="$T/csv/ledger.db"
export FUNDLEDGER_USER=tester FUNDLEDGER_NOW=2026-03-01T12:00:00Z
cd "$T/csv" || exit 1
expect 0 "CSV.md: init a ledger for the example" fl init
expect 0 "CSV.md: the example imports" fl import example.csv
cp "$OUT" "$T/csv/got"
expect 0 "CSV.md: the example imports again" fl import example.csv
cat "$OUT" >>"$T/csv/got"
same "$(cat "$T/csv/got")" "$(cat "$T/csv/expected")" "CSV.md: import output is what the document shows"
same "$(count)" 7 "CSV.md: the example adds 7 entries"
fl verify >"$OUT"
contains "$OUT" "^OK 7 entries, head [0-9a-f]{64}$" "CSV.md: the ledger verifies"
cd "$ROOT" || exit 1

# ---- commands: dispatch table, help and man page ---------------------------------------------

sed -n 's/^[[:space:]]*{"\([a-z]*\)", cmd_[a-z]*,.*/\1/p' "$ROOT/ledger/cli/main.c" >"$T/commands"
ncommands=$(wc -l <"$T/commands" | tr -d ' ')
if [ "$ncommands" -ge 10 ]; then ok "dispatch table has $ncommands commands"; else not_ok "dispatch table has $ncommands commands"; fi
fl help >"$T/help"
same $? 0 "fundledger help exits 0"

# man_section NAME: the roff source of the man page's ".SS NAME" section.
man_section() {
	awk -v n="$1" '$0 == ".SS " n { s = 1; next } s && /^\.S[SH] / { exit } s' "$MAN"
}
while read -r c; do
	grep -Eq "^  $c +[A-Z]" "$T/help"
	same $? 0 "'$c' is listed by fundledger help"
	grep -q "^\\.SS $c\$" "$MAN"
	same $? 0 "'$c' has a section in docs/fundledger.1"
	man_section "$c" >"$T/section"
	fl help "$c" | sed -n '1s/^usage: fundledger \[-c CONFIG\] \[-d LEDGER\] \[-u USER\] //p' |
		grep -o -- '--[a-z-]*' | sort -u >"$T/opts"
	missing=""
	while read -r o; do
		roff=$(printf '%s' "$o" | sed 's/-/\\-/g')
		grep -qF -- "$roff" "$T/section" || missing="$missing $o"
	done <"$T/opts"
	same "$missing" "" "docs/fundledger.1 section '$c' names every option of 'help $c'"
done <"$T/commands"
awk '/^\.SH COMMANDS/ { s = 1; next } s && /^\.SH / { exit } s && /^\.SS / { print $2 }' "$MAN" |
	sort >"$T/man_commands"
same "$(sort "$T/commands")" "$(cat "$T/man_commands")" "docs/fundledger.1 documents exactly the commands of the table"

if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww "$MAN" >/dev/null 2>"$ERR"
	rc=$?
	same "$rc:$(cat "$ERR")" "0:" "docs/fundledger.1 renders with groff -ww without warnings"
elif command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint "$MAN" >"$ERR" 2>&1
	same "$(grep -Ev 'STYLE|base system' "$ERR")" "" "docs/fundledger.1 passes mandoc -Tlint"
else
	ok "docs/fundledger.1 render check # SKIP neither groff nor mandoc is installed"
fi

# ---- links ----------------------------------------------------------------------------------

for d in docs/FORMAT.md docs/CSV.md docs/CONFIG.md SECURITY.md; do
	grep -q "($d)" "$README" && [ -f "$ROOT/$d" ]
	same $? 0 "README links to $d, which exists"
done
