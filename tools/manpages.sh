#!/bin/sh
# tools/manpages.sh MAN BIN OUTDIR: writes one manual page per command, OUTDIR/fundledger-NAME.1.
#
# There is one source of truth for each part of a page: the command list, each usage line and
# each summary (NAME takes its first sentence) come from the program's own command table (`BIN help` and `BIN help NAME`); the
# description and options are the command's ".SS NAME" section of MAN (docs/fundledger.1)
# without its synopsis (the lines before its first .PP); the exit status is MAN's EXIT STATUS;
# the .TH date and source are MAN's. A page names fundledger(1) under SEE ALSO.
# Run by `make man` (the Makefile); POSIX sh and awk only.
set -eu
[ $# -eq 3 ] || {
	echo "usage: $0 MAN BIN OUTDIR" >&2
	exit 2
}
man=$1
bin=$2
out=$3
mkdir -p "$out"

# The commands, in the order `help` lists them: "  NAME   summary" lines.
cmds=$("$bin" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || {
	echo "$0: '$bin help' lists no commands" >&2
	exit 1
}
# .TH FUNDLEDGER 1 DATE "SOURCE" "MANUAL": everything after the section number.
th_rest=$(sed -n 's/^\.TH FUNDLEDGER 1 //p' "$man" | head -n 1)

# roff: escape backslashes and hyphens, and protect a leading dot or quote.
roff() {
	sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

for c in $cmds; do
	page=$out/fundledger-$c.1
	usage=$("$bin" help "$c" | sed -n '1s/^usage: fundledger \[-c CONFIG\] \[-d LEDGER\] \[-u USER\] \[-k KEYFILE\] \[--passphrase-file FILE\] //p')
	summary=$("$bin" help "$c" | sed -n '3p')
	# NAME takes the summary's first sentence, without its full stop.
	first=$(printf '%s\n' "$summary" | sed -e 's/\. .*//' -e 's/\.$//')
	upper=$(printf '%s' "$c" | tr 'a-z' 'A-Z')
	section=$(awk -v n="$c" '$0 == ".SS " n { s = 1; next }
		s && /^\.S[SH] / { exit }
		s && !pp && /^\.PP$/ { pp = 1; next }
		s && pp' "$man")
	[ -n "$section" ] || {
		echo "$0: $man has no section '.SS $c' (or no .PP after its synopsis)" >&2
		exit 1
	}
	{
		echo ".\\\" fundledger-$c.1: made by tools/manpages.sh from docs/fundledger.1 and the"
		echo ".\\\" command table; edit those, not this file."
		echo ".TH FUNDLEDGER\\-$upper 1 $th_rest"
		echo ".SH NAME"
		printf 'fundledger\\-%s \\- %s\n' "$c" "$(printf '%s\n' "$first" | roff)"
		echo ".SH SYNOPSIS"
		echo ".B fundledger"
		echo ".RI [ global\\ options ]"
		echo ".B $c"
		usage=${usage#"$c"}
		usage=${usage# }
		[ -z "$usage" ] || printf '%s\n' "$usage" | roff
		echo ".SH DESCRIPTION"
		printf '%s\n' "$section"
		echo ".PP"
		echo "The global options (\\-c, \\-d, \\-u, \\-k, \\-\\-passphrase\\-file) and the"
		echo "environment are described in"
		echo ".BR fundledger (1)."
		awk '/^\.SH EXIT STATUS$/ { s = 1; print; next } s && /^\.SH / { exit } s' "$man"
		echo ".SH SEE ALSO"
		echo ".BR fundledger (1)"
	} >"$page.tmp"
	mv "$page.tmp" "$page"
done
