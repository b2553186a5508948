# tests/cli/lib.sh: sourced by each CLI test script.
#
# Gives every script a fresh temporary directory ($T) with its own configuration copy, ledger
# path and clock, and TAP-style assertions: each prints "ok - ..." or "not ok - ...".
# Usage:   . "$ROOT/tests/cli/lib.sh"
#          expect 0 "init creates a ledger" fl init
set -u
: "${FUNDLEDGER:?}" "${ROOT:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$ROOT"/config/*.yaml "$T"/
export FUNDLEDGER_CONFIG="$T/fundledger.yaml"
export FUNDLEDGER_LEDGER="$T/ledger.db"
export FUNDLEDGER_USER="tester"
export FUNDLEDGER_NOW="2026-03-01T12:00:00Z"
OUT="$T/out"
ERR="$T/err"

# Every write is signed: a treasurer key for this script, authorised in its configuration.
export FUNDLEDGER_PASSPHRASE="correct horse battery staple"
"$FUNDLEDGER" key generate --name test.example/treasurer --out "$T/treasurer.key" \
	>"$T/treasurer.vkey" 2>/dev/null || { echo "not ok - generate the test key"; exit 1; }
printf 'keys:\n  - vkey: "%s"\n    role: treasurer\n' "$(cat "$T/treasurer.vkey")" \
	>>"$T/fundledger.yaml"
export FUNDLEDGER_KEY="$T/treasurer.key"

# add_auditor: an auditor key ($T/auditor.key, $T/auditor.vkey), authorised too.
add_auditor() {
	"$FUNDLEDGER" key generate --name test.example/auditor --role auditor \
		--out "$T/auditor.key" >"$T/auditor.vkey" 2>/dev/null
	printf '  - vkey: "%s"\n    role: auditor\n' "$(cat "$T/auditor.vkey")" \
		>>"$T/fundledger.yaml"
}

fl() { "$FUNDLEDGER" "$@"; }

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# expect CODE DESCRIPTION COMMAND...: runs COMMAND, captures stdout/stderr in $OUT/$ERR,
# passes when it exits with CODE.
expect() {
	code=$1
	desc=$2
	shift 2
	"$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" -eq "$code" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, expected $code)"
		sed 's/^/#   stdout: /' "$OUT"
		sed 's/^/#   stderr: /' "$ERR"
	fi
}

# contains FILE PATTERN DESCRIPTION: passes when grep finds the extended regex in FILE.
contains() {
	if grep -Eq -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3 (no /$2/ in $(basename "$1"))"
		sed 's/^/#   /' "$1"
	fi
}

# count: the number of entries in the ledger, read straight from SQLite; "no ledger" when
# the file does not exist (sqlite3 would otherwise create an empty file there, which a later
# `fundledger init` then refuses as an existing ledger).
count() {
	if [ -f "$FUNDLEDGER_LEDGER" ]; then
		sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM entries'
	else
		echo "no ledger"
	fi
}

# same A B DESCRIPTION: passes when the two strings are equal.
same() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (got '$1', expected '$2')"; fi
}
