# fundledger.bash: bash completion for fundledger(1).
#
# Installed by `make install` as $(PREFIX)/share/bash-completion/completions/fundledger, where
# bash-completion loads it on first use; or source it from ~/.bashrc.
#
# The commands, their options, their subcommands and the finite values of their options are
# read from the program itself when completing, so they cannot drift from it: `fundledger help`
# lists the commands ("  NAME  summary" lines), and `fundledger help NAME` prints the usage
# line, in which "--opt" words are options, bare lowercase words (statement's "import",
# proof's "inclusion") are subcommands, and "--opt a|b|c" gives an option's values. Only what
# the usage line cannot say is kept here: the global options (main.c's table), the entry kinds
# of `log --kind` (entry.c), and which options take a file or a directory.
# tests/cli/test_completion.sh checks all of it against the program.

_fundledger_globals='-c -d -u -k -h -V --config --ledger --user --key --passphrase-file --help --version'
_fundledger_kinds='pledge contribution rate reversal writeoff match statement bankline bankmatch'

# _fundledger_usage PROG CMD: CMD's usage line, without the global options before its name.
_fundledger_usage() {
	"$1" help "$2" 2>/dev/null | sed -n "1s/^usage: fundledger \\[-c CONFIG\\].*\\[--passphrase-file FILE\\] $2 \\{0,1\\}//p"
}

_fundledger() {
	local cur prev prog cmd i w usage words
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	prog=${COMP_WORDS[0]}
	command -v "$prog" >/dev/null 2>&1 || prog=fundledger

	# The command is the first word that is neither a global option nor its value.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c | -d | -u | -k | --config | --ledger | --user | --key | --passphrase-file)
			((i++))
			;;
		-*) ;;
		*)
			cmd=$w
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-c | -d | -k | --config | --ledger | --key | --passphrase-file)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
			;;
		-u | --user) return ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_fundledger_globals" -- "$cur")
		else
			words=$("$prog" help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
			mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		fi
		return
	fi

	# help's argument is a command; its options complete as any command's do.
	if [[ $cmd == help && $cur != -* && $prev != --format ]]; then
		words=$("$prog" help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	# Only a command's name is looked up: a typed word is never put into a pattern.
	[[ $cmd =~ ^[a-z]+$ ]] || return
	usage=$(_fundledger_usage "$prog" "$cmd")

	# The value of an option.
	case $prev in
	--kind)
		mapfile -t COMPREPLY < <(compgen -W "$_fundledger_kinds" -- "$cur")
		return
		;;
	--out | --narrative | --trusted | --entry | --key | --socket)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--bundle)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	--*)
		# "--opt a|b|c" in the usage line: the values, when every one is a lowercase word.
		words=$(printf '%s\n' "$usage" | tr -d '[]()' | tr ' ' '\n' |
			awk -v p="$prev" '$0 == p { getline; print }' | grep -E '^[a-z]+(\|[a-z]+)+$' | tr '|' ' ')
		if [[ -n $words ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
			return
		fi
		# Another option that takes a value (its usage word is in capitals): nothing to offer.
		if printf '%s\n' "$usage" | tr -d '[]()' | tr ' ' '\n' |
			awk -v p="$prev" '$0 == p { getline; print }' | grep -Eq '^[A-Z]'; then
			return
		fi
		;;
	esac

	if [[ $cur == -* ]]; then
		words=$(printf '%s\n' "$usage" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$words --help" -- "$cur")
		return
	fi
	# A subcommand, right after the command: the bare lowercase words of the usage line.
	if [[ $prev == "$cmd" ]]; then
		words=$(printf '%s\n' "$usage" | tr -d '[]()' | tr ' ' '\n' | grep -E '^[a-z]+$' |
			sort -u)
		if [[ -n $words ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
			return
		fi
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _fundledger fundledger
