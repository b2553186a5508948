#!/bin/sh
# test_format.sh: replays the worked example of docs/FORMAT.md and checks every byte and hash
# it prints, so the document and the code cannot drift apart.
. "$ROOT/tests/cli/lib.sh"
export FUNDLEDGER_NOW=2026-01-05T09:30:00Z FUNDLEDGER_USER=treasurer

expect 0 "init" fl init
expect 0 "rate entry of the example" fl rate --currency EUR --rate 0.921 --date 2026-01-01
expect 0 "contribution of the example" fl contribute --donor NOR --fund VFTC --currency EUR \
	--amount 250000 --date 2026-01-05 --bank-ref NO-2026-001 --ref NOR-2026-1

# The hex blocks of FORMAT.md, with their annotations stripped, must equal the stored bytes.
doc_hex() {
	awk -v n="$1" '
		/^### Entry / { e++; inblk = 0; next }
		e == n && /^```$/ { inblk = !inblk; if (!inblk) exit; next }
		e == n && inblk && /^[0-9a-f]/ { printf "%s%s", $1, ($2 ~ /^[0-9a-f]+$/ ? $2 : "") }
	' "$ROOT/docs/FORMAT.md"
}
for n in 1 2; do
	fl show $n --format hex >"$OUT"
	same "$(cat "$OUT")" "$(doc_hex $n)" "entry $n: bytes equal FORMAT.md's annotated hex"
done

h1=$(fl show 1 --format hex | xxd -r -p | sha256sum | cut -d' ' -f1)
h2=$(fl show 2 --format hex | xxd -r -p | sha256sum | cut -d' ' -f1)
same "$h1" 9a600cb646c6d3c3874ac635dafcb4e7e9129bbf5e2b91f5099322cd27b10d04 "entry 1 hash"
same "$h2" 5e07019e0cbe820b4b9fa98ad2d475668ba1ed2f894966f041ca1f8488a539f7 "entry 2 hash"
grep -q "9a600cb646c6d3c3874ac635dafcb4e7e9129bbf5e2b91f5099322cd27b10d04" "$ROOT/docs/FORMAT.md" &&
	grep -q "5e07019e0cbe820b4b9fa98ad2d475668ba1ed2f894966f041ca1f8488a539f7" "$ROOT/docs/FORMAT.md"
same $? 0 "FORMAT.md quotes both hashes"

# The derived key of entry 1 is SHA-256 of magic, kind and its content fields.
key=$(echo 464c450103120003455552 14000a323032362d30312d3031 1c000800000000000e0da8 |
	tr -d ' ' | xxd -r -p | sha256sum | cut -d' ' -f1)
fl show 1 >"$OUT"
contains "$OUT" "ref +auto-$key" "entry 1's derived key is the content digest"

# Every one-line hex command in FORMAT.md reproduces the hash printed after it.
awk '/^\$ echo / && length($3) > 100 { hex = $3 } /^[0-9a-f]+  -$/ && hex { print hex, $1; hex = "" }' \
	"$ROOT/docs/FORMAT.md" >"$T/pairs"
same "$(wc -l <"$T/pairs" | tr -d ' ')" 2 "FORMAT.md has two full-entry hash commands"
while read -r hex want; do
	got=$(echo "$hex" | xxd -r -p | sha256sum | cut -d' ' -f1)
	same "$got" "$want" "FORMAT.md command hashes to what it says (${want%"${want#????????}"}…)"
done <"$T/pairs"

fl verify >"$OUT"
contains "$OUT" "^OK 2 entries, head $h2\$" "verify reports the example's head"
fl show 2 >"$OUT"
contains "$OUT" "USD +271,444.08 at 0.921 per USD" "USD figure of the example (half-even)"

# Section 6: leaf hashes and the root of size 2, recomputed with the shell alone.
leaf() { (printf '\000'; fl show "$1" --format hex | xxd -r -p) | sha256sum | cut -d' ' -f1; }
l1=$(leaf 1)
l2=$(leaf 2)
same "$l1" fd78aea80c5720ff392286c11864c88bf499521f9179ad48819d17cea4efbd12 "leaf hash of entry 1"
same "$l2" bba9cdb4c8132c8ece8a1057f00e7725ca48728b5a0a22c3abab0d7af1f6aab4 "leaf hash of entry 2"
root=$( (printf '\001'; echo "$l1$l2" | xxd -r -p) | openssl dgst -sha256 -binary | base64)
same "$root" "3NuU2C3MjxhEBvlRtYr3AZJGQIkr+8XFuBiZU2yh2IA=" "RFC 6962 root of size 2"
for h in "$l1" "$l2" dcdb94d82dcc8f184406f951b58af701924640892bfbc5c5b81899536ca1d880 "$root"; do
	grep -q -- "$h" "$ROOT/docs/FORMAT.md" || not_ok "FORMAT.md quotes $h"
done
ok "FORMAT.md quotes the leaf hashes and the root"

# Section 7: the checkpoint text is the three lines of the document's example.
fl checkpoint >"$T/cp"
same "$(head -n 4 "$T/cp")" "$(printf '%s\n%s\n%s\n%s' fundledger.example.org/ohchr-voluntary-funds 2 \
	"$root" "fundledger.previous 1")" "the stored checkpoint's text, with the previous size"
same "$(sed -n 5p "$T/cp")" "" "a blank line before the signature"
# The document's signed example verifies with the key it names.
awk '/^fundledger.example.org\/ohchr-voluntary-funds$/ { on = 1 } on && /^```$/ { exit } on' \
	"$ROOT/docs/FORMAT.md" >"$T/doc-cp"
fl checkpoint verify --key ex.example.org/treasurer+0d37dc9b+AbVD1Uy7QyKk223Yy/71qZWRFkWZqrZoQVd143hw7zTD \
	"$T/doc-cp" >"$OUT" 2>"$ERR"
contains "$OUT" "^OK 1 of 1 signatures verified" "FORMAT.md's signed checkpoint verifies with its key"
contains "$T/cp" "^— test\.example/treasurer [A-Za-z0-9+/]{91}=$" "one Ed25519 signature line (4 + 64 bytes)"
fl checkpoint verify --key "$(cat "$T/treasurer.vkey")" "$T/cp" >"$OUT" 2>"$ERR"
contains "$OUT" "^OK 1 of 1 signatures verified" "the checkpoint verifies as a C2SP note"

# Section 9: the bundle of the example.
expect 0 "export the example" fl export --out "$T/bundle"
same "$(cat "$T/bundle/MANIFEST")" "$(printf '%s\n' fundledger-bundle/v1 \
	'origin fundledger.example.org/ohchr-voluntary-funds' 'entries 2' "head $h2" "root $root")" \
	"the bundle's MANIFEST is FORMAT.md's"
same "$(xxd -p "$T/bundle/entries" | tr -d '\n' | cut -c1-40)" 000000bc464c4501030100080000000000000001 \
	"entries starts with entry 1's length and bytes"
same "$(xxd -p "$T/bundle/entries.idx")" 000000000000000000000000000000c0 "entries.idx: offsets 0 and 192"
same "$(wc -c <"$T/bundle/entries" | tr -d ' ')" 385 "entries is 385 bytes"
for want in 000000bc464c4501030100080000000000000001 000000000000000000000000000000c0 \
	"entries 2" "$h2"; do
	grep -q -- "$want" "$ROOT/docs/FORMAT.md" || not_ok "FORMAT.md shows $want"
done
ok "FORMAT.md shows the bundle's bytes"
