#!/bin/sh
# test_manpages.sh: the per-command manual pages that tools/manpages.sh makes (make man, make
# install) from docs/fundledger.1 and the program's command table.
#
# Every command of the table in ledger/cli/main.c gets fundledger-COMMAND.1 and no page is made
# for anything else; each renders with groff -ww without a warning; its NAME line is the
# command and the first sentence of its summary; its SYNOPSIS names every option of its usage
# line; its DESCRIPTION is its section of docs/fundledger.1; it has EXIT STATUS and names
# fundledger(1) under SEE ALSO.
. "$ROOT/tests/cli/lib.sh"

M=$T/man
sh "$ROOT/tools/manpages.sh" "$ROOT/docs/fundledger.1" "$FUNDLEDGER" "$M" 2>"$ERR"
same "$?:$(cat "$ERR")" "0:" "tools/manpages.sh makes the pages"
sed -n 's/^[[:space:]]*{"\([a-z]*\)", cmd_[a-z]*,.*/\1/p' "$ROOT/ledger/cli/main.c" >"$T/commands"
n=$(wc -l <"$T/commands" | tr -d ' ')
if [ "$n" -ge 20 ]; then ok "the table has $n commands"; else not_ok "the table has $n commands"; fi
same "$(ls "$M" | sed -n 's/^fundledger-\(.*\)\.1$/\1/p' | sort)" "$(sort "$T/commands")" \
	"there is one page per command of the table, and no other"

# man_part PAGE SECTION: the roff source of PAGE's ".SH SECTION".
man_part() {
	awk -v n="$2" '$0 == ".SH " n { s = 1; next } s && /^\.SH / { exit } s' "$1"
}
bad_render="" bad_name="" bad_syn="" bad_desc="" bad_rest=""
while read -r c; do
	p=$M/fundledger-$c.1
	[ -f "$p" ] || continue
	if command -v groff >/dev/null 2>&1; then
		w=$(groff -man -Tutf8 -ww -z "$p" 2>&1)
		[ $? -eq 0 ] && [ -z "$w" ] || bad_render="$bad_render $c($w)"
	fi
	summary=$(fl help "$c" | sed -n 3p)
	first=$(printf '%s\n' "$summary" | sed -e 's/\. .*//' -e 's/\.$//' -e 's/-/\\-/g')
	[ "$(man_part "$p" NAME)" = "fundledger\\-$c \\- $first" ] || bad_name="$bad_name $c"
	head -n 5 "$p" | grep -qx "\\.TH FUNDLEDGER\\\\-$(printf '%s' "$c" | tr a-z A-Z) 1 .*" ||
		bad_name="$bad_name $c(.TH)"
	man_part "$p" SYNOPSIS >"$T/syn"
	for o in $(fl help "$c" | sed -n '1s/^usage: fundledger .*\[--passphrase-file FILE\] //p' |
		grep -o -- '--[a-z-]*' | sort -u); do
		grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$T/syn" || bad_syn="$bad_syn $c:$o"
	done
	grep -qx ".B $c" "$T/syn" || bad_syn="$bad_syn $c(name)"
	# The description holds the section's body (everything after its synopsis), unchanged.
	awk -v n="$c" '$0 == ".SS " n { s = 1; next } s && /^\.S[SH] / { exit }
		s && !pp && /^\.PP$/ { pp = 1; next } s && pp' "$ROOT/docs/fundledger.1" >"$T/body"
	man_part "$p" DESCRIPTION >"$T/desc"
	[ -s "$T/body" ] && [ "$(head -n "$(wc -l <"$T/body")" "$T/desc")" = "$(cat "$T/body")" ] ||
		bad_desc="$bad_desc $c"
	[ -n "$(man_part "$p" "EXIT STATUS")" ] && man_part "$p" "SEE ALSO" | grep -qx '\.BR fundledger (1)' ||
		bad_rest="$bad_rest $c"
done <"$T/commands"
if command -v groff >/dev/null 2>&1; then
	same "$bad_render" "" "every page renders with groff -man -ww without warnings"
else
	not_ok "groff is installed (tools/deps.sh installs groff-base)"
fi
same "$bad_name" "" "every page's .TH and NAME name the command and the first sentence of its summary"
same "$bad_syn" "" "every page's SYNOPSIS names the command and every option of its usage line"
same "$bad_desc" "" "every page's DESCRIPTION is its section of docs/fundledger.1"
same "$bad_rest" "" "every page has EXIT STATUS and SEE ALSO fundledger(1)"

# One spot check of the whole: the rendered log page as a reader sees it.
groff -man -Tutf8 -P-c "$M/fundledger-log.1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' >"$T/log.txt"
contains "$T/log.txt" '^ +fundledger-log - List entries, oldest first$' "fundledger-log(1) NAME reads as it should"
contains "$T/log.txt" '^ +--kind K$' "fundledger-log(1) describes --kind"
contains "$T/log.txt" '^ +1 +A check failed' "fundledger-log(1) lists the exit statuses"

# A section missing from docs/fundledger.1 is an error, not an empty page.
sed '/^\.SS totals$/,/^\.SS verify$/{/^\.SS verify$/!d}' "$ROOT/docs/fundledger.1" >"$T/broken.1"
sh "$ROOT/tools/manpages.sh" "$T/broken.1" "$FUNDLEDGER" "$T/man2" >"$OUT" 2>"$ERR"
same "$?" 1 "tools/manpages.sh fails when a command has no section"
contains "$ERR" "has no section '\.SS totals'" "and says which"
