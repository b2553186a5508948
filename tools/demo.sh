#!/bin/sh
# tools/demo.sh: a year of the three funds in a fresh ledger, as a treasurer would keep it.
#
#   FUNDLEDGER=build/fundledger sh tools/demo.sh        (make demo does this)
#
# Creates a ledger in a new temporary directory with a copy of config/, imports the bundled
# 2025 sample (tools/sample/2025.csv: UN operational rates, pledges and contributions),
# records one correction (a contribution keyed with the wrong amount, reversed, then recorded
# right), verifies the ledger and prints the entries and the totals. The directory is kept so
# that the ledger can be explored afterwards; its path is printed at the end. Runs from any
# working directory. A fresh treasurer key signs the writes (its passphrase is set in the
# environment). The clock is fixed (FUNDLEDGER_NOW), so the entries and their hashes are the
# same on every run; only the key and its signatures differ.
set -u

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
FUNDLEDGER=${FUNDLEDGER:-$ROOT/build/fundledger}
case $FUNDLEDGER in /*) ;; *) FUNDLEDGER=$(pwd)/$FUNDLEDGER ;; esac
[ -x "$FUNDLEDGER" ] || { echo "demo: $FUNDLEDGER is missing; run 'make demo'" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/fundledger-demo.XXXXXX") || exit 1
cp "$ROOT"/config/*.yaml "$ROOT"/tools/sample/2025.csv "$T"/ || exit 1
cd "$T" || exit 1
export FUNDLEDGER_CONFIG="$T/fundledger.yaml"
export FUNDLEDGER_USER=treasurer
unset FUNDLEDGER_LEDGER # the configuration's `ledger: fundledger.db`, in this directory
# Every write is signed: a treasurer key for the demo, with a passphrase that is no secret.
export FUNDLEDGER_KEY="$T/treasurer.key"
export FUNDLEDGER_PASSPHRASE="demo passphrase, not a secret"

fundledger() { "$FUNDLEDGER" "$@"; }

# show ARGS...: prints "$ fundledger ARGS" as it could be typed, quoting where needed.
show() {
	line='$ fundledger'
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./:=,-]* | '') line="$line '$a'" ;;
		*) line="$line $a" ;;
		esac
	done
	printf '%s\n' "$line"
}

# step TIME COMMAND...: shows and runs one command at a fixed time; stops the demo on failure.
step() {
	FUNDLEDGER_NOW=$1
	export FUNDLEDGER_NOW
	shift
	show "$@"
	if ! fundledger "$@"; then
		echo "demo: 'fundledger $1' failed; the ledger is in $T" >&2
		exit 1
	fi
	echo
}

section() {
	echo "== $* =="
	echo
}

section "A treasurer's signing key, authorised in the configuration"
show key generate --name treasurer --out treasurer.key
if ! vkey=$(fundledger key generate --name treasurer --out treasurer.key 2>key.err) ||
	[ -z "$vkey" ]; then
	cat key.err >&2
	echo "demo: key generate failed; the directory is $T" >&2
	exit 1
fi
rm -f key.err
printf 'keys:\n  - {vkey: %s, role: treasurer}\n' "$vkey" >>fundledger.yaml
echo "$vkey"
echo "(added to fundledger.yaml under keys:, role treasurer)"
echo

section "A new ledger for the three funds (VFTC, UPRP, UPRI)"
step 2026-01-12T09:00:00Z init
section "The 2025 sample: monthly UN operational rates, pledges, contributions"
step 2026-01-12T09:05:00Z import 2025.csv
echo "Importing the same file again changes nothing: every row is already recorded."
step 2026-01-12T09:06:00Z import 2025.csv

section "A correction"
echo "Ireland's payment of EUR 300,000 to VFTC is keyed as EUR 3,000,000:"
echo
set -- contribute --donor IRL --fund VFTC --currency EUR --amount 3000000 \
	--date 2025-12-11 --bank-ref JPM-20251211-1913 --pledge PL-2025-VFTC-IRL \
	--ref RC-2025-VFTC-IRL-1
show "$@"
export FUNDLEDGER_NOW=2026-01-14T15:20:00Z
out=$(fundledger "$@") || { echo "demo: contribute failed" >&2; exit 1; }
echo "$out"
echo
wrong=$(echo "$out" | sed -n 's/^recorded entry \([0-9][0-9]*\) .*/\1/p')
[ -n "$wrong" ] || { echo "demo: no entry number in the output above" >&2; exit 1; }
echo "Entries are never changed or deleted. The wrong one is reversed, then recorded again:"
echo
step 2026-01-14T15:31:00Z reverse "$wrong" --reason "amount keyed as EUR 3,000,000; the bank statement shows EUR 300,000"
step 2026-01-14T15:32:00Z contribute --donor IRL --fund VFTC --currency EUR --amount 300000 \
	--date 2025-12-11 --bank-ref JPM-20251211-1913 --pledge PL-2025-VFTC-IRL \
	--ref RC-2025-VFTC-IRL-1-corrected

section "Verification: every hash, the Merkle tree and every signature recomputed"
step 2026-01-15T08:00:00Z verify

section "The ledger"
for fund in VFTC UPRP UPRI; do
	step 2026-01-15T08:00:00Z log --fund "$fund"
done
echo "Corrections:"
step 2026-01-15T08:00:00Z log --kind reversal
echo "UN operational rates in force at the end of the year (all: fundledger log --kind rate):"
step 2026-01-15T08:00:00Z log --kind rate --from 2025-12-01

section "Totals for 2025 (reversed entries left out)"
step 2026-01-15T08:00:00Z totals --from 2025-01-01 --to 2025-12-31

cat <<EOF
The ledger is $T/fundledger.db (kept). To look further:
  cd $T
  export FUNDLEDGER_CONFIG=$T/fundledger.yaml
  $FUNDLEDGER show $wrong
To record more, also: export FUNDLEDGER_KEY=$T/treasurer.key
(its passphrase: "$FUNDLEDGER_PASSPHRASE").
EOF
