#!/bin/sh
# tools/demo.sh: a year of the three funds in a fresh ledger, as a treasurer would keep it.
#
#   FUNDLEDGER=build/fundledger sh tools/demo.sh        (make demo does this)
#
# Creates a ledger in ledger/ of a new temporary directory, with a copy of config/, imports the
# bundled 2025 sample (tools/sample/2025.csv: UN operational rates, pledges and contributions)
# and the four years before it (tools/sample/2021-2024.csv), records one correction (a
# contribution keyed with the wrong amount, reversed, then recorded right), imports the December
# bank statement of the EUR account (camt.053) and reconciles pledges, receipts and the bank,
# verifies the ledger and prints the entries and the totals. Then what an auditor looks at, with
# the auditor's files in auditor/ beside ledger/: the signed checkpoint, the auditor's
# cosignature, a copy of the checkpoint kept by the auditor, an inclusion proof and a
# consistency proof verified offline, and an export bundle verified against the pinned keys
# and the kept checkpoint. Last, the Board of Trustees' annual report for 2025, computed at the
# cosigned checkpoint with the sample narrative (tools/sample/narrative-2025.yaml), written as
# HTML and JSON; its path is printed. The directory is kept so that it can be explored
# afterwards; the paths are printed at the end. Runs from any working directory. A fresh
# treasurer key signs the writes and a fresh auditor key cosigns (one passphrase for both, set
# in the environment). The clock is fixed
# (FUNDLEDGER_NOW), so the entries, their hashes and the Merkle roots are the same on every
# run; only the keys and their signatures differ.
set -u

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
FUNDLEDGER=${FUNDLEDGER:-$ROOT/build/fundledger}
case $FUNDLEDGER in /*) ;; *) FUNDLEDGER=$(pwd)/$FUNDLEDGER ;; esac
[ -x "$FUNDLEDGER" ] || { echo "demo: $FUNDLEDGER is missing; run 'make demo'" >&2; exit 1; }

D=$(mktemp -d "${TMPDIR:-/tmp}/fundledger-demo.XXXXXX") || exit 1
T=$D/ledger  # the treasurer's: configuration, ledger, treasurer key; the working directory
A=$D/auditor # the auditor's own, outside the ledger's: key, pinned keys, checkpoint, proofs
AR=../auditor # $A as the commands below write it, from $T
mkdir "$T" "$A" || exit 1
cp "$ROOT"/config/*.yaml "$ROOT"/tools/sample/2025.csv "$ROOT"/tools/sample/2021-2024.csv \
	"$ROOT"/tools/sample/2025-12-eur.camt053.xml "$ROOT"/tools/sample/narrative-2025.yaml \
	"$T"/ || exit 1
cd "$T" || exit 1
export FUNDLEDGER_CONFIG="$T/fundledger.yaml"
export FUNDLEDGER_USER=treasurer
unset FUNDLEDGER_LEDGER # the configuration's `ledger: fundledger.db`, in this directory
# Every write is signed: a treasurer key for the demo, with a passphrase that is no secret.
export FUNDLEDGER_KEY="$T/treasurer.key"
export FUNDLEDGER_PASSPHRASE="demo passphrase, not a secret"

fundledger() { "$FUNDLEDGER" "$@"; }

# show ARGS...: prints "$ fundledger ARGS" as it could be typed, quoting where needed, and
# "> $REDIRECT" after it when that is set.
show() {
	line='$ fundledger'
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./:=,-]* | '') line="$line '$a'" ;;
		*) line="$line $a" ;;
		esac
	done
	[ -z "${REDIRECT:-}" ] || line="$line > $REDIRECT"
	printf '%s\n' "$line"
}

# step TIME COMMAND...: shows and runs one command at a fixed time; stops the demo on failure.
step() {
	FUNDLEDGER_NOW=$1
	export FUNDLEDGER_NOW
	shift
	show "$@"
	if ! fundledger "$@"; then
		echo "demo: 'fundledger $1' failed; the demo's files are in $D" >&2
		exit 1
	fi
	echo
}

section() {
	echo "== $* =="
	echo
}

# genkey NAME ROLE FILE: shows and runs `key generate`; prints the verifier key and leaves
# it in $vkey.
genkey() {
	show key generate --name "$1" --role "$2" --out "$3"
	if ! vkey=$(fundledger key generate --name "$1" --role "$2" --out "$3" 2>key.err) ||
		[ -z "$vkey" ]; then
		cat key.err >&2
		echo "demo: key generate failed; the demo's files are in $D" >&2
		exit 1
	fi
	rm -f key.err
	echo "$vkey"
}

section "Signing keys: the treasurer's, and an auditor's, authorised in the configuration"
genkey treasurer treasurer treasurer.key
tvkey=$vkey
echo
echo "The auditor's key cosigns checkpoints; it is kept in $AR, outside the ledger's directory:"
genkey auditor auditor "$AR/auditor.key"
avkey=$vkey
printf 'keys:\n  - {vkey: %s, role: treasurer}\n  - {vkey: %s, role: auditor}\n' \
	"$tvkey" "$avkey" >>fundledger.yaml
# The auditor pins both verifier keys, in files beside the auditor's key.
echo "$tvkey" >"$A/treasurer.vkey"
echo "$avkey" >"$A/auditor.vkey"
echo "(both added to fundledger.yaml under keys:, with their roles; the auditor pins copies"
echo "of the two verifier keys: $AR/treasurer.vkey and $AR/auditor.vkey)"
echo

section "A new ledger for the three funds (VFTC, UPRP, UPRI)"
step 2026-01-12T09:00:00Z init
section "The 2025 sample: monthly UN operational rates, pledges, contributions"
step 2026-01-12T09:05:00Z import 2025.csv
echo "Importing the same file again changes nothing: every row is already recorded."
step 2026-01-12T09:06:00Z import 2025.csv
section "The four years before: 2021 to 2024, for the report's five-year trend"
step 2026-01-12T09:10:00Z import 2021-2024.csv

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
# The contribution, then the match that applies it to the pledge it names.
wrong=$(echo "$out" | sed -n 's/^recorded entry \([0-9][0-9]*\) (contribution).*/\1/p')
[ -n "$wrong" ] || { echo "demo: no entry number in the output above" >&2; exit 1; }
echo "Entries are never changed or deleted. The wrong one is reversed (its match no longer"
echo "stands), then recorded again:"
echo
step 2026-01-14T15:31:00Z reverse "$wrong" --reason "amount keyed as EUR 3,000,000; the bank statement shows EUR 300,000"
step 2026-01-14T15:32:00Z contribute --donor IRL --fund VFTC --currency EUR --amount 300000 \
	--date 2025-12-11 --bank-ref JPM-20251211-1913 --pledge PL-2025-VFTC-IRL \
	--ref RC-2025-VFTC-IRL-1-corrected

section "The bank: December's statement of the EUR account, and the reconciliation"
echo "The bank's ISO 20022 camt.053 statement is checked (opening + lines = closing) and recorded:"
echo
step 2026-01-14T16:00:00Z statement import 2025-12-eur.camt053.xml
# reconcile exits 1 while anything needs a decision: that is its answer, not a failure.
reconcile() {
	FUNDLEDGER_NOW=$1
	export FUNDLEDGER_NOW
	shift
	show reconcile "$@"
	fundledger reconcile "$@"
	rc=$?
	[ "$rc" -le 1 ] || { echo "demo: reconcile failed; the demo's files are in $D" >&2; exit 1; }
	echo "(exit $rc)"
	echo
}
echo "Pledges against receipts, and the bank against the ledger, at the end of the year:"
echo
reconcile 2026-01-14T16:05:00Z --as-of 2025-12-31 --fund VFTC
echo "The unambiguous proposals are recorded as signed match entries; what is left needs the"
echo "treasurer's decision (here: a payment from Estonia that no entry records yet):"
echo
reconcile 2026-01-14T16:10:00Z --as-of 2025-12-31 --apply

section "Verification: every hash, the Merkle tree and every signature recomputed"
step 2026-01-15T08:00:00Z verify

section "The ledger"
echo "2025's entries of each fund (the whole history: fundledger log):"
for fund in VFTC UPRP UPRI; do
	step 2026-01-15T08:00:00Z log --fund "$fund" --from 2025-01-01
done
echo "Corrections:"
step 2026-01-15T08:00:00Z log --kind reversal
echo "UN operational rates in force at the end of the year (all: fundledger log --kind rate):"
step 2026-01-15T08:00:00Z log --kind rate --from 2025-12-01

section "Totals for 2025 (reversed entries left out)"
step 2026-01-15T08:00:00Z totals --from 2025-01-01 --to 2025-12-31

section "Audit: what an auditor checks, and keeps, outside the ledger"
corrected=$((wrong + 3)) # its match, the reversal, then the corrected contribution followed it
imported=$((wrong - 1))  # the size after the import: the first checkpoint
latest=$(FUNDLEDGER_NOW=2026-01-15T09:00:00Z fundledger checkpoint | sed -n 2p)
[ -n "$latest" ] || { echo "demo: no checkpoint; the ledger is in $T" >&2; exit 1; }
echo "The latest checkpoint: the ledger's origin, size and Merkle root, signed by the treasurer:"
step 2026-01-15T09:00:00Z checkpoint
echo "The auditor verifies the whole ledger, then cosigns that checkpoint:"
step 2026-01-15T09:05:00Z cosign --key "$AR/auditor.key"
kept="$AR/checkpoint-$latest"
echo "The auditor keeps the cosigned checkpoint, to hold the ledger to it later:"
REDIRECT=$kept show checkpoint
FUNDLEDGER_NOW=2026-01-15T09:06:00Z fundledger checkpoint >"$kept" ||
	{ echo "demo: checkpoint failed; the ledger is in $T" >&2; exit 1; }
step 2026-01-15T09:06:00Z checkpoint verify --key "$AR/treasurer.vkey" --key "$AR/auditor.vkey" "$kept"
echo "An inclusion proof that Ireland's corrected contribution (entry $corrected) is in the signed"
echo "tree, verified offline (no ledger, no configuration) with the treasurer's verifier key:"
step 2026-01-15T09:10:00Z proof inclusion "$corrected" --out "$AR/inclusion-$corrected.proof"
step 2026-01-15T09:10:00Z proof verify "$AR/inclusion-$corrected.proof" --key "$AR/treasurer.vkey"
echo "A consistency proof that the ledger at size $latest extends the ledger at size $imported (right"
echo "after the import): nothing recorded by then was changed or removed since:"
step 2026-01-15T09:12:00Z proof consistency --from "$imported" --to "$latest" \
	--out "$AR/consistency-$imported-$latest.proof"
step 2026-01-15T09:12:00Z proof verify "$AR/consistency-$imported-$latest.proof" \
	--key "$AR/treasurer.vkey"
echo "An export bundle (entries, checkpoints with cosignatures, keys) for the auditor to keep:"
step 2026-01-15T09:15:00Z export --out "$AR/bundle"
echo "It verifies with no database, against the pinned keys and the kept checkpoint:"
step 2026-01-15T09:20:00Z verify --bundle "$AR/bundle" --key "$AR/treasurer.vkey" \
	--key "$AR/auditor.vkey" --trusted "$kept"

section "The annual report of the Board of Trustees (resolution 18/18, paragraphs 8 and 14)"
echo "Computed at the cosigned checkpoint, with the Board's narrative; one self-contained HTML"
echo "file, print-ready, with its charts, and the same figures as JSON:"
echo
step 2026-01-15T10:00:00Z report --year 2025 --narrative narrative-2025.yaml --format html \
	--out "$D/report-2025.html"
step 2026-01-15T10:00:00Z report --year 2025 --narrative narrative-2025.yaml --format json \
	--out "$D/report-2025.json"
echo "The report: $D/report-2025.html"
echo

cat <<EOF
The demo's directory is $D (kept):
  report-2025.html                the Board of Trustees' report for 2025 (and report-2025.json)
  ledger/fundledger.db            the ledger, with fundledger.yaml and treasurer.key
  auditor/auditor.key             the auditor's cosigning key
  auditor/*.vkey                  the verifier keys the auditor pins
  auditor/checkpoint-$latest          the cosigned checkpoint the auditor keeps
  auditor/inclusion-$corrected.proof     the inclusion proof of entry $corrected
  auditor/consistency-$imported-$latest.proof
                                  the consistency proof from size $imported to $latest
  auditor/bundle/                 the export bundle
To look further:
  cd $T
  export FUNDLEDGER_CONFIG=$T/fundledger.yaml
  $FUNDLEDGER show $wrong
  $FUNDLEDGER verify --trusted $A/checkpoint-$latest
To record more, also: export FUNDLEDGER_KEY=$T/treasurer.key
(its passphrase, and the auditor key's: "$FUNDLEDGER_PASSPHRASE").
EOF
