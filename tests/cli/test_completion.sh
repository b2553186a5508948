#!/bin/sh
# test_completion.sh: the bash completion, tools/completion/fundledger.bash.
#
# It is sourced in bash, COMP_WORDS and COMP_CWORD are set as bash would, and _fundledger's
# COMPREPLY is checked: command names; the options and subcommands of several commands;
# --format, --kind and --role values; files after --out. Then, against the program itself:
# every command of the table in main.c completes, and so does every --option of every
# command's usage line; the global options are main.c's; the kinds are those log --kind takes.
. "$ROOT/tests/cli/lib.sh"

command -v bash >/dev/null 2>&1 || { not_ok "bash is installed"; exit 1; }
COMP=$ROOT/tools/completion/fundledger.bash
# The completion runs the program as its first word; give it this one.
mkdir -p "$T/bin" "$T/files"
ln -s "$FUNDLEDGER" "$T/bin/fundledger"
: >"$T/files/report.html"
: >"$T/files/rates.csv"

# comp WORD...: the sorted completions of the last WORD (which may be empty) after the others.
comp() {
	PATH="$T/bin:$PATH" bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_fundledger; printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$COMP" fundledger "$@"
}
# comp_is EXPECTED DESCRIPTION WORD...: the completions, one line each, are EXPECTED (sorted).
comp_is() {
	want=$(printf '%s\n' $1 | sort)
	desc=$2
	shift 2
	same "$(comp "$@")" "$want" "$desc"
}

comp_is "reconcile report reverse" "commands: 're' completes to reconcile, report, reverse" re
comp_is "cosign contribute" "commands: 'co'" co
comp_is "--config --ledger --user --key --passphrase-file --help --version" \
	"global options before the command" --
comp_is "verify" "commands after global options: '-d x.db ver'" -d x.db ver
comp_is "--amount --announcement --currency --date --donor --donor-ref --due --earmark --fund --help --ref --years" \
	"pledge's options" pledge --
comp_is "--donor --format --from --fund --help --kind --to" "log's options" log --
comp_is "--full" "verify --fu" verify --fu
comp_is "text csv json" "log --format values" log --format ""
comp_is "text csv json hex" "show --format values" show 3 --format ""
comp_is "text csv json" "help --format values" help --format ""
comp_is "--format --help" "help's options" help --
comp_is "bundle ledger hledger beancount iati" "export --format values" export --format ""
comp_is "html md csv json" "report --format values" report --year 2026 --format ""
comp_is "hledger" "export --format h" export --format h
comp_is "bankline bankmatch" "log --kind b" log --kind b
comp_is "treasurer auditor" "key generate --role values" key generate --role ""
comp_is "generate" "key's subcommand" key ""
comp_is "consistency inclusion verify" "proof's subcommands" proof ""
comp_is "import" "statement's subcommand" statement ""
comp_is "verify" "checkpoint's subcommand" checkpoint v
comp_is "" "no value offered for --donor D" log --donor ""
comp_is "reconcile report reverse" "help completes command names" help re
comp_is "$T/files/rates.csv $T/files/report.html" "--out completes files" report --out "$T/files/"
comp_is "$T/files/rates.csv" "import completes a file" import "$T/files/ra"
# A file name with a space, or a glob character, is one candidate, as it is.
: >"$T/files/q1 pledges.csv"
: >"$T/files/g*"
: >"$T/files/gz.csv"
same "$(comp import "$T/files/q1")" "$T/files/q1 pledges.csv" "a file name with a space is one candidate"
same "$(comp import "$T/files/g")" "$(printf '%s\n' "$T/files/g*" "$T/files/gz.csv")" \
	"a file name with '*' is one candidate, not expanded into others"
# A typed word is never put into a pattern: no error reaches the terminal.
same "$(comp a/b "" 2>&1 >/dev/null)" "" "an odd command word completes quietly"
same "$(comp log --fo/o "" 2>&1 >/dev/null)" "" "an odd option word completes quietly"

# Against the program: every command and every option of every usage line.
sed -n 's/^[[:space:]]*{"\([a-z]*\)", cmd_[a-z]*,.*/\1/p' "$ROOT/ledger/cli/main.c" >"$T/commands"
n=$(wc -l <"$T/commands" | tr -d ' ')
if [ "$n" -ge 20 ]; then ok "the table has $n commands"; else not_ok "the table has $n commands"; fi
same "$(comp "")" "$(sort "$T/commands")" "every command of the table completes, and nothing else"
missing="" checked=0
while read -r c; do
	comp "$c" -- >"$T/opts"
	for o in $(fl help "$c" | sed -n '1s/^usage: fundledger .*\[--passphrase-file FILE\] //p' |
		grep -o -- '--[a-z][a-z-]*' | sort -u); do
		checked=$((checked + 1))
		grep -qx -- "$o" "$T/opts" || missing="$missing $c:$o"
	done
done <"$T/commands"
same "$missing" "" "every --option of every command's usage line completes ($checked options)"
if [ "$checked" -ge 50 ]; then ok "$checked options checked"; else not_ok "only $checked options checked"; fi

# The global options are main.c's getopt_long table, long and short.
grep -o '{"[a-z-]*", [a-z_]*_argument, NULL, '"'"'.'"'"'}' "$ROOT/ledger/cli/main.c" |
	sed 's/{"\([a-z-]*\)", \([a-z]*\)_argument, NULL, '"'"'\(.\)'"'"'}/--\1 \3 \2/' >"$T/globals"
shorts=$(sed -n 's/.*getopt_long(argc, argv, "+\{0,1\}\([^"]*\)".*/\1/p' "$ROOT/ledger/cli/main.c" | head -n 1)
want=$(while read -r long short _; do
	echo "$long"
	case $shorts in *"$short"*) echo "-$short" ;; esac
done <"$T/globals" | sort)
got=$(bash -c '. "$1"; printf "%s\n" $_fundledger_globals' sh "$COMP" | sort)
same "$got" "$want" "the completion's global options are those of main.c"
# Each global option that takes a value is skipped with its value when looking for the command.
for o in $(awk '$3 == "required" { print $1 }' "$T/globals"); do
	same "$(comp "$o" somevalue ver)" "verify" "the value of global option $o is not taken for the command"
done

# The kinds are the ones log --kind accepts, all of them.
fl init >/dev/null 2>&1
bad=""
kinds=$(bash -c '. "$1"; printf "%s\n" $_fundledger_kinds' sh "$COMP")
for k in $kinds; do
	fl log --kind "$k" >/dev/null 2>&1 || bad="$bad $k"
done
same "$bad" "" "log --kind accepts every kind the completion offers"
nk=$(sed -n '/KIND_NAMES\[\] = {/,/};/p' "$ROOT/ledger/entry.c" | grep -o '"[a-z]*"' | wc -l | tr -d ' ')
same "$(printf '%s\n' $kinds | wc -l | tr -d ' ')" "$nk" "the completion offers all $nk kinds of entry.c"
expect 2 "log refuses a kind that is not one" fl log --kind pledges
