#!/bin/sh
# test_help.sh: `fundledger help` lists the commands grouped by who uses them.
#
# The headings come in the order treasurer, auditor, trustee, everyone; each command of the
# table in ledger/cli/main.c is listed exactly once, under the heading of its group column;
# nothing else is listed. `help COMMAND` prints that command's usage and summary.
. "$ROOT/tests/cli/lib.sh"

# The table: "NAME GROUP" per command (name and group are on the entry's first line).
sed -n 's/^[[:space:]]*{"\([a-z]*\)", cmd_[a-z]*, [^"]*"\([a-z]*\)".*/\1 \2/p' \
	"$ROOT/ledger/cli/main.c" | sort >"$T/table"
n=$(wc -l <"$T/table" | tr -d ' ')
if [ "$n" -ge 20 ]; then ok "the table has $n commands"; else not_ok "the table has $n commands"; fi
same "$(cut -d' ' -f2 "$T/table" | sort -u | tr '\n' ' ')" "auditor everyone treasurer trustee " \
	"the table's groups are treasurer, auditor, trustee and everyone"

expect 0 "fundledger help exits 0" fl help
cp "$OUT" "$T/help"
same "$(grep -E '^for ' "$T/help" | tr '\n' '|')" \
	"for the treasurer:|for the auditor:|for the trustee:|for everyone:|" \
	"help's headings, in order: treasurer, auditor, trustee, everyone"
# "NAME GROUP" for each command line, by the heading above it.
awk '/^for the [a-z]+:$/ { g = $3; sub(":", "", g); next }
	/^for everyone:$/ { g = "everyone"; next }
	/^$/ { g = ""; next }
	g != "" && /^  [a-z]+  / { print $1, g }' "$T/help" | sort >"$T/listed"
same "$(cat "$T/listed")" "$(cat "$T/table")" \
	"every command is listed once, under its own group's heading, and nothing else is"
same "$(cut -d' ' -f1 "$T/listed" | uniq -d)" "" "no command is listed twice"
same "$(grep -c '^  [a-z]' "$T/help")" "$n" "help lists $n command lines in all"

expect 0 "help verify exits 0" fl help verify
contains "$OUT" '^usage: fundledger .* verify \[--full\]' "help verify prints verify's usage"
expect 2 "help of an unknown command is a usage error" fl help nosuch
contains "$ERR" "^fundledger: unknown command 'nosuch'" "and says so"
# The footer points at the per-command pages, which test_manpages.sh checks exist.
contains "$T/help" "'man fundledger-COMMAND' has more\.$" "help points at the per-command man pages"
