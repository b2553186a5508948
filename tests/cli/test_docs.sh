#!/bin/sh
# test_docs.sh: keeps README.md, docs/CSV.md and the man page true to the program.
#
# - The README's set-up is exactly the two documented commands.
# - The README's five-minute tour runs exactly as written: every ```sh block of the tour section
#   is split into commands (continuation lines and here-documents kept whole), only the program
#   path build/fundledger is rewritten to $FUNDLEDGER, and each command must exit 0 in a fresh
#   directory that holds a copy of config/ and no FUNDLEDGER_* settings but those the tour makes
#   (it generates its own treasurer key). Each ```text block that follows a ```sh block must be
#   the end of that block's output, so every verify line, head hash, Merkle root and proof line
#   shown is real; signatures, which change with each new key, are never shown. The ledger, key,
#   checkpoint, proof and bundle the tour leaves behind are checked afterwards. docs/AUDIT.md,
#   then the README's section on exports to other tools, run the same way in the tour's
#   directory and shell after it.
# - The CSV example of docs/CSV.md imports into an empty ledger with the output shown there.
# - Every command of the dispatch table in ledger/cli/main.c is listed by `fundledger help`, has
#   a section in docs/fundledger.1 naming each of its options, and no section names a command
#   that does not exist. Every global option of main.c is in the man page's GLOBAL OPTIONS and
#   every FUNDLEDGER_* variable the program reads is in its ENVIRONMENT. The man page renders
#   without warnings (groff or mandoc, if present).
. "$ROOT/tests/cli/lib.sh"

README="$ROOT/README.md"
MAN="$ROOT/docs/fundledger.1"
CSVDOC="$ROOT/docs/CSV.md"

# ---- set-up ---------------------------------------------------------------------------------

setup=$(awk '/^## Set-up/ { s = 1; next } s && /^## / { exit }
	s && /^```/ { b = !b; next } s && b' "$README")
same "$setup" "apt-get update && apt-get install -y make
make demo" "README set-up is 'apt-get update && apt-get install -y make' then 'make demo'"

# ---- the five-minute tour, and docs/AUDIT.md after it ----------------------------------------

TOUR="$T/tour"   # the reader's working directory, where both run
RCMD="$T/readme" # the README tour's commands and output blocks
ACMD="$T/audit"  # docs/AUDIT.md's
XCMD="$T/export" # the README's section on exports to other tools
mkdir -p "$TOUR" "$RCMD" "$ACMD" "$XCMD"
cat >"$T/doc.awk" <<'AWK'
# Splits the ```sh blocks of a document (from the line after the one matching `from`, or from
# the top when `from` is empty, up to the next line matching `to`, if any) into one file per
# command (dir/cmd.NNN, with dir/cmd.NNN.block naming its block), and writes each ```text
# block that follows a ```sh block to dir/text.K.
function emit() {
	n++
	f = sprintf("%s/cmd.%03d", dir, n)
	printf "%s\n", cmd > f
	close(f)
	printf "%d\n", k > (f ".block")
	close(f ".block")
	cmd = ""
}
BEGIN { s = (from == "") }
!s && $0 ~ from { s = 1; next }
!s { next }
to != "" && $0 ~ to { exit }
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
END { if (cmd != "" || hd != "") print "unterminated command" > "/dev/stderr" }
AWK

# split_doc FILE DIR FROM TO NAME: splits FILE's commands into DIR and rewrites the program path
# build/fundledger (the only rewrite) into each DIR/cmd.NNN.run.
split_doc() {
	awk -v dir="$2" -v from="$3" -v to="$4" -f "$T/doc.awk" "$1" 2>"$ERR"
	same "$(cat "$ERR")" "" "$5: every command is complete"
	for f in "$2"/cmd.[0-9][0-9][0-9]; do
		[ -f "$f" ] || continue
		sed 's#^build/fundledger #"$FUNDLEDGER" #' "$f" >"$f.run"
	done
	left=$(cat "$2"/cmd.*.run 2>/dev/null | grep -c 'build/fundledger')
	same "$left" 0 "$5 calls the program only as 'build/fundledger' at the start of a command"
}

# runs_cmds DIR NAME COMMAND...: passes for each COMMAND that DIR's commands run.
runs_cmds() {
	d=$1
	name=$2
	shift 2
	for c in "$@"; do
		cat "$d"/cmd.*.run 2>/dev/null | grep -Eq "^\"\\\$FUNDLEDGER\" (-[cdu] [^ ]+ )*$c( |\$)"
		same $? 0 "$name runs '$c'"
	done
}

# run_doc DIR NAME: runs DIR's commands in order, in this shell and the current directory, each
# expected to exit 0; appends each one's output to DIR/block.K.out, and that of `fundledger
# verify` itself (not `checkpoint verify` or `proof verify`) to DIR/verify.out.
run_doc() {
	for f in "$1"/cmd.[0-9][0-9][0-9].run; do
		[ -f "$f" ] || continue
		expect 0 "$2: $(head -n 1 "$f" | cut -c1-90)" eval "$(cat "$f")"
		cat "$OUT" >>"$1/block.$(cat "${f%.run}.block").out"
		if head -n 1 "$f" | grep -Eq '^"\$FUNDLEDGER" (-[cdu] [^ ]+ )*verify( |$)'; then
			cat "$OUT" >>"$1/verify.out"
		fi
	done
}

# check_blocks DIR NAME: each output block shown is the end of what its block's commands print.
check_blocks() {
	nblocks=0
	for t in "$1"/text.*; do
		[ -f "$t" ] || continue
		nblocks=$((nblocks + 1))
		k=${t##*.}
		n=$(wc -l <"$t")
		got=$(tail -n "$n" "$1/block.$k.out" 2>/dev/null)
		same "$got" "$(cat "$t")" "$2 output block after command block $k is what it prints"
	done
	if [ "$nblocks" -ge "$3" ]; then ok "$2 shows $nblocks output blocks"; else not_ok "$2 shows $nblocks output blocks (expected at least $3)"; fi
}

split_doc "$README" "$RCMD" '^## Five-minute tour' '^## ' "README tour"
ncmd=$(ls "$RCMD" | grep -c '^cmd\.[0-9]*\.run$')
if [ "$ncmd" -ge 10 ]; then ok "README tour has $ncmd commands"; else not_ok "README tour has $ncmd commands (expected at least 10)"; fi
grep -q '^cp -r config tour-config$' "$RCMD"/cmd.*.run 2>/dev/null
same $? 0 "README tour works on a copy of config/ (tour-config)"
grep -q '^export FUNDLEDGER_CONFIG=\$PWD/tour-config/fundledger.yaml$' "$RCMD"/cmd.*.run 2>/dev/null
same $? 0 "README tour sets FUNDLEDGER_CONFIG=\$PWD/tour-config/fundledger.yaml"
grep -q '^export FUNDLEDGER_KEY=' "$RCMD"/cmd.*.run 2>/dev/null
same $? 0 "README tour exports FUNDLEDGER_KEY"
grep -q '^export FUNDLEDGER_PASSPHRASE=' "$RCMD"/cmd.*.run 2>/dev/null &&
	grep -q 'In real use leave it unset and type the passphrase when asked' "$README"
same $? 0 "README tour exports FUNDLEDGER_PASSPHRASE and says to type it at the prompt in real use"
runs_cmds "$RCMD" "README tour" key init rate pledge contribute import log show verify checkpoint \
	reverse totals proof export
grep -q "<<'EOF'" "$RCMD"/cmd.*.run 2>/dev/null
same $? 0 "README tour writes its CSV file with a here-document"

split_doc "$README" "$XCMD" '^## Into Ledger, hledger, Beancount and IATI' '^## ' "README exports"
runs_cmds "$XCMD" "README exports" "export --format hledger" "export --format iati"

split_doc "$ROOT/docs/AUDIT.md" "$ACMD" '' '' "AUDIT.md"
ncmd=$(ls "$ACMD" | grep -c '^cmd\.[0-9]*\.run$')
if [ "$ncmd" -ge 10 ]; then ok "AUDIT.md has $ncmd commands"; else not_ok "AUDIT.md has $ncmd commands (expected at least 10)"; fi
runs_cmds "$ACMD" "AUDIT.md" key verify cosign checkpoint proof

# Run the tour as a reader would: from a directory with config/, no FUNDLEDGER_* settings
# but those the tour makes itself; then AUDIT.md in the same directory and shell, as it says
# (lib.sh's key is put back for the CSV.md check below).
cp -R "$ROOT/config" "$TOUR/config"
# The README's IATI example validates against the schema kept in the repository.
mkdir -p "$TOUR/tests/vectors/iati"
cp -R "$ROOT/tests/vectors/iati/schema" "$TOUR/tests/vectors/iati/schema"
LIB_KEY=$FUNDLEDGER_KEY
LIB_PASSPHRASE=$FUNDLEDGER_PASSPHRASE
unset FUNDLEDGER_CONFIG FUNDLEDGER_LEDGER FUNDLEDGER_USER FUNDLEDGER_NOW FUNDLEDGER_KEY \
	FUNDLEDGER_PASSPHRASE
cd "$TOUR" || exit 1
run_doc "$RCMD" "tour"
# What the README's part left behind, before AUDIT.md adds to it.
same "$(sqlite3 tour.db 'SELECT count(*) FROM cosignatures')" 0 "the tour itself cosigns nothing"
run_doc "$ACMD" "AUDIT.md"
# The README's export section goes on in the same directory and shell, as it says.
run_doc "$XCMD" "README exports"
cd "$ROOT" || exit 1
unset FUNDLEDGER_CONFIG FUNDLEDGER_NOW FUNDLEDGER_KEY FUNDLEDGER_PASSPHRASE

# Every verify in the tour says OK (and what it checked), and those lines are the README's.
VLINES='^(OK [0-9]+ entries, head [0-9a-f]{64}|root [A-Za-z0-9+/]{43}=, [0-9]+ signed checkpoints, [0-9]+ cosignatures|extends the trusted checkpoint at size [0-9]+)$'
[ -s "$RCMD/verify.out" ] && ! grep -Eqv "$VLINES" "$RCMD/verify.out"
same $? 0 "every verify in the tour prints OK, its root and checkpoints, and nothing else"
same "$(grep -c '^OK ' "$RCMD/verify.out")" "$(grep -c '^root ' "$RCMD/verify.out")" \
	"every OK line of verify is followed by its root line"
awk '/^## Five-minute tour/ { s = 1; next } s && /^## / { exit } s' "$README" |
	grep -E "$VLINES" >"$T/readme_ok"
same "$(cat "$RCMD/verify.out")" "$(cat "$T/readme_ok")" "verify lines equal those in the README"
want=$(grep '^OK ' "$T/readme_ok" | tail -n 1 | cut -d' ' -f2)
same "$(sqlite3 "$TOUR/tour.db" 'SELECT count(*) FROM entries')" "$want" \
	"the tour's ledger holds the $want entries the README says"
cps=$(grep '^root ' "$T/readme_ok" | tail -n 1 | sed 's/.*, \([0-9]*\) signed checkpoints.*/\1/')
same "$(sqlite3 "$TOUR/tour.db" 'SELECT count(*) FROM checkpoints')" "$cps" \
	"the tour's ledger holds the $cps signed checkpoints the README says"
check_blocks "$RCMD" "README tour" 8
# The two contributions that name their pledge (--pledge, and the CSV file's pledge column) are
# each followed by the match that applies the whole contribution to that pledge; no other match.
fl -c "$TOUR/tour-config/fundledger.yaml" -d "$TOUR/tour.db" log --kind match >"$T/tour-matches"
same "$(($(wc -l <"$T/tour-matches") - 1))" 2 "the tour's ledger holds two matches"
contains "$T/tour-matches" "^ +4 +2026-03-02 +match +VFTC +NOR +EUR +250,000\.00 +271,444\.08 +applies 3 to pledge 2: named by the contribution$" \
	"entry 4 is the match applying all of contribution 3 to pledge 2"
contains "$T/tour-matches" "^ +8 +2026-03-02 +match +UPRP +CHE +CHF +100,000\.00 +112,994\.35 +applies 7 to pledge 6: named by the contribution$" \
	"entry 8 is the match applying all of the imported contribution 7 to pledge 6"
check_blocks "$ACMD" "AUDIT.md" 6
check_blocks "$XCMD" "README exports" 2

# ---- the reconciliation walk-through: its own directory, key and ledger -----------------------
WCMD="$T/walk-cmds"
WALK="$T/walk"
mkdir -p "$WCMD" "$WALK"
split_doc "$README" "$WCMD" '^## Reconciliation walk-through' '^## ' "README walk-through"
runs_cmds "$WCMD" "README walk-through" init rate pledge contribute statement reconcile verify
grep -q "<<'EOF'" "$WCMD"/cmd.*.run 2>/dev/null
same $? 0 "README walk-through writes its statement with a here-document"
cp -R "$ROOT/config" "$WALK/config"
unset FUNDLEDGER_CONFIG FUNDLEDGER_LEDGER FUNDLEDGER_USER FUNDLEDGER_NOW FUNDLEDGER_KEY \
	FUNDLEDGER_PASSPHRASE
cd "$WALK" || exit 1
run_doc "$WCMD" "walk-through"
cd "$ROOT" || exit 1
unset FUNDLEDGER_CONFIG FUNDLEDGER_NOW FUNDLEDGER_KEY FUNDLEDGER_PASSPHRASE
check_blocks "$WCMD" "README walk-through" 3
same "$(sqlite3 "$WALK/recon.db" 'SELECT count(*) FROM entries WHERE kind = 6')" 2 \
	"the walk-through's ledger holds the two matches --apply recorded"
same "$(sqlite3 "$WALK/recon.db" 'SELECT count(*) FROM entries WHERE kind = 9')" 2 \
	"and the two bank matches"

# What the tour leaves behind: its key, its configuration, a kept checkpoint, a proof, a bundle.
grep -Eq '^fundledger\.example\.org/treasurer\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$' "$TOUR/treasurer.vkey"
same $? 0 "the tour's treasurer.vkey is one verifier key of type 0x01"
same "$(wc -l <"$TOUR/treasurer.vkey" | tr -d ' ')" 1 "treasurer.vkey holds exactly one line"
same "$(stat -c %a "$TOUR/treasurer.key")" 600 "the tour's private key is mode 0600"
head -n 1 "$TOUR/treasurer.key" | grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$'
same $? 0 "the tour's private key is encrypted PKCS#8"
grep -qxF "  - vkey: $(cat "$TOUR/treasurer.vkey")" "$TOUR/tour-config/fundledger.yaml"
same $? 0 "the tour lists its verifier key in tour-config/fundledger.yaml"
cmp -s "$ROOT/config/fundledger.yaml" "$TOUR/config/fundledger.yaml"
same $? 0 "the tour leaves config/ itself unchanged"
# Its text: origin, size, root and the extension line the README names; a blank line; one signature.
# Its previous checkpoint is at 4, not 3: the first contribution and its match were one batch.
same "$(sed '/^$/,$d' "$TOUR/kept-9.checkpoint")" "fundledger.example.org/ohchr-voluntary-funds
9
0GtNcdBrlfGs9Zl2fubFwgzSi9ov3xbS3RLwNZXDnKk=
fundledger.previous 4" "the kept checkpoint's text is the one the README describes"
grep -qF '`0GtNcdBrlfGs9Zl2fubFwgzSi9ov3xbS3RLwNZXDnKk=` and `fundledger.previous 4`' "$README"
same $? 0 "the README describes the kept checkpoint's root and extension line"
same "$(sed '1,/^$/d' "$TOUR/kept-9.checkpoint" | grep -c '^— fundledger\.example\.org/treasurer [A-Za-z0-9+/]*=*$')" 1 \
	"the kept checkpoint carries one signature, by the tour's treasurer key"
same "$(sed '1,/^$/d' "$TOUR/kept-9.checkpoint" | wc -l | tr -d ' ')" 1 "and nothing else after its blank line"
for d in "$README" "$ROOT/docs/AUDIT.md"; do
	grep -Eq '^— [^ ]+ [A-Za-z0-9+/]{40,}=*$' "$d"
	same $? 1 "$(basename "$d") shows no signature line verbatim (they change with every key)"
done
same "$(head -n 1 "$TOUR/nor-c.proof")" "c2sp.org/tlog-proof@v1" "the tour's proof is a c2sp.org/tlog-proof@v1"
same "$(sed -n 2p "$TOUR/tour-bundle/MANIFEST")" "origin fundledger.example.org/ohchr-voluntary-funds" \
	"the tour's bundle names the ledger's origin"
same "$(sed -n 3p "$TOUR/tour-bundle/MANIFEST")" "entries $want" "the tour's bundle holds the $want entries"

# What AUDIT.md leaves behind: an auditor key, listed as such, and its cosignature, kept.
grep -Eq '^auditor\.example\.org/board\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$' "$TOUR/auditor.vkey"
same $? 0 "AUDIT.md's auditor.vkey is one verifier key of type 0x04"
grep -A1 -xF "  - vkey: $(cat "$TOUR/auditor.vkey")" "$TOUR/tour-config/fundledger.yaml" |
	tail -n 1 | grep -qx '    role: auditor'
same $? 0 "AUDIT.md lists the auditor key with the role auditor"
same "$(sqlite3 "$TOUR/tour.db" 'SELECT size, signer FROM cosignatures')" "12|auditor.example.org/board" \
	"the ledger holds the auditor's one cosignature, on the checkpoint of size 12"
same "$(grep -c '^— ' "$TOUR/kept-12.checkpoint")" 2 "the kept checkpoint of size 12 carries two signature lines"
same "$(sqlite3 "$TOUR/rolled-back.db" 'SELECT count(*) FROM entries')" 4 \
	"AUDIT.md's rolled-back copy holds 4 entries (the first contribution and its match)"
export FUNDLEDGER_KEY=$LIB_KEY FUNDLEDGER_PASSPHRASE=$LIB_PASSPHRASE

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
same "$(count)" 9 "CSV.md: the example adds 9 entries (7 rows, 2 of them contributions naming a pledge)"
fl verify >"$OUT"
contains "$OUT" "^OK 9 entries, head [0-9a-f]{64}$" "CSV.md: the ledger verifies"
fl log --kind match >"$OUT"
same "$(($(wc -l <"$OUT") - 1))" 2 "CSV.md: the example records two matches"
contains "$OUT" "^ +6 +2026-03-01 +match +VFTC +JPN +JPY +10,000,000 +63,897\.76 +applies 5 to pledge 3: named by the contribution$" \
	"CSV.md: entry 6 applies all of contribution 5 to pledge 3, as the document says"
contains "$OUT" "^ +8 +2026-03-01 +match +UPRP +DEU +EUR +100,000\.50 +108,578\.18 +applies 7 to pledge 4: named by the contribution$" \
	"CSV.md: entry 8 applies all of contribution 7 to pledge 4, as the document says"
cd "$ROOT" || exit 1

# ---- docs/CONFIG.md: the keys section --------------------------------------------------------

CONFDOC="$ROOT/docs/CONFIG.md"
# The documented main file, keys included, loads (init reads the configuration, then creates).
awk '/^## fundledger.yaml/ { s = 1; next } s && /^```yaml$/ { b = 1; next } b && /^```$/ { exit } b' \
	"$CONFDOC" >"$T/main-example.yaml"
grep -q '^keys:$' "$T/main-example.yaml"
same $? 0 "CONFIG.md's main-file example has a keys section"
expect 0 "CONFIG.md's main-file example loads, keys included" \
	fl -c "$T/main-example.yaml" -d "$T/cfg-ok.db" init
TVKEY=$(sed -n 's/^  - vkey: \(.*treasurer.*\)$/\1/p' "$T/main-example.yaml")
AVKEY=$(sed -n 's/^  - vkey: \(.*auditor.*\)$/\1/p' "$T/main-example.yaml")
grep -B1 -x '    role: auditor' "$T/main-example.yaml" | grep -qF "$AVKEY" && [ -n "$TVKEY" ]
same $? 0 "CONFIG.md's example lists a treasurer key and an auditor key"
head -n 6 "$T/main-example.yaml" >"$T/main-head.yaml"
same "$(sed -n 6p "$T/main-head.yaml")" "currencies: currencies.yaml" "CONFIG.md's example has its keys from line 7"
n=0
# keys_case MESSAGE YAML: the main file with YAML from line 7 fails with MESSAGE, which CONFIG.md shows.
keys_case() {
	n=$((n + 1))
	{ cat "$T/main-head.yaml"; printf '%s\n' "$2"; } >"$T/keys-case-$n.yaml"
	expect 3 "CONFIG.md keys rule: $1" fl -c "$T/keys-case-$n.yaml" -d "$T/cfg-$n.db" init
	same "$(cat "$ERR")" "fundledger: $T/keys-case-$n.yaml:$1" "message of: $1"
	grep -qxF "config/fundledger.yaml:$1" "$CONFDOC"
	same $? 0 "CONFIG.md shows: config/fundledger.yaml:$1"
	[ ! -e "$T/cfg-$n.db" ]
	same $? 0 "no ledger is created with a bad configuration ($n)"
}
keys_case "7:7: 'keys' is empty" "keys: []"
keys_case "9:5: unknown key 'name' in a key (expected: vkey, role)" "keys:
  - vkey: $TVKEY
    name: treasurer
    role: treasurer"
keys_case "8:5: a key has no 'role'" "keys:
  - vkey: $TVKEY"
keys_case "9:11: role 'cashier' is not treasurer or auditor" "keys:
  - vkey: $TVKEY
    role: cashier"
keys_case "8:11: verifier key: key ID a18a4ffb does not match the key (a18a4ffa)" "keys:
  - vkey: $(printf '%s' "$TVKEY" | sed 's/+a18a4ffa+/+a18a4ffb+/')
    role: treasurer"
keys_case "8:11: verifier key: key ID must be hex" "keys:
  - vkey: $(printf '%s' "$TVKEY" | sed 's/+a18a4ffa+/+a18a4ffg+/')
    role: treasurer"
keys_case "8:11: verifier key: expected a type byte and a 32-byte key" "keys:
  - vkey: $(printf '%s' "$TVKEY" | sed 's/+\([^+]*\)$/+AAAA/')
    role: treasurer"
keys_case "8:11: a key with role treasurer must be of type 0x01 (see 'fundledger key generate')" "keys:
  - vkey: $AVKEY
    role: treasurer"
keys_case "10:11: key fundledger.example.org/treasurer-2026+a18a4ffa is listed twice" "keys:
  - vkey: $TVKEY
    role: treasurer
  - vkey: $TVKEY
    role: treasurer"
{ cat "$T/main-head.yaml"; printf 'recorder: x\n'; } >"$T/keys-case-unknown.yaml"
expect 3 "an unknown main-file key is refused" fl -c "$T/keys-case-unknown.yaml" -d "$T/cfg-u.db" init
msg=$(sed "s#^fundledger: $T/keys-case-unknown.yaml:7:#config/fundledger.yaml:3:#" "$ERR")
grep -qxF "$msg" "$CONFDOC"
same $? 0 "CONFIG.md's 'unknown key' example lists the expected keys as the program does ($msg)"

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
	# The command's own options: what follows the global ones on the usage line.
	fl help "$c" | sed -n '1s/^usage: fundledger \[-c CONFIG\] \[-d LEDGER\] \[-u USER\] \[-k KEYFILE\] \[--passphrase-file FILE\] //p' |
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

# man_sh NAME: the roff source of the man page's ".SH NAME" section.
man_sh() {
	awk -v n="$1" '$0 == ".SH " n || $0 == ".SH \"" n "\"" { s = 1; next } s && /^\.SH / { exit } s' "$MAN"
}
# The global options of main.c (its getopt_long table and short-option string), in GLOBAL OPTIONS.
man_sh "GLOBAL OPTIONS" >"$T/global"
grep -o '{"[a-z-]*", [a-z_]*_argument, NULL, '"'"'.'"'"'}' "$ROOT/ledger/cli/main.c" |
	sed 's/{"\([a-z-]*\)", [a-z_]*_argument, NULL, '"'"'\(.\)'"'"'}/\1 \2/' >"$T/globals"
shorts=$(sed -n 's/.*getopt_long(argc, argv, "+\{0,1\}\([^"]*\)".*/\1/p' "$ROOT/ledger/cli/main.c" | head -n 1)
nglobals=$(wc -l <"$T/globals" | tr -d ' ')
if [ "$nglobals" -ge 7 ] && [ -n "$shorts" ]; then ok "main.c has $nglobals global options ($shorts)"; else not_ok "main.c has $nglobals global options, short ones '$shorts'"; fi
missing=""
while read -r long short; do
	roff=$(printf '%s' "$long" | sed 's/-/\\-/g')
	grep -qF -- "\\-\\-$roff" "$T/global" || missing="$missing --$long"
	case $shorts in
	*"$short"*) grep -qE -- "\\\\-$short( |\"|\$)" "$T/global" || missing="$missing -$short" ;;
	esac
done <"$T/globals"
same "$missing" "" "docs/fundledger.1 GLOBAL OPTIONS names every global option of main.c"
# Every FUNDLEDGER_* variable the program reads is in ENVIRONMENT.
man_sh ENVIRONMENT >"$T/environment"
grep -oh 'getenv("FUNDLEDGER_[A-Z_]*")' "$ROOT"/ledger/cli/*.c | sed 's/getenv("\(.*\)")/\1/' |
	sort -u >"$T/envs"
nenvs=$(wc -l <"$T/envs" | tr -d ' ')
if [ "$nenvs" -ge 6 ]; then ok "the program reads $nenvs FUNDLEDGER_* variables"; else not_ok "the program reads $nenvs FUNDLEDGER_* variables (expected at least 6)"; fi
missing=""
while read -r v; do
	grep -qx "\.B $v" "$T/environment" || missing="$missing $v"
done <"$T/envs"
same "$missing" "" "docs/fundledger.1 ENVIRONMENT describes every FUNDLEDGER_* variable"

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

for d in docs/FORMAT.md docs/CSV.md docs/CONFIG.md docs/AUDIT.md SECURITY.md; do
	grep -q "($d)" "$README" && [ -f "$ROOT/$d" ]
	same $? 0 "README links to $d, which exists"
done
