#!/bin/sh
# tests/cli/test_audit.sh: what an auditor does with a ledger: signed checkpoints (their RFC
# 6962 roots, recomputed here without fundledger's code, their signatures checked with openssl,
# and their chain of "fundledger.previous" lines), cosignatures, inclusion and
# consistency proofs verified offline, export bundles, trusted checkpoints, and C2SP signed
# notes from another log (the Go sumdb note test vector). Also: every write needs an authorised
# treasurer key and its passphrase, and a refused write leaves nothing behind.
. "$ROOT/tests/cli/lib.sh"

DATA="$ROOT/tests/cli/data"
RFC="$ROOT/tests/cli/rfc6962_root.sh"
ORIGIN=fundledger.example.org/ohchr-voluntary-funds
VKEY=$(cat "$T/treasurer.vkey")
cd "$T" || exit 1

# line N FILE: line N of FILE.
line() { sed -n "$1p" "$2"; }
# flip N FILE: FILE with the first character of line N changed (A to B, anything else to A).
flip() { awk -v n="$1" 'NR == n { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' "$2"; }
# hash_of SEQ: the SHA-256 of entry SEQ's canonical bytes, from show --format hex.
hash_of() { fl show "$1" --format hex | xxd -r -p | sha256sum | cut -c1-64; }
# rfc_root N: the RFC 6962 root (base64) of entries 1..N, from show --format hex and the
# independent checker.
rfc_root() {
	i=1
	while [ "$i" -le "$1" ]; do
		fl show "$i" --format hex
		i=$((i + 1))
	done | sh "$RFC" base64
}
# state: entry count, checkpoint count and verify's output, to show that nothing changed.
state() {
	echo "$(count) $(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM checkpoints') \
$(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM cosignatures') $(fl verify 2>&1)"
}

# ---- the independent checker agrees with the RFC 6962 reference tree ----
# tests/vectors/merkle/reference-tree.txt: leaf lines, and the root of each prefix.
REF="$ROOT/tests/vectors/merkle/reference-tree.txt"
awk '$1 == "leaf" { print $3 }' "$REF" >ref.leaves
same "$(wc -l <ref.leaves | tr -d ' ')" 8 "the reference tree has 8 leaves"
for n in 0 1 2 3 5 7 8; do
	same "$(head -n "$n" ref.leaves | sh "$RFC")" \
		"$(awk -v n="$n" '$1 == "root" && $2 == n { print $3 }' "$REF")" \
		"rfc6962_root.sh: the reference root of $n leaves"
done

# ---- a ledger of 26 entries: one CSV import (one batch), then single writes ----
# A contribution that names its pledge is followed by the match that applies it to the pledge,
# in the same batch: the import's two such rows make 9 entries of 7 rows, and each of the four
# such `contribute` commands below writes two entries under one checkpoint.
expect 0 "init" fl init
expect 2 "no checkpoint before the first write" fl checkpoint
same "$(cat "$ERR")" "fundledger: the ledger has no checkpoint yet" "checkpoint: why not"
expect 0 "import 7 rows" fl import "$DATA/import_good.csv"
same "$(cat "$OUT")" "$DATA/import_good.csv: 7 rows, 9 new entries (1-9), 0 already recorded" \
	"the import writes 9 entries: 7 rows and 2 matches"
same "$(count)" 9 "nine entries"
fl log --kind match >matches.txt
same "$(tail -n +2 matches.txt | sed 's/  */ /g; s/^ //' | cut -d' ' -f1,3-)" \
"6 match VFTC DEU EUR 500,000.00 542,888.17 applies 5 to pledge 3: named by the contribution
8 match UPRI JPN JPY 10,000,000 63,897.76 applies 7 to pledge 4: named by the contribution" \
	"the imported contributions 5 and 7 are each followed by the match applying all of it to its pledge"
expect 0 "checkpoint after the import" fl checkpoint
cp "$OUT" cp9
same "$(line 1 cp9)" "$ORIGIN" "checkpoint line 1: the origin"
same "$(line 2 cp9)" 9 "checkpoint line 2: the size"
contains cp9 '^[A-Za-z0-9+/]{43}=$' "checkpoint line 3: a base64 SHA-256 root"
same "$(line 4 cp9)" "fundledger.previous 0" \
	"checkpoint line 4: the extension line; the first checkpoint follows none (0)"
same "$(line 5 cp9)" "" "checkpoint line 5: the blank line"
contains cp9 "^— test\.example/treasurer [A-Za-z0-9+/]{91}=$" \
	"checkpoint: one signature line by the treasurer key (4-byte key ID + 64-byte signature)"
same "$(wc -l <cp9 | tr -d ' ')" 6 "checkpoint: six lines"
# The signature covers the four text lines, the extension line with them: openssl verifies it
# over exactly those bytes with the public key from the verifier key (an Ed25519
# SubjectPublicKeyInfo is 302a300506032b6570032100 followed by the 32-byte key).
printf '%s' "$VKEY" | cut -d+ -f3- | openssl base64 -d -A | tail -c 32 | xxd -p | tr -d '\n' >pub.hex
{ printf '302a300506032b6570032100'; cat pub.hex; } | xxd -r -p >treasurer.spki
head -n 4 cp9 >cp9.text
line 6 cp9 | sed 's/^— test\.example\/treasurer //' | openssl base64 -d -A | tail -c 64 >cp9.sig
expect 0 "openssl verifies the checkpoint's signature over its four text lines" \
	openssl pkeyutl -verify -pubin -keyform DER -inkey treasurer.spki -rawin -in cp9.text \
	-sigfile cp9.sig
same "$(cat "$OUT")" "Signature Verified Successfully" "openssl: the four lines verify"
head -n 3 cp9 >cp9.text3
expect 1 "but not over the first three alone: the previous line is signed" \
	openssl pkeyutl -verify -pubin -keyform DER -inkey treasurer.spki -rawin -in cp9.text3 \
	-sigfile cp9.sig
same "$(cat "$OUT")" "Signature Verification Failure" \
	"openssl: the three lines without the previous line fail"
expect 2 "the import was one batch: no checkpoint at size 3" fl checkpoint --size 3
same "$(cat "$ERR")" "fundledger: no checkpoint at size 3" "checkpoint --size: the missing size"

fl pledge --donor NOR --fund UPRP --currency USD --amount 40000 --years 2026 \
	--date 2026-01-20 --ref p-nor >/dev/null
fl contribute --donor NOR --fund UPRP --currency USD --amount 10000 --date 2026-02-10 \
	--pledge p-nor --bank-ref NO-1 >/dev/null
fl rate --currency GBP --rate 0.79 --date 2026-01-01 >/dev/null
fl contribute --donor GBR --fund VFTC --currency GBP --amount 120000 --date 2026-02-11 \
	--bank-ref GB-1 >/dev/null
fl pledge --donor CHE --fund UPRI --currency CHF --amount 300000 --years 2026 \
	--date 2026-02-01 --ref p-che >/dev/null
fl rate --currency CHF --rate 0.88 --date 2026-01-01 >/dev/null
fl contribute --donor CHE --fund UPRI --currency CHF --amount 100000 --date 2026-02-12 \
	--pledge p-che --bank-ref CH-1 >/dev/null
fl writeoff p-nor --amount 5000 --reason "reduced" --date 2026-02-20 >/dev/null
fl contribute --donor USA --fund UPRP --currency USD --amount 7000 --date 2026-02-13 \
	--bank-ref US-2 >/dev/null
fl reverse 20 --reason "bank recall" >/dev/null
fl contribute --donor NOR --fund UPRP --currency USD --amount 25000 --date 2026-02-14 \
	--pledge p-nor --bank-ref NO-2 >/dev/null
fl pledge --donor SWE --fund VFTC --currency SEK --amount 5000000 --years 2026 \
	--date 2026-02-02 --ref p-swe >/dev/null
fl contribute --donor JPN --fund UPRI --currency JPY --amount 2000000 --date 2026-02-15 \
	--pledge p-jpn-2026 --bank-ref JP-2 >/dev/null
same "$(count)" 26 "twenty-six entries (9 imported, 13 single writes, 4 of them with a match)"
# Entries 10 to 26: pledge p-nor 10, contribution NO-1 11 and its match 12, rate GBP 13,
# contribution GB-1 14, pledge p-che 15, rate CHF 16, contribution CH-1 17 and its match 18,
# write-off 19, contribution US-2 20, its reversal 21, contribution NO-2 22 and its match 23,
# pledge p-swe 24, contribution JP-2 25 and its match 26.
fl log --kind match >matches.txt
same "$(tail -n +2 matches.txt | awk '{ print $1 }' | tr '\n' ' ')" "6 8 12 18 23 26 " \
	"six matches, each right after the contribution that names its pledge"
contains matches.txt "^ +12 .* match +UPRP +NOR +USD +10,000\.00 +10,000\.00 +applies 11 to pledge 10: named by the contribution$" \
	"match 12 applies all of contribution 11 to pledge 10"
contains matches.txt "^ +18 .* match +UPRI +CHE +CHF +100,000\.00 +113,636\.36 +applies 17 to pledge 15: named by the contribution$" \
	"match 18 applies all of contribution 17 to pledge 15"
contains matches.txt "^ +23 .* match +UPRP +NOR +USD +25,000\.00 +25,000\.00 +applies 22 to pledge 10: named by the contribution$" \
	"match 23 applies all of contribution 22 to pledge 10"
contains matches.txt "^ +26 .* match +UPRI +JPN +JPY +2,000,000 +12,779\.55 +applies 25 to pledge 4: named by the contribution$" \
	"match 26 applies all of contribution 25 to pledge 4"
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT group_concat(size) FROM checkpoints ORDER BY size')" \
	"9,10,12,13,14,15,16,18,19,20,21,23,24,26" \
	"one signed checkpoint per write, at its new size (a contribution and its match under one)"
expect 2 "no checkpoint between a contribution and its match" fl checkpoint --size 11
same "$(cat "$ERR")" "fundledger: no checkpoint at size 11" "the contribution and its match are one batch"
# Each names the one before it: 9 follows 0 (none), 10 follows 9, 12 follows 10, ..., 26 follows 24.
chain=""
for size in 9 10 12 13 14 15 16 18 19 20 21 23 24 26; do
	chain="$chain $(fl checkpoint --size "$size" | line 4 /dev/stdin | sed 's/^fundledger\.previous //')>$size"
done
same "$chain" " 0>9 9>10 10>12 12>13 13>14 14>15 15>16 16>18 18>19 19>20 20>21 21>23 23>24 24>26" \
	"the checkpoints form a chain: each one's previous line names the one before it"

expect 0 "verify the 26-entry ledger" fl verify
same "$(line 1 "$OUT")" "OK 26 entries, head $(hash_of 26)" \
	"verify line 1: 26 entries, head = SHA-256 of entry 26's bytes"
expect 0 "checkpoint prints the latest" fl checkpoint
cp "$OUT" cp26
ROOT26=$(line 3 cp26)
same "$(line 2 cp26)" 26 "the latest checkpoint is at size 26"
expect 0 "verify" fl verify
same "$(line 2 "$OUT")" "root $ROOT26, 14 signed checkpoints, 0 cosignatures" \
	"verify line 2: the checkpoint's root, 14 checkpoints, no cosignatures"
VERIFIED=$(cat "$OUT")
expect 0 "checkpoint --size 9 prints the earlier one" fl checkpoint --size 9
same "$(cat "$OUT")" "$(cat cp9)" "checkpoint --size 9: the same note as after the import"
expect 0 "checkpoint --size 26 is the latest" fl checkpoint --size 26
same "$(cat "$OUT")" "$(cat cp26)" "checkpoint --size 26: the same note"

# ---- the roots are RFC 6962, recomputed without fundledger ----
same "$(rfc_root 26)" "$ROOT26" "RFC 6962 root of the 26 entries (sh/awk/openssl) = the checkpoint's"
same "$(rfc_root 9)" "$(line 3 cp9)" "RFC 6962 root of the first 9 entries = the checkpoint at 9"
same "$(rfc_root 16)" "$(fl checkpoint --size 16 | line 3 /dev/stdin)" \
	"RFC 6962 root of the first 16 entries = the checkpoint at 16"

# ---- checkpoint verify: any C2SP signed note ----
expect 0 "checkpoint verify: our latest checkpoint with the treasurer's key" \
	fl checkpoint verify --key "$VKEY" cp26
same "$(cat "$OUT")" "OK 1 of 1 signatures verified by known keys
  test.example/treasurer
checkpoint: origin $ORIGIN, size 26, root $ROOT26" "checkpoint verify: what verified, and the checkpoint"
expect 0 "checkpoint verify: the key given as a file" fl checkpoint verify --key treasurer.vkey cp9
contains "$OUT" "^checkpoint: origin $ORIGIN, size 9, root " "checkpoint verify (key file): size 9"
sed '2s/^26$/27/' cp26 >cp26.size
expect 1 "checkpoint verify: the size changed" fl checkpoint verify --key "$VKEY" cp26.size
same "$(cat "$ERR")" "fundledger: note: signature by test.example/treasurer does not verify" \
	"checkpoint verify: a changed checkpoint does not verify"
same "$(line 4 cp26)" "fundledger.previous 24" "the checkpoint at 26 follows the one at 24"
sed '4s/^fundledger\.previous 24$/fundledger.previous 23/' cp26 >cp26.prev
same "$(line 4 cp26.prev)" "fundledger.previous 23" "a copy with its previous line edited"
expect 1 "checkpoint verify: the previous line changed" fl checkpoint verify --key "$VKEY" cp26.prev
same "$(cat "$ERR")" "fundledger: note: signature by test.example/treasurer does not verify" \
	"checkpoint verify: the previous line is signed"
expect 2 "checkpoint verify needs a key" fl checkpoint verify cp26
expect 2 "checkpoint verify: a malformed key" fl checkpoint verify --key "not+a+key" cp26

# The Go sumdb note test vector (golang.org/x/mod sumdb/note, note_test.go: TestSign, TestOpen).
PETER=PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW
ENOCH=EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop
expect 0 "Go sumdb note: accepted with PeterNeumann's key" \
	fl checkpoint verify --key "$PETER" "$DATA/go-note-peter.note"
same "$(cat "$OUT")" "OK 1 of 1 signatures verified by known keys
  PeterNeumann" "Go sumdb note: one signature verified; the text is not a checkpoint"
expect 0 "Go sumdb note, two signatures, one key known" \
	fl checkpoint verify --key "$PETER" "$DATA/go-note-peter-enoch.note"
contains "$OUT" "^OK 1 of 2 signatures verified by known keys$" "the unknown signature is ignored"
expect 0 "Go sumdb note, both keys known" \
	fl checkpoint verify --key "$PETER" --key "$ENOCH" "$DATA/go-note-peter-enoch.note"
same "$(cat "$OUT")" "OK 2 of 2 signatures verified by known keys
  PeterNeumann
  EnochRoot" "both signatures verify"
sed 's/answer/answar/' "$DATA/go-note-peter.note" >peter.changed
expect 1 "Go sumdb note with one character changed: rejected" \
	fl checkpoint verify --key "$PETER" peter.changed
same "$(cat "$ERR")" "fundledger: note: signature by PeterNeumann does not verify" \
	"the changed note: PeterNeumann's signature fails"
expect 1 "Go sumdb note with only an unknown key: rejected" \
	fl checkpoint verify --key "$ENOCH" "$DATA/go-note-peter.note"
same "$(cat "$ERR")" "fundledger: note: no signature from a known key" "no known signature"
# TestOpen's "invalid signature": four base64 characters inserted into the signature.
awk 'NR == 4 { $0 = substr($0, 1, 58) "ABCD" substr($0, 59) } { print }' \
	"$DATA/go-note-peter.note" >peter.sig
expect 1 "Go sumdb note with a damaged signature: rejected" \
	fl checkpoint verify --key "$PETER" peter.sig
contains "$ERR" "signature by PeterNeumann does not verify" "the damaged signature fails"
head -n 2 "$DATA/go-note-peter.note" >peter.nosig
expect 2 "a note without signatures: malformed" fl checkpoint verify --key "$PETER" peter.nosig
same "$(cat "$ERR")" "fundledger: note: no blank line before the signatures" "malformed: why"
{ printf '\001'; cat "$DATA/go-note-peter.note"; } >peter.ctrl
expect 2 "a note with a control character: malformed" fl checkpoint verify --key "$PETER" peter.ctrl
contains "$ERR" "control character at byte 0" "malformed: the control character"
{ cat "$DATA/go-note-peter.note"; echo "Unexpected line."; } >peter.extra
expect 2 "a note with a line after the signatures: malformed" \
	fl checkpoint verify --key "$PETER" peter.extra
contains "$ERR" "signature line must start with" "malformed: the stray line"

# ---- writes need the treasurer's key, and a refused write leaves nothing ----
BEFORE=$(state)
expect 2 "a write without -k or FUNDLEDGER_KEY is refused" env -u FUNDLEDGER_KEY \
	"$FUNDLEDGER" rate --currency NOK --rate 10.5 --date 2026-01-01
same "$(cat "$ERR")" "fundledger: rate writes, and every write is signed: give the treasurer's \
key with -k KEYFILE or FUNDLEDGER_KEY, or a signing agent with FUNDLEDGER_AGENT" "no key: the message"
same "$(state)" "$BEFORE" "no key: nothing written"
FUNDLEDGER_PASSPHRASE=other "$FUNDLEDGER" key generate --name test.example/treasurer \
	--out other.key >other.vkey 2>/dev/null
expect 2 "a write with a key not in the configuration is refused" env FUNDLEDGER_PASSPHRASE=other \
	"$FUNDLEDGER" -k other.key rate --currency NOK --rate 10.5 --date 2026-01-01
same "$(cat "$ERR")" "fundledger: this key is not an authorised treasurer key in $T/fundledger.yaml" \
	"unlisted key: the message"
same "$(state)" "$BEFORE" "unlisted key: nothing written"
expect 3 "a write with the wrong passphrase is refused" env FUNDLEDGER_PASSPHRASE=wrong \
	"$FUNDLEDGER" rate --currency NOK --rate 10.5 --date 2026-01-01
same "$(cat "$ERR")" "fundledger: $T/treasurer.key: wrong passphrase, or a damaged key file" \
	"wrong passphrase: the message"
same "$(state)" "$BEFORE" "wrong passphrase: nothing written"

# ---- cosignatures ----
add_auditor
AVKEY=$(cat auditor.vkey)
expect 0 "cosign the latest checkpoint with the auditor's key" fl cosign --key auditor.key
same "$(line 1 "$OUT")" "cosigned the checkpoint at size 26:" "cosign: which checkpoint"
contains "$OUT" "^— test\.example/auditor [A-Za-z0-9+/]{102}==$" \
	"cosign: a cosignature line (key ID, timestamp, signature)"
COSIG=$(line 2 "$OUT")
expect 0 "checkpoint shows the cosignature" fl checkpoint
same "$(cat "$OUT")" "$(cat cp26)
$COSIG" "checkpoint: the treasurer's note with the cosignature appended"
cp "$OUT" cp26.cosigned
expect 0 "checkpoint verify: treasurer and auditor keys" \
	fl checkpoint verify --key "$VKEY" --key "$AVKEY" cp26.cosigned
same "$(line 1 "$OUT")" "OK 2 of 2 signatures verified by known keys" "both verify"
# 2026-03-01T12:00:00Z, the fixed clock, is 1772366400.
same "$(line 3 "$OUT")" "  test.example/auditor (cosignature, time 1772366400)" \
	"the cosignature's time is the clock's"
expect 0 "verify counts the cosignature" fl verify
same "$(line 2 "$OUT")" "root $ROOT26, 14 signed checkpoints, 1 cosignatures" "verify: 1 cosignature"
VERIFIED=$(cat "$OUT")
BEFORE=$(state)
expect 2 "a second cosignature by the same key is refused" fl cosign --key auditor.key
same "$(cat "$ERR")" "fundledger: test.example/auditor has already cosigned the checkpoint at size 26" \
	"second cosign: the message"
expect 2 "cosign with a treasurer key is refused" fl cosign --key treasurer.key
same "$(cat "$ERR")" "fundledger: this key is not an authorised auditor key" \
	"treasurer key: the message"
expect 3 "cosign with the wrong passphrase is refused" env FUNDLEDGER_PASSPHRASE=wrong \
	"$FUNDLEDGER" cosign --key auditor.key
same "$(state)" "$BEFORE" "the refused cosignatures changed nothing"
# A ledger that fails verify is not cosigned: a copy with its Merkle tiles deleted.
sqlite3 "$FUNDLEDGER_LEDGER" ".backup broken.db"
sqlite3 broken.db "DELETE FROM tiles;"
expect 1 "cosign of a ledger that fails verify is refused" fl -d broken.db cosign --key auditor.key
same "$(cat "$ERR")" "fundledger: not cosigning: Merkle tile 0/0 does not match the entries" \
	"cosign of a broken ledger: why"
same "$(sqlite3 broken.db 'SELECT count(*) FROM cosignatures')" 1 \
	"the broken copy keeps only the earlier cosignature"

# ---- inclusion proofs ----
for seq in 1 11 26; do
	expect 0 "proof inclusion $seq" fl proof inclusion "$seq" --out "incl.$seq"
	same "$(head -n 1 "incl.$seq")" "c2sp.org/tlog-proof@v1" "proof $seq: a tlog-proof file"
	same "$(sed -n 3p "incl.$seq")" "index $((seq - 1))" "proof $seq: its 0-based index"
	expect 0 "proof $seq verifies with the log's key" fl proof verify "incl.$seq" --key "$VKEY"
	same "$(line 1 "$OUT")" "OK entry $seq is in $ORIGIN at size 26 (root $ROOT26)" \
		"proof $seq: entry, origin, size and root (26 is a match)"
	fl show "$seq" --format hex >"entry.$seq.hex"
	xxd -r -p "entry.$seq.hex" >"entry.$seq.bin"
	expect 0 "proof $seq with --entry (hex)" \
		fl proof verify "incl.$seq" --key "$VKEY" --entry "entry.$seq.hex"
	expect 0 "proof $seq with --entry (bytes)" \
		fl proof verify "incl.$seq" --key "$VKEY" --entry "entry.$seq.bin"
done
fl show 2 --format hex >entry.2.hex
expect 1 "proof 11 with entry 2's bytes fails" \
	fl proof verify incl.11 --key "$VKEY" --entry entry.2.hex
same "$(cat "$ERR")" "fundledger: the entry given is not the one in the proof" \
	"another entry: the message"
# Without its extra line, the proof holds only hashes: the entry given must be the leaf.
grep -v '^extra ' incl.11 >incl.11.bare
expect 0 "a proof without its entry verifies with --entry" \
	fl proof verify incl.11.bare --key "$VKEY" --entry entry.11.bin
expect 1 "a proof without its entry fails with another entry" \
	fl proof verify incl.11.bare --key "$VKEY" --entry entry.2.hex
same "$(cat "$ERR")" "fundledger: inclusion proof: computed root does not match" \
	"another entry against the bare proof: the root differs"
expect 2 "a proof without its entry and no --entry" fl proof verify incl.11.bare --key "$VKEY"
expect 1 "proof 11 with the auditor's key only" fl proof verify incl.11 --key "$AVKEY"
same "$(cat "$ERR")" "fundledger: checkpoint: no signature by the log's key" \
	"the cosigner's key is not the log's"
expect 1 "proof 11 with an unknown key" fl proof verify incl.11 --key "$(cat other.vkey)"
same "$(cat "$ERR")" "fundledger: note: no signature from a known key" "an unknown key"
sed 's/^index 10$/index 11/' incl.11 >incl.11.index
expect 1 "proof 11 with its index changed fails" fl proof verify incl.11.index --key "$VKEY"
contains "$ERR" "^fundledger: inclusion proof: " "index changed: the inclusion proof fails"
flip 5 incl.11 >incl.11.hash
expect 1 "proof 11 with one hash changed fails" fl proof verify incl.11.hash --key "$VKEY"
same "$(cat "$ERR")" "fundledger: inclusion proof: computed root does not match" \
	"hash changed: the root differs"
expect 2 "proof verify needs a key" fl proof verify incl.11
expect 2 "proof inclusion 27: beyond the ledger" fl proof inclusion 27
cp incl.1 incl.1.kept
expect 2 "proof inclusion --out an existing file is refused" fl proof inclusion 26 --out incl.1
same "$(cat "$ERR")" "fundledger: incl.1: File exists" "proof --out: the existing file is named"
same "$(cmp incl.1 incl.1.kept && echo same)" same "proof --out: the existing file is untouched"

# At an earlier checkpoint.
expect 0 "proof inclusion 5 --size 9" fl proof inclusion 5 --size 9 --out incl.5.at9
expect 0 "the earlier proof verifies" fl proof verify incl.5.at9 --key "$VKEY"
same "$(line 1 "$OUT")" "OK entry 5 is in $ORIGIN at size 9 (root $(line 3 cp9))" \
	"proof at size 9: the root of the checkpoint at 9"
expect 2 "proof inclusion 10 --size 9: not in that checkpoint" fl proof inclusion 10 --size 9
same "$(cat "$ERR")" "fundledger: entry 10 is not in the checkpoint of size 9" "why not"
expect 2 "proof inclusion 2 --size 3: no checkpoint at 3" fl proof inclusion 2 --size 3

# ---- consistency proofs ----
expect 0 "proof consistency --from 9 --to 26" fl proof consistency --from 9 --to 26 --out cons.9.26
same "$(head -n 2 cons.9.26)" "fundledger/consistency-proof@v1
sizes 9 26" "consistency proof: header and sizes"
expect 0 "it verifies" fl proof verify cons.9.26 --key "$VKEY"
same "$(cat "$OUT")" "OK $ORIGIN at size 26 extends size 9 (append-only; root $ROOT26)" \
	"consistency 9 -> 26: OK"
expect 0 "proof consistency --from 12 (to the latest)" fl proof consistency --from 12 --out cons.12
expect 0 "it verifies" fl proof verify cons.12 --key "$VKEY" --key "$AVKEY"
same "$(cat "$OUT")" "OK $ORIGIN at size 26 extends size 12 (append-only; root $ROOT26)" \
	"consistency 12 -> latest: OK"
expect 0 "proof consistency --from 10 --to 16" fl proof consistency --from 10 --to 16 --out cons.10.16
expect 0 "it verifies" fl proof verify cons.10.16 --key "$VKEY"
contains "$OUT" "^OK $ORIGIN at size 16 extends size 10 " "consistency 10 -> 16: OK"
flip 3 cons.9.26 >cons.hash
expect 1 "a consistency proof with one hash changed fails" fl proof verify cons.hash --key "$VKEY"
contains "$ERR" "^fundledger: consistency proof: does not lead to the (first|second) root$" \
	"hash changed: the roots do not follow"
sed '2s/.*/sizes 10 26/' cons.9.26 >cons.sizes
expect 1 "a consistency proof with its sizes changed fails" fl proof verify cons.sizes --key "$VKEY"
same "$(cat "$ERR")" "fundledger: the sizes line does not match the checkpoints" "sizes changed"
expect 1 "a consistency proof with the wrong key fails" \
	fl proof verify cons.9.26 --key "$(cat other.vkey)"
expect 2 "proof consistency --from 16 --to 10 is refused" fl proof consistency --from 16 --to 10
expect 2 "proof consistency without --from is refused" fl proof consistency

# ---- export bundles ----
expect 0 "export" fl export --out bundle
same "$(cat "$OUT")" "exported 26 entries to bundle" "export: what it wrote"
same "$(ls bundle | tr '\n' ' ')" "MANIFEST checkpoints currencies entries entries.idx keys " \
	"the bundle's files"
same "$(cat bundle/MANIFEST)" "fundledger-bundle/v1
origin $ORIGIN
entries 26
head $(hash_of 26)
root $ROOT26" "MANIFEST: origin, entries, head and root"
same "$(wc -c <bundle/entries.idx | tr -d ' ')" 208 "entries.idx: 8 bytes per entry"
expect 0 "verify --bundle" fl verify --bundle bundle
same "$(cat "$OUT")" "$VERIFIED" "verify --bundle: the same entries, head, root, checkpoints and cosignature"
same "$(cat "$ERR")" "fundledger: note: trusting the keys inside the bundle; pin them with --key" \
	"verify --bundle without --key warns"
expect 0 "verify --bundle with the keys pinned" \
	fl verify --bundle bundle --key "$VKEY" --key "$AVKEY"
same "$(cat "$OUT")" "$VERIFIED" "verify --bundle --key: the same result"
same "$(cat "$ERR")" "" "no warning when the keys are pinned"
expect 0 "verify --bundle with only the treasurer's key pinned" \
	fl verify --bundle bundle --key "$VKEY"
same "$(line 2 "$OUT")" "root $ROOT26, 14 signed checkpoints, 0 cosignatures" \
	"an unpinned cosigner is not counted"
expect 1 "verify --bundle with an unknown key pinned" fl verify --bundle bundle --key "$(cat other.vkey)"
contains "$ERR" "^fundledger: checkpoint at size 9: note: no signature from a known key$" \
	"the first checkpoint has no known signature"
expect 2 "export to an existing path is refused" fl export --out bundle
same "$(cat "$ERR")" "fundledger: bundle already exists" "export over a bundle: why"
: >afile
expect 2 "export over an existing file is refused" fl export --out afile
same "$(cat "$ERR")" "fundledger: afile already exists" "export over a file: why"
same "$(wc -c <afile | tr -d ' ')" 0 "the file is untouched"
same "$(ls -d bundle.tmp-* 2>/dev/null)" "" "no temporary directory left behind"

# ---- a trusted checkpoint kept by the auditor ----
fl checkpoint >kept.26
expect 0 "verify --trusted with the latest checkpoint" fl verify --trusted kept.26
same "$(cat "$OUT")" "$VERIFIED
extends the trusted checkpoint at size 26" "verify --trusted: OK, and says so"
expect 0 "verify --trusted with the checkpoint at 9" fl verify --trusted cp9
contains "$OUT" "^extends the trusted checkpoint at size 9$" "an older trusted checkpoint holds"
fl rate --currency NOK --rate 10.5 --date 2026-01-01 >/dev/null
fl contribute --donor NOR --fund VFTC --currency NOK --amount 1000000 --date 2026-02-16 \
	--bank-ref NO-3 >/dev/null
same "$(count)" 28 "two more writes"
expect 0 "after more writes the kept checkpoint still holds" fl verify --trusted kept.26
same "$(line 1 "$OUT")" "OK 28 entries, head $(hash_of 28)" "28 entries"
same "$(line 3 "$OUT")" "extends the trusted checkpoint at size 26" "it extends the kept checkpoint"
expect 0 "verify --bundle --trusted: the bundle extends the checkpoint at 9" \
	fl verify --bundle bundle --key "$VKEY" --trusted cp9
contains "$OUT" "^extends the trusted checkpoint at size 9$" "the bundle extends it too"
flip 3 kept.26 >kept.forged
expect 1 "a forged trusted checkpoint is refused" fl verify --trusted kept.forged
contains "$ERR" "^fundledger: the trusted checkpoint: note: signature by test.example/treasurer does not verify$" \
	"forged trusted checkpoint: its signature fails"

# Another ledger, another origin, signed by the same treasurer key: its checkpoints are not ours.
OTHER="$T/other.db"
expect 0 "init another ledger with another origin" fl -d "$OTHER" init --origin test.example/other
fl -d "$OTHER" rate --currency EUR --rate 0.921 --date 2026-01-01 >/dev/null
fl -d "$OTHER" checkpoint >other.cp
expect 1 "verify --trusted with another ledger's checkpoint is refused" fl verify --trusted other.cp
same "$(cat "$ERR")" "fundledger: the trusted checkpoint: origin 'test.example/other' is not the \
ledger's '$ORIGIN'" "another origin: the message"
# A ledger with our origin but other entries: a fork at the trusted size.
FORK="$T/fork.db"
fl -d "$FORK" init >/dev/null
fl -d "$FORK" rate --currency EUR --rate 0.925 --date 2026-01-01 >/dev/null
fl -d "$FORK" checkpoint >fork.cp
expect 1 "verify --trusted with a checkpoint of a fork is refused" fl verify --trusted fork.cp
contains "$ERR" "^fundledger: fork: at size 1 the ledger's root is [A-Za-z0-9+/]{43}=, the trusted checkpoint's is [A-Za-z0-9+/]{43}=$" \
	"a fork: the message, with both roots"
# A consistency proof whose two checkpoints are of different logs.
{ printf 'fundledger/consistency-proof@v1\nsizes 1 1\n\n'; cat fork.cp other.cp; } >cons.mixed
expect 1 "a consistency proof joining two logs fails" fl proof verify cons.mixed --key "$VKEY"
same "$(cat "$ERR")" "fundledger: the two checkpoints are of different logs" "two logs: the message"

# ---- a ledger of more than one Merkle tile (256 leaves), roots and proofs across it ----
BIG="$T/big.db"
fl -d "$BIG" init --origin test.example/big >/dev/null
{
	echo "kind,ref,fund,donor,currency,amount,date,years,due,earmark,donor_ref,announcement,bank_ref,pledge,rate"
	awk 'BEGIN { for (i = 1; i <= 258; i++) printf "pledge,big-%d,VFTC,DEU,USD,%d,2026-01-15,2026,,,,,,,\n", i, 1000 + i }'
} >big.csv
expect 0 "import 258 pledges in one batch" fl -d "$BIG" import big.csv
fl -d "$BIG" pledge --donor NOR --fund UPRP --currency USD --amount 40000 --years 2026 \
	--date 2026-01-20 >/dev/null
fl -d "$BIG" pledge --donor SWE --fund UPRP --currency USD --amount 50000 --years 2026 \
	--date 2026-01-21 >/dev/null
same "$(for s in 258 259 260; do fl -d "$BIG" checkpoint --size "$s" | line 4 /dev/stdin; done)" \
	"fundledger.previous 0
fundledger.previous 258
fundledger.previous 259" "big ledger: the checkpoints at 258, 259 and 260 form a chain"
same "$(sqlite3 "$BIG" "SELECT level || '/' || idx || ':' || length(hashes) FROM tiles ORDER BY level, idx" | tr '\n' ' ')" \
	"0/0:8192 0/1:128 1/0:32 " "tiles: a full one of 256 leaves, a partial one of 4, one at level 1"
expect 0 "verify the 260-entry ledger" fl -d "$BIG" verify
contains "$OUT" "^root [^ ]+, 3 signed checkpoints, 0 cosignatures$" "three checkpoints"
BIGROOT=$(fl -d "$BIG" checkpoint | line 3 /dev/stdin)
same "$(sqlite3 "$BIG" 'SELECT hex(canon) FROM entries ORDER BY seq' | sh "$RFC" base64)" "$BIGROOT" \
	"RFC 6962 root of 260 entries (sh/awk/openssl) = the checkpoint's"
for seq in 1 128 256 257 259 260; do
	fl -d "$BIG" proof inclusion "$seq" --out "big.$seq"
	expect 0 "big ledger: proof inclusion $seq verifies" fl proof verify "big.$seq" --key "$VKEY"
	same "$(line 1 "$OUT")" "OK entry $seq is in test.example/big at size 260 (root $BIGROOT)" \
		"big ledger: entry $seq at size 260"
done
fl -d "$BIG" proof inclusion 200 --size 258 --out big.200.258
expect 0 "big ledger: proof inclusion 200 at size 258" fl proof verify big.200.258 --key "$VKEY"
same "$(line 1 "$OUT")" \
	"OK entry 200 is in test.example/big at size 258 (root $(fl -d "$BIG" checkpoint --size 258 | line 3 /dev/stdin))" \
	"big ledger: entry 200 at the checkpoint of size 258"
for from in 258 259; do
	fl -d "$BIG" proof consistency --from "$from" --out "big.cons.$from"
	expect 0 "big ledger: consistency $from -> 260" fl proof verify "big.cons.$from" --key "$VKEY"
	contains "$OUT" "^OK test.example/big at size 260 extends size $from " \
		"big ledger: 260 extends $from"
done

expect 0 "the main ledger still verifies" fl verify
contains "$OUT" "^OK 28 entries, " "the main ledger: 28 entries"

# ---- a deleted last checkpoint blocks further writes ----
# Dropping the newest checkpoint leaves the last entries unsigned (verify fails); the next
# write must not paper over the gap by signing a checkpoint that names an older one.
GAP="$T/gap.db"
fl -d "$GAP" init >/dev/null
fl -d "$GAP" rate --currency EUR --rate 0.9 --date 2026-01-01 >/dev/null
fl -d "$GAP" rate --currency CHF --rate 0.8 --date 2026-01-01 >/dev/null
sqlite3 "$GAP" "DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE size = 2;"
expect 1 "gap: verify sees the unsigned entry" fl -d "$GAP" verify
contains "$ERR" "^fundledger: entries 2 to 2 are not covered by a signed checkpoint$" \
	"gap: verify names the uncovered entry"
expect 3 "gap: the next write is refused" fl -d "$GAP" rate --currency GBP --rate 0.7 \
	--date 2026-01-01
contains "$ERR" "^fundledger: entries 2 to 2 are not covered by a signed checkpoint \(was one removed\?\); run 'fundledger verify'$" \
	"gap: the refusal says why"
same "$(sqlite3 "$GAP" 'SELECT count(*) FROM entries')" 2 "gap: nothing was written"
expect 1 "gap: verify still fails" fl -d "$GAP" verify
