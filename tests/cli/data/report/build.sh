#!/bin/sh
# tests/cli/data/report/build.sh: builds the fixed five-year sample ledger (2021-2025, and a
# little of 2026) that the golden-file tests of `fundledger report` read.
#
#   sh tests/cli/data/report/build.sh FUNDLEDGER_BINARY DIR
#
# DIR must be empty or not exist. It gets fundledger.yaml (a copy of config/*.yaml with the
# two fixed keys below authorised), ledger.db, keys/ (copies of the fixture's keys, mode 0600)
# and build.log (what each step printed). Standard output is two lines:
#
#   checkpoint-2025 SIZE     the size of the checkpoint the auditor cosigned (step 6)
#   checkpoint-latest SIZE   the size of the latest checkpoint (after step 7)
#
# Every step runs at its own fixed time (FUNDLEDGER_NOW) as the fixed user `treasurer`, with the
# fixed keys of this directory; Ed25519 signatures are deterministic, so every run writes the
# same entries, hashes, Merkle roots, checkpoints and cosignature. What the ledger holds, and
# which donor or pledge shows which pattern, is in README.md beside this script.
# Exits non-zero with a message on the first step that fails. Runs from any working directory;
# needs only sh, the fundledger binary and standard tools.
set -u

prog=build.sh
die() {
	echo "$prog: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: sh tests/cli/data/report/build.sh FUNDLEDGER_BINARY DIR"
FUNDLEDGER=$1
DIR=$2
case $FUNDLEDGER in /*) ;; */*) FUNDLEDGER=$(pwd)/$FUNDLEDGER ;; esac
case $FUNDLEDGER in
*/*) if [ ! -f "$FUNDLEDGER" ] || [ ! -x "$FUNDLEDGER" ]; then die "$FUNDLEDGER is not an executable file"; fi ;;
*) command -v "$FUNDLEDGER" >/dev/null 2>&1 || die "$FUNDLEDGER: not found" ;;
esac

# HERE is this directory (tests/cli/data/report); ROOT the checkout, four levels above it.
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || die "cannot find the script's directory"
ROOT=$(CDPATH='' cd -- "$HERE/../../../.." && pwd) || die "cannot find the checkout"
for f in config/fundledger.yaml tools/sample/2025.csv tools/sample/2021-2024.csv \
	tools/sample/2025-12-eur.camt053.xml tests/cli/data/report/treasurer.key; do
	[ -f "$ROOT/$f" ] || die "$ROOT/$f is missing: is $HERE in a checkout of fundledger?"
done

if [ -e "$DIR" ]; then
	[ -d "$DIR" ] || die "$DIR exists and is not a directory"
	[ -z "$(ls -A -- "$DIR")" ] || die "$DIR is not empty"
else
	mkdir -p -- "$DIR" || die "cannot create $DIR"
fi
DIR=$(CDPATH='' cd -- "$DIR" && pwd) || die "cannot enter $DIR"

# TEST-ONLY KEYS, OF NO VALUE: treasurer.key and auditor.key were made once with
# `fundledger key generate` (names report-fixture.example/treasurer and
# report-fixture.example/auditor) and this passphrase, and are committed so that the
# signatures are the same on every run. They protect nothing; never authorise them anywhere.
FUNDLEDGER_PASSPHRASE='report fixture: a test-only key, not a secret'
# Key files must be private to their owner; git does not keep mode 0600, so copy them.
mkdir "$DIR/keys" || die "cannot create $DIR/keys"
for k in treasurer auditor; do
	cp "$HERE/$k.key" "$HERE/$k.vkey" "$DIR/keys/" || die "cannot copy the $k key to $DIR/keys"
	chmod 600 "$DIR/keys/$k.key" || die "cannot make $DIR/keys/$k.key private"
done
cp "$ROOT"/config/*.yaml "$DIR"/ || die "cannot copy $ROOT/config"
printf 'keys:\n  - vkey: "%s"\n    role: treasurer\n  - vkey: "%s"\n    role: auditor\n' \
	"$(cat "$DIR/keys/treasurer.vkey")" "$(cat "$DIR/keys/auditor.vkey")" \
	>>"$DIR/fundledger.yaml" || die "cannot write $DIR/fundledger.yaml"

cd "$DIR" || die "cannot enter $DIR"
unset FUNDLEDGER_LEDGER
FUNDLEDGER_CONFIG=$DIR/fundledger.yaml
FUNDLEDGER_KEY=$DIR/keys/treasurer.key
FUNDLEDGER_USER=treasurer
export FUNDLEDGER_CONFIG FUNDLEDGER_KEY FUNDLEDGER_USER FUNDLEDGER_PASSPHRASE
LOG=$DIR/build.log
: >"$LOG"
SAMPLE=$ROOT/tools/sample

# step TIME ARGS...: runs `fundledger -d ledger.db ARGS` at TIME, its output appended to the
# log; stops the script if it fails.
step() {
	FUNDLEDGER_NOW=$1
	export FUNDLEDGER_NOW
	shift
	printf '$ [%s] fundledger %s\n' "$FUNDLEDGER_NOW" "$*" >>"$LOG"
	if ! "$FUNDLEDGER" -d "$DIR/ledger.db" "$@" >>"$LOG" 2>&1; then
		tail -n 3 "$LOG" >&2
		die "'fundledger $1' at $FUNDLEDGER_NOW failed; the log is $LOG"
	fi
}

# size: the size of the latest signed checkpoint (its second line).
size() {
	n=$("$FUNDLEDGER" -d "$DIR/ledger.db" checkpoint 2>>"$LOG" | sed -n 2p)
	case $n in '' | *[!0-9]*) die "cannot read the latest checkpoint; the log is $LOG" ;; esac
	echo "$n"
}

# 1. A new ledger, with the configuration's origin.
step 2026-01-12T09:00:00Z init --origin fundledger.example.org/ohchr-voluntary-funds

# 2. The 2025 sample first (its sequence numbers are those of tools/demo.sh), then the
#    2021-2024 history; importing the history again must record nothing.
step 2026-01-12T09:05:00Z import "$SAMPLE/2025.csv"
step 2026-01-12T09:10:00Z import "$SAMPLE/2021-2024.csv"
step 2026-01-12T09:15:00Z import "$SAMPLE/2021-2024.csv"
tail -n 1 "$LOG" | grep -q ', 0 new entries, ' ||
	die "the second import of 2021-2024.csv recorded something; the log is $LOG"

# 3. December's statement of the EUR account: Spain's and Ireland's payments, Estonia's
#    (which the ledger never records: a bank-only line) and the account charges.
step 2026-01-13T10:00:00Z statement import "$SAMPLE/2025-12-eur.camt053.xml"

# 4. Corrections and entries by hand.
# Denmark's 2024 payment to VFTC was keyed as DKK 400,000: reverse it, record DKK 4,000,000.
step 2026-01-14T15:00:00Z reverse RC-2024-VFTC-DNK-1 --ref REV-RC-2024-VFTC-DNK-1 \
	--reason "keyed as DKK 400,000; the bank statement shows DKK 4,000,000"
step 2026-01-14T15:05:00Z contribute --donor DNK --fund VFTC --currency DKK --amount 4000000 \
	--date 2024-05-21 --bank-ref JPM-20240521-0766 --pledge PL-2024-VFTC-DNK \
	--ref RC-2024-VFTC-DNK-1-corrected
# Nigeria's 2022 pledge: half written off by the Board; a quarter stays overdue.
step 2026-01-14T15:10:00Z writeoff PL-2022-VFTC-NGA --amount 50000 --date 2025-12-15 \
	--ref WO-2022-VFTC-NGA \
	--reason "Board of Trustees, December 2025: half of the 2022 pledge withdrawn by the donor"
# Ireland's 2025 payment (on the statement, found there by its bank reference).
step 2026-01-14T15:15:00Z contribute --donor IRL --fund VFTC --currency EUR --amount 300000 \
	--date 2025-12-11 --bank-ref JPM-20251211-1913 --pledge PL-2025-VFTC-IRL \
	--ref RC-2025-VFTC-IRL-1
# Argentina pays its 2025 pledge without naming it: unapplied at the year end, and
# reconcile proposes the pledge (rule exact).
step 2026-01-14T15:20:00Z contribute --donor ARG --fund UPRP --currency USD --amount 15000 \
	--date 2025-12-29 --bank-ref JPM-20251229-2115 --ref RC-2025-UPRP-ARG-1
# Kuwait pays USD 40,000, naming neither of its two pledges of USD 40,000 due the same day:
# reconcile cannot choose (ambiguous).
step 2026-01-14T15:25:00Z contribute --donor KWT --fund UPRP --currency USD --amount 40000 \
	--date 2025-12-30 --bank-ref JPM-20251230-2152 --ref RC-2025-UPRP-KWT-1

# 5. `reconcile --apply` is deliberately not run: the unapplied receipts, the ambiguous one and
#    the unreconciled bank lines stay as they are at the year end.

# 6. The auditor verifies the ledger and cosigns its latest checkpoint.
step 2026-01-15T09:00:00Z cosign --key "$DIR/keys/auditor.key"
cp2025=$(size)

# 7. January 2026, after the cosigned checkpoint: a rate, and Norway's second instalment.
step 2026-01-21T09:00:00Z rate --currency NOK --rate 10.087 --date 2026-01-01 \
	--ref UNORE-NOK-2026-01
step 2026-01-21T09:05:00Z contribute --donor NOR --fund VFTC --currency NOK --amount 10000000 \
	--date 2026-01-20 --bank-ref JPM-20260120-0137 --pledge PL-2025-VFTC-NOR \
	--ref RC-2026-VFTC-NOR-1
latest=$(size)

step 2026-01-21T10:00:00Z verify
[ "$latest" -gt "$cp2025" ] || die "the latest checkpoint ($latest) is not after the cosigned one ($cp2025)"
echo "checkpoint-2025 $cp2025"
echo "checkpoint-latest $latest"
