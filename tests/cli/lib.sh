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

# fast_key FILE: the private key in FILE encrypted again with one PBKDF2 iteration instead of
# 600,000: the same key and verifier key, but each signed write no longer spends 0.25 s (ten
# seconds under valgrind) deriving the key. tests/cli/test_keys.sh and tests/unit/test_keys.c
# cover keys at the full count.
fast_key() {
	openssl pkcs8 -topk8 -in "$1" -passin env:FUNDLEDGER_PASSPHRASE -v2 aes-256-cbc \
		-v2prf hmacWithSHA256 -iter 1 -passout env:FUNDLEDGER_PASSPHRASE -out "$1.fast" &&
		chmod 600 "$1.fast" && mv "$1.fast" "$1"
}

# Every write is signed: a treasurer key for this script, authorised in its configuration.
export FUNDLEDGER_PASSPHRASE="correct horse battery staple"
"$FUNDLEDGER" key generate --name test.example/treasurer --out "$T/treasurer.key" \
	>"$T/treasurer.vkey" 2>/dev/null && fast_key "$T/treasurer.key" ||
	{ echo "not ok - generate the test key"; exit 1; }
printf 'keys:\n  - vkey: "%s"\n    role: treasurer\n' "$(cat "$T/treasurer.vkey")" \
	>>"$T/fundledger.yaml"
export FUNDLEDGER_KEY="$T/treasurer.key"

# add_auditor: an auditor key ($T/auditor.key, $T/auditor.vkey), authorised too.
add_auditor() {
	"$FUNDLEDGER" key generate --name test.example/auditor --role auditor \
		--out "$T/auditor.key" >"$T/auditor.vkey" 2>/dev/null && fast_key "$T/auditor.key"
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
# `fundledger init` then refuses as an existing ledger). Read-only, so that looking changes
# nothing: a read-write sqlite3 shell closing the last connection would checkpoint the ledger's
# write-ahead log into the file and delete it, which a test of the log's contents must not see.
count() {
	if [ -f "$FUNDLEDGER_LEDGER" ]; then
		sqlite3 -readonly "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM entries'
	else
		echo "no ledger"
	fi
}

# same A B DESCRIPTION: passes when the two strings are equal.
same() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (got '$1', expected '$2')"; fi
}

# asan_small_quarantine: for scripts that unlock keys many times. Under ASan (make sanitize)
# the allocator keeps 256 MiB of freed memory in quarantine by default, which makes each key
# unlock (600,000 PBKDF2 rounds, allocating in OpenSSL) take seconds; 16 MiB keeps it well
# under one. Nothing changes for a build without ASan, or when ASAN_OPTIONS sets the size.
asan_small_quarantine() {
	ldd "$FUNDLEDGER" 2>/dev/null | grep -q libasan || return 0
	case "${ASAN_OPTIONS:-}" in
	*quarantine_size_mb*) ;;
	*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16" ;;
	esac
}

# fsize_unit: the bytes in one block of `ulimit -f`, measured: 512 in dash (POSIX), 1024 in bash.
fsize_unit() {
	(
		ulimit -f 1
		trap '' XFSZ
		head -c 4096 /dev/zero >"$T/.fsize-unit"
	) 2>/dev/null
	wc -c <"$T/.fsize-unit" | tr -d ' '
	rm -f "$T/.fsize-unit"
}

# fsize BYTES CMD...: CMD with RLIMIT_FSIZE at BYTES, in a subshell (fundledger ignores
# SIGXFSZ, so a write past the limit fails with EFBIG instead of killing it).
fsize() (
	ulimit -f $(($1 / $(fsize_unit)))
	shift
	"$@"
)

# need_writer: sets WRITER to the concurrent writer of tests/tools (built in $BUILD by make
# test), or fails the script.
need_writer() {
	: "${BUILD:?set BUILD to the build directory}"
	case $BUILD in
	/*) WRITER=$BUILD/tests/tools/writer ;;
	*) WRITER=$ROOT/$BUILD/tests/tools/writer ;;
	esac
	[ -x "$WRITER" ] && return 0
	not_ok "the writer tool is built ($WRITER; make test builds it)"
	exit 1
}
