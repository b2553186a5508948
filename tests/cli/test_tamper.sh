#!/bin/sh
# tests/cli/test_tamper.sh: editing the ledger file (or an exported bundle, or a proof) behind
# fundledger's back is caught: verify exits 1 and names the first bad entry, checkpoint or
# Merkle tile. Each attack states, in a comment, the failure it must produce.
#
# Every write ends with a checkpoint signed by the treasurer key, so the ten-entry ledger below
# has signed checkpoints at sizes 1 to 10, and the auditor has cosigned the one at 10. Each
# checkpoint's text has a fourth line, "fundledger.previous P", naming the size of the checkpoint
# signed before it (0 for the first): the checkpoints form a chain, so a deleted one leaves a gap
# that verify names ("checkpoint at size N: it does not follow the checkpoint at size P"). The
# schema's triggers refuse a plain UPDATE or DELETE on entries, checkpoints and cosignatures,
# so each attack first drops them, as anyone with write access to the file can. Every attack
# works on a fresh copy of the one ledger, taken after a WAL checkpoint so the copy holds it all.
#
# The strongest attacks rewrite history consistently: they change an entry's bytes, recompute
# every later hash and prev link, the query columns and the Merkle tiles, so that only the
# signatures stand in the way; then re-sign the checkpoints (with previous lines that keep the
# chain whole) with a key of their own. The tools for that are below (sh, awk, sqlite3, xxd,
# sha256sum, openssl), written from docs/FORMAT.md and C2SP signed-note alone.
. "$ROOT/tests/cli/lib.sh"

RFC="$ROOT/tests/cli/rfc6962_root.sh"
ORIGIN=fundledger.example.org/ohchr-voluntary-funds

expect 0 "init" fl init
# One entry per write, one checkpoint per entry: the contributions do not name their pledges
# (naming one records a match in the same batch; test_tour.sh covers that).
fl rate --currency EUR --rate 0.921 --date 2026-01-01 >/dev/null
fl pledge --donor DEU --fund VFTC --currency EUR --amount 1000000.00 --years 2026 \
	--date 2026-01-15 --ref p-deu >/dev/null
fl contribute --donor DEU --fund VFTC --currency EUR --amount 500000.00 --date 2026-02-01 \
	--bank-ref DE-1 >/dev/null
fl contribute --donor USA --fund UPRP --currency USD --amount 250000 --date 2026-02-02 \
	--bank-ref US-1 >/dev/null
fl rate --currency JPY --rate 156.5 --date 2026-01-01 >/dev/null
fl contribute --donor JPN --fund UPRI --currency JPY --amount 10000000 --date 2026-02-03 \
	--bank-ref JP-1 >/dev/null
fl pledge --donor NOR --fund UPRP --currency USD --amount 40000 --years 2026 \
	--date 2026-01-20 --ref p-nor >/dev/null
fl contribute --donor NOR --fund UPRP --currency USD --amount 10000 --date 2026-02-10 \
	--bank-ref NO-1 --ref c-nor-1 >/dev/null
fl writeoff p-nor --amount 5000 --reason "reduced" --date 2026-02-20 >/dev/null
fl reverse 4 --reason "bank recall" >/dev/null
add_auditor
expect 0 "the auditor cosigns the checkpoint at 10" fl cosign --key "$T/auditor.key"
same "$(count)" 10 "ten entries to tamper with"
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'SELECT count(*) FROM checkpoints')" 10 "ten signed checkpoints"
expect 0 "verify before tampering" fl verify
contains "$OUT" "^OK 10 entries, head [0-9a-f]{64}$" "verify OK with 10 entries"
contains "$OUT" "^root [A-Za-z0-9+/]{43}=, 10 signed checkpoints, 1 cosignatures$" \
	"verify: 10 checkpoints and the cosignature"
GOOD=$(cat "$OUT")
fl checkpoint >"$T/kept.10"
fl checkpoint --size 5 >"$T/kept.5"
fl checkpoint --size 7 >"$T/kept.7"

# Fold any WAL into the main file, so a copy of the file alone is the whole ledger.
sqlite3 "$FUNDLEDGER_LEDGER" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'PRAGMA journal_mode;')" wal "the ledger runs in WAL mode"
cp "$FUNDLEDGER_LEDGER" "$T/base.db"
expect 0 "the copy verifies like the original" fl -d "$T/base.db" verify
same "$(cat "$OUT")" "$GOOD" "the copy has the same entries, head and checkpoints"

# copy NAME: a fresh copy of the ten-entry ledger at $T/NAME.db; prints its path.
copy() {
	rm -f "$T/$1.db" "$T/$1.db-wal" "$T/$1.db-shm"
	cp "$T/base.db" "$T/$1.db"
	echo "$T/$1.db"
}

# hexof DB SQL: a value as upper-case hex.
hexof() { sqlite3 "$1" "$2"; }

# flip HEX BYTE NEW: HEX with the byte at offset BYTE (from 0) replaced by NEW (two hex digits).
flip() { echo "$1" | awk -v o="$2" -v b="$3" '{ print substr($0, 1, 2 * o) b substr($0, 2 * o + 3) }'; }

# rejected DESCRIPTION COMMAND...: COMMAND exits 1 and prints no OK line.
rejected() {
	rdesc=$1
	shift
	expect 1 "$rdesc: exits 1" "$@"
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$rdesc: no OK line"
}

# caught DB SEQ REGEX DESCRIPTION: verify of DB exits 1, naming entry SEQ and REGEX on stderr.
caught() {
	rejected "$4" fl -d "$1" verify
	contains "$ERR" "^FAILED at entry $2 \($(($2 - 1)) entries before it verified\)$" \
		"$4: names entry $2"
	contains "$ERR" "^fundledger: entry $2: $3" "$4: says what is wrong"
}

# names_cp SIZE ENTRIES REGEX DESCRIPTION: stderr names the checkpoint at SIZE, reached after
# ENTRIES entries verified, and says REGEX about it.
names_cp() {
	contains "$ERR" "^FAILED at the checkpoint of size $1 \($2 entries before it verified\)$" \
		"$4: names the checkpoint at size $1"
	contains "$ERR" "^fundledger: checkpoint at size $1: $3" "$4: says what is wrong"
}

# caught_cp DB SIZE ENTRIES REGEX DESCRIPTION: verify of DB exits 1, naming the checkpoint.
caught_cp() {
	rejected "$5" fl -d "$1" verify
	names_cp "$2" "$3" "$4" "$5"
}

# caught_tile DB DESCRIPTION: verify of DB exits 1 because Merkle tile 0/0 disagrees.
caught_tile() {
	rejected "$2" fl -d "$1" verify
	same "$(cat "$ERR")" "fundledger: Merkle tile 0/0 does not match the entries" "$2: names the tile"
}

# fails DESCRIPTION COMMAND...: passes when COMMAND exits non-zero (the sqlite3 shell's exit
# code for a failed statement differs between versions).
fails() {
	fdesc=$1
	shift
	if "$@" >"$OUT" 2>"$ERR"; then not_ok "$fdesc (exit 0)"; else ok "$fdesc"; fi
}

NOTRIG="DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;"
NOCPTRIG="DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;
	DROP TRIGGER IF EXISTS cosignatures_no_update; DROP TRIGGER IF EXISTS cosignatures_no_delete;"

# ---- forging tools ----

# sha HEX: SHA-256 of the bytes HEX, in hex.
sha() { echo "$1" | xxd -r -p | sha256sum | cut -c1-64; }

# field_set HEX TAG VALUE: the canonical entry HEX with the value of field TAG (two hex digits)
# replaced by VALUE (hex, the same length). docs/FORMAT.md: magic (4 bytes), kind (1 byte),
# then fields tag:u8 length:u16be value.
field_set() {
	echo "$1" | awk -v tag="$2" -v val="$3" '
		function num(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		{
			s = tolower($0)
			p = 11
			while (p < length(s)) {
				n = num(substr(s, p + 2, 4))
				if (substr(s, p, 2) == tag) {
					if (length(val) != 2 * n) exit 1
					s = substr(s, 1, p + 5) val substr(s, p + 6 + 2 * n)
				}
				p += 6 + 2 * n
			}
			print s
		}'
}

# rechain FILE: FILE's entries (hex, one a line, in order) with every prev (tag 0x05) set to
# the SHA-256 of the entry before it, so that the chain is whole again.
rechain() {
	prev=""
	while read -r e; do
		[ -n "$prev" ] && e=$(field_set "$e" 05 "$prev")
		echo "$e"
		prev=$(sha "$e")
	done <"$1"
}

# forge_entries DIR: DIR/forged holds the ten entries with entry 2 (the DEU pledge) raised from
# EUR 1,000,000.00 to EUR 9,000,000.00 and every later prev link recomputed; DIR/forged.sql
# rewrites the entries, their hashes, the amount column and the Merkle tile to match.
forge_entries() {
	mkdir -p "$1"
	sqlite3 "$T/base.db" "SELECT lower(hex(canon)) FROM entries ORDER BY seq" >"$1/orig"
	awk 'NR == 2' "$1/orig" >"$1/e2"
	# 900000000 minor units = 0x35a4e900.
	field_set "$(cat "$1/e2")" 13 0000000035a4e900 >"$1/e2.forged"
	awk -v f="$(cat "$1/e2.forged")" 'NR == 2 { $0 = f } { print }' "$1/orig" >"$1/edited"
	rechain "$1/edited" >"$1/forged"
	{
		echo "$NOTRIG"
		seq=0
		tile=""
		while read -r e; do
			seq=$((seq + 1))
			echo "UPDATE entries SET canon = X'$e', hash = X'$(sha "$e")' WHERE seq = $seq;"
			tile="$tile$(sha "00$e")"
		done <"$1/forged"
		echo "UPDATE entries SET amount = 900000000 WHERE seq = 2;"
		echo "UPDATE tiles SET hashes = X'$tile' WHERE level = 0 AND idx = 0;"
	} >"$1/forged.sql"
}

# sign_note PEMFILE NAME KEYID TEXTFILE: TEXTFILE's text as a C2SP signed note with one Ed25519
# signature line, "— NAME base64(KEYID || signature)", made with openssl and the decrypted key
# PEMFILE (decrypted once: every load of an encrypted key costs 600000 PBKDF2 iterations).
sign_note() {
	snsig=$(openssl pkeyutl -sign -rawin -inkey "$1" \
		-in "$4" | xxd -p | tr -d '\n')
	cat "$4"
	echo
	printf '— %s %s\n' "$2" "$(printf '%s%s' "$3" "$snsig" | xxd -r -p | openssl base64 -A)"
}

# cp_text SIZE ROOT PREVIOUS [ORIGIN]: checkpoint text, with the extension line
# "fundledger.previous PREVIOUS" (none when PREVIOUS is "-").
cp_text() {
	printf '%s\n%s\n%s\n' "${4:-$ORIGIN}" "$1" "$2"
	[ "$3" = - ] || printf 'fundledger.previous %s\n' "$3"
}

# keyid VKEYFILE: the key ID (hex) of a verifier key.
keyid() { cut -d+ -f2 "$1"; }

# The attacker's own key, under the treasurer's name (its key ID differs: it hashes the key).
"$FUNDLEDGER" key generate --name test.example/treasurer --out "$T/attacker.key" \
	>"$T/attacker.vkey" 2>/dev/null
ATTACKER_ID=$(keyid "$T/attacker.vkey")
TREASURER_ID=$(keyid "$T/treasurer.vkey")
for k in attacker treasurer; do
	openssl pkey -in "$T/$k.key" -passin env:FUNDLEDGER_PASSPHRASE -out "$T/$k.pem"
done
same "$([ "$ATTACKER_ID" != "$TREASURER_ID" ] && echo differ)" differ \
	"the attacker's key ID is not the treasurer's"
# The signing tool agrees with fundledger: re-signing checkpoint 3's text, as cp_text makes it,
# with the treasurer's key gives the stored note (Ed25519 signatures are deterministic).
fl -d "$T/base.db" checkpoint --size 3 >"$T/cp3.stored"
cp_text 3 "$(sed -n 3p "$T/cp3.stored")" 2 >"$T/cp3.text"
same "$(cat "$T/cp3.text")" "$(head -n 4 "$T/cp3.stored")" \
	"cp_text gives checkpoint 3's text, its fourth line naming the checkpoint at 2"
same "$(sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp3.text")" \
	"$(cat "$T/cp3.stored")" "sign_note reproduces a stored checkpoint byte for byte"

# ---- the triggers refuse plain edits ----
db=$(copy triggers)
fails "a plain UPDATE is refused" sqlite3 "$db" "UPDATE entries SET amount = 1 WHERE seq = 3;"
contains "$ERR" "fundledger: entries are append-only" "the update trigger's message"
fails "a plain DELETE is refused" sqlite3 "$db" "DELETE FROM entries WHERE seq = 10;"
contains "$ERR" "fundledger: entries are append-only" "the delete trigger's message"
fails "a plain UPDATE of meta is refused" sqlite3 "$db" "UPDATE meta SET value = 'x' WHERE key = 'origin';"
contains "$ERR" "fundledger: meta is append-only" "the meta trigger's message"
fails "a plain DELETE of a checkpoint is refused" sqlite3 "$db" "DELETE FROM checkpoints WHERE size = 10;"
contains "$ERR" "fundledger: checkpoints are append-only" "the checkpoint trigger's message"
fails "a plain UPDATE of a checkpoint is refused" sqlite3 "$db" "UPDATE checkpoints SET note = 'x' WHERE size = 3;"
contains "$ERR" "fundledger: checkpoints are append-only" "the checkpoint update trigger's message"
fails "a plain DELETE of a cosignature is refused" sqlite3 "$db" "DELETE FROM cosignatures;"
contains "$ERR" "fundledger: cosignatures are append-only" "the cosignature trigger's message"
expect 0 "after the refused edits the copy still verifies" fl -d "$db" verify
same "$(cat "$OUT")" "$GOOD" "the refused edits changed nothing"

# ---- (a) one byte of an entry's canonical bytes ----
# Expected: "entry 3: stored hash does not match the entry's bytes".
# Byte 22 of every entry is the '6' of "2026" in its recorded_at (FLE 01, kind, seq tag+len+8,
# recorded_at tag+len, then the time): make entry 3 say it was recorded in 2027.
db=$(copy canon)
canon=$(hexof "$db" "SELECT hex(canon) FROM entries WHERE seq = 3;")
same "$(echo "$canon" | cut -c39-46)" 32303236 "entry 3's recorded_at starts at byte 19 with 2026"
sqlite3 "$db" "$NOTRIG UPDATE entries SET canon = X'$(flip "$canon" 22 37)' WHERE seq = 3;"
same "$(hexof "$db" "SELECT hex(canon) FROM entries WHERE seq = 3;" | cut -c45-46)" 37 \
	"the byte was changed"
caught "$db" 3 "stored hash does not match the entry's bytes$" "(a) one byte of entry 3's bytes"

# (a2) The same, with the stored hash recomputed to match. Expected: the checkpoint at 3, which
# is checked as soon as entry 3 is in, no longer has the root of the entries: "checkpoint at
# size 3: its root is not the Merkle root of the entries" (before entry 4's prev link breaks).
db=$(copy rehash)
new=$(flip "$canon" 22 37)
sqlite3 "$db" "$NOTRIG UPDATE entries SET canon = X'$new', hash = X'$(sha "$new")' WHERE seq = 3;"
caught_cp "$db" 3 3 "its root is not the Merkle root of the entries$" \
	"(a2) entry 3's bytes and hash both rewritten"

# ---- (b) a trigger dropped and the amount column updated ----
# Expected: "entry 3: column 'amount' disagrees with the entry's bytes".
db=$(copy amount)
sqlite3 "$db" "$NOTRIG UPDATE entries SET amount = amount + 100 WHERE seq = 3;"
caught "$db" 3 "column 'amount' disagrees with the entry's bytes$" "(b) entry 3's amount column"
expect 0 "log still shows the amount in the bytes" fl -d "$db" log --format csv
contains "$OUT" "^3,contribution,2026-02-01,VFTC,DEU,EUR,500000\.00," \
	"entries are read from their bytes, not the edited column"

# Other columns a query might trust. Expected: "entry N: column 'X' disagrees ...".
db=$(copy idem)
sqlite3 "$db" "$NOTRIG UPDATE entries SET idem = 'forged' WHERE seq = 8;"
caught "$db" 8 "column 'idem' disagrees with the entry's bytes$" "entry 8's idem column"
db=$(copy donor)
sqlite3 "$db" "$NOTRIG UPDATE entries SET donor = 'FRA' WHERE seq = 2;"
caught "$db" 2 "column 'donor' disagrees" "entry 2's donor column"
db=$(copy ref)
sqlite3 "$db" "$NOTRIG UPDATE entries SET ref = 3 WHERE seq = 10;"
caught "$db" 10 "column 'ref' disagrees" "entry 10's ref column (what it reverses)"
# A contribution's usd column (store schema 3), which the annual report sums: a changed value
# is caught; NULL, as in rows an earlier schema wrote, is allowed, and the report then reads
# the figure from the bytes.
db=$(copy usd)
sqlite3 "$db" "$NOTRIG UPDATE entries SET usd = usd + 1 WHERE seq = 3;"
caught "$db" 3 "column 'usd' disagrees" "entry 3's usd column (a contribution)"
db=$(copy usdnull)
expect 0 "the report before" fl -d "$db" report --year 2026 --format json --out "$T/usd-before.json"
sqlite3 "$db" "$NOTRIG UPDATE entries SET usd = NULL WHERE kind = 2;"
expect 0 "a NULL usd column on contributions verifies (rows of store schema 2)" fl -d "$db" verify
expect 0 "the report after" fl -d "$db" report --year 2026 --format json --out "$T/usd-after.json"
same "$(jq -c '.sections[].summary' "$T/usd-after.json")" \
	"$(jq -c '.sections[].summary' "$T/usd-before.json")" "the report reads the figures from the bytes"

# ---- (c) one byte of a stored hash ----
# Expected: "entry 6: stored hash does not match the entry's bytes".
db=$(copy hash)
hash=$(hexof "$db" "SELECT hex(hash) FROM entries WHERE seq = 6;")
first=$(echo "$hash" | cut -c1-2)
if [ "$first" = 00 ]; then nb=01; else nb=00; fi
sqlite3 "$db" "$NOTRIG UPDATE entries SET hash = X'$(flip "$hash" 0 $nb)' WHERE seq = 6;"
caught "$db" 6 "stored hash does not match the entry's bytes$" "(c) one byte of entry 6's hash"

# ---- (d) the last entries deleted (truncation) ----
# Entries 8 to 10 deleted; the Merkle tile still holds ten leaves, but the checkpoints are
# checked before the tiles. Expected: "checkpoint at size 8: beyond the last entry (7): entries
# were removed (truncation)".
db=$(copy truncated)
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq >= 8;"
caught_cp "$db" 8 7 "beyond the last entry \(7\): entries were removed \(truncation\)$" \
	"(d) entries 8 to 10 deleted"
same "$(sed -n 2p "$ERR")" "fundledger: checkpoint at size 8: beyond the last entry (7): entries \
were removed (truncation)" "(d) the exact message, not the tile's"
# The same, with the tile cut to the seven leaves that are left: the signed checkpoint at 8 is
# still there. Expected: "checkpoint at size 8: beyond the last entry (7): entries were removed
# (truncation)".
db=$(copy truncated2)
tile7=$(hexof "$db" "SELECT hex(substr(hashes, 1, 7 * 32)) FROM tiles WHERE level = 0 AND idx = 0;")
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq >= 8;
	UPDATE tiles SET hashes = X'$tile7' WHERE level = 0 AND idx = 0;"
caught_cp "$db" 8 7 "beyond the last entry \(7\): entries were removed \(truncation\)$" \
	"(d2) entries 8 to 10 deleted and the tile cut to match"
# The entries, their checkpoints and the cosignature all deleted, and the tile cut: what is
# left is a consistent ledger of 7 entries, which verify alone accepts. Expected: only an
# auditor's kept checkpoint tells: "rollback: the ledger has 7 entries but the trusted
# checkpoint has 10".
db=$(copy rollback)
sqlite3 "$db" "$NOTRIG $NOCPTRIG DELETE FROM entries WHERE seq >= 8;
	DELETE FROM cosignatures; DELETE FROM checkpoints WHERE size >= 8;
	UPDATE tiles SET hashes = X'$tile7' WHERE level = 0 AND idx = 0;"
expect 0 "(d3) a ledger cut back with its checkpoints verifies without a trusted checkpoint" \
	fl -d "$db" verify
contains "$OUT" "^OK 7 entries, " "(d3) as a ledger of 7 entries"
rejected "(d3) rollback against the kept checkpoint at 10" fl -d "$db" verify --trusted "$T/kept.10"
same "$(cat "$ERR")" "fundledger: rollback: the ledger has 7 entries (root $(sed -n 3p "$T/kept.7")) but the trusted checkpoint has 10 (root $(sed -n 3p "$T/kept.10"))" \
	"(d3) says rollback, with both sizes and roots"
expect 0 "(d3) a kept checkpoint at 5 still holds" fl -d "$db" verify --trusted "$T/kept.5"
contains "$OUT" "^extends the trusted checkpoint at size 5$" "(d3) the ledger extends size 5"

# ---- (e) a middle row deleted ----
# Expected: "entry 5: missing (the next stored entry is 6)".
db=$(copy delete)
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq = 5;"
caught "$db" 5 "missing \(the next stored entry is 6\)$" "(e) entry 5 deleted"
db=$(copy first)
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq = 1;"
caught "$db" 1 "missing \(the next stored entry is 2\)$" "(e) the first entry deleted"

# ---- (f) two rows swapped ----
# Expected: "entry 4: its bytes say it is entry 5 (rows moved?)".
db=$(copy swap)
sqlite3 "$db" "$NOTRIG
	CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (4, 5);
	DELETE FROM entries WHERE seq IN (4, 5);
	INSERT INTO entries SELECT 9 - seq, hash, canon, kind, idem, fund, donor, currency, amount,
		date, ref, ref2, amount2, usd FROM t;"
same "$(hexof "$db" "SELECT kind FROM entries WHERE seq = 4;")" 3 "row 4 now holds the JPY rate"
caught "$db" 4 "its bytes say it is entry 5 \(rows moved\?\)$" "(f) entries 4 and 5 swapped"

# ---- (g) history rewritten: every hash, prev link, column and tile recomputed ----
# Entry 2's amount raised, entries 3 to 10 re-chained. Expected: no entry check fails (the
# chain is whole), but the signed checkpoint at 2 does not hold: "checkpoint at size 2: its root
# is not the Merkle root of the entries".
forge_entries "$T/forge"
same "$(awk 'NR == 2' "$T/forge/forged" | cut -c1-10)" 464c450101 "the forged entry 2 is still a pledge"
same "$(sha "$(awk 'NR == 2' "$T/forge/forged")")" \
	"$(awk 'NR == 3' "$T/forge/forged" | grep -o "050020[0-9a-f]\{64\}" | cut -c7-)" \
	"the forged entry 3 links to the forged entry 2"
db=$(copy forged)
sqlite3 "$db" <"$T/forge/forged.sql"
expect 0 "the forged ledger shows the new amount" fl -d "$db" show 2
contains "$OUT" "9,000,000\.00" "the forged pledge says EUR 9,000,000.00"
caught_cp "$db" 2 2 "its root is not the Merkle root of the entries$" \
	"(g) history rewritten with hashes, links, columns and tile"
# The same with the tiles deleted instead of rewritten. Expected: the same checkpoint, first.
db=$(copy forged-notiles)
sqlite3 "$db" <"$T/forge/forged.sql"
sqlite3 "$db" "DELETE FROM tiles;"
caught_cp "$db" 2 2 "its root is not the Merkle root of the entries$" \
	"(g) history rewritten, tiles deleted"

# (g2) ... and every checkpoint from 2 on re-signed by the attacker's key, under the
# treasurer's name, with their true RFC 6962 roots and previous lines that keep the chain whole;
# the cosignature deleted. Expected: the attacker's key is not known: "checkpoint at size 2:
# note: no signature from a known key".
# (g3) The same signatures claiming the treasurer's key ID. Expected: a known key whose
# signature fails: "checkpoint at size 2: note: signature by test.example/treasurer does not
# verify".
mkdir -p "$T/notes"
{
	echo "$NOTRIG $NOCPTRIG DELETE FROM cosignatures;"
	for size in 2 3 4 5 6 7 8 9 10; do
		cp_text "$size" "$(head -n "$size" "$T/forge/forged" | sh "$RFC" base64)" $((size - 1)) \
			>"$T/notes/text.$size"
		sign_note "$T/attacker.pem" test.example/treasurer "$ATTACKER_ID" "$T/notes/text.$size" \
			>"$T/notes/attacker.$size"
		sign_note "$T/attacker.pem" test.example/treasurer "$TREASURER_ID" "$T/notes/text.$size" \
			>"$T/notes/claims.$size"
		echo "UPDATE checkpoints SET note = CAST(readfile('$T/notes/attacker.$size') AS TEXT) WHERE size = $size;"
	done
} >"$T/forge/resign.sql"
sed "s/attacker\./claims./" "$T/forge/resign.sql" >"$T/forge/claims.sql"
db=$(copy resigned)
sqlite3 "$db" <"$T/forge/forged.sql"
sqlite3 "$db" <"$T/forge/resign.sql"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 10' | sed -n 3p)" \
	"$(head -n 10 "$T/forge/forged" | sh "$RFC" base64)" "the forged checkpoint at 10 has the forged root"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 10' | sed -n 4p)" \
	"fundledger.previous 9" "the forged checkpoint at 10 follows the one at 9"
caught_cp "$db" 2 2 "note: no signature from a known key$" \
	"(g2) history rewritten and re-signed with the attacker's key"
expect 0 "(g2) with the attacker's key trusted too, the forgery would pass" \
	fl -d "$db" verify --key "$(cat "$T/treasurer.vkey")" --key "$(cat "$T/attacker.vkey")"
contains "$OUT" "^root [^ ]+, 10 signed checkpoints, 0 cosignatures$" \
	"(g2) so the keys, not the file, are the root of trust"
db=$(copy claims)
sqlite3 "$db" <"$T/forge/forged.sql"
sqlite3 "$db" <"$T/forge/claims.sql"
caught_cp "$db" 2 2 "note: signature by test\.example/treasurer does not verify$" \
	"(g3) re-signed, claiming the treasurer's key ID"

# ---- (h) one checkpoint re-signed with an unauthorised key ----
# Checkpoint 9, text (all four lines) unchanged, its signature replaced by the attacker's.
# Expected: "checkpoint at size 9: note: no signature from a known key".
db=$(copy resign9)
fl -d "$T/base.db" checkpoint --size 9 | head -n 4 >"$T/cp9.text"
same "$(sed -n 4p "$T/cp9.text")" "fundledger.previous 8" "checkpoint 9 follows the one at 8"
sign_note "$T/attacker.pem" test.example/treasurer "$ATTACKER_ID" "$T/cp9.text" >"$T/cp9.attacker"
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp9.attacker') AS TEXT) WHERE size = 9;"
caught_cp "$db" 9 9 "note: no signature from a known key$" "(h) checkpoint 9 re-signed by the attacker"
# Checkpoint 10 the same way: the auditor's cosignature (over the same four lines) still
# verifies, but a cosignature is not the log's signature. Expected: "checkpoint at size 10: no
# signature by an authorised treasurer key".
db=$(copy resign10)
head -n 4 "$T/kept.10" >"$T/cp10.text"
sign_note "$T/attacker.pem" test.example/treasurer "$ATTACKER_ID" "$T/cp10.text" >"$T/cp10.attacker"
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp10.attacker') AS TEXT) WHERE size = 10;"
caught_cp "$db" 10 10 "no signature by an authorised treasurer key$" \
	"(h) checkpoint 10 re-signed by the attacker, cosignature kept"

# ---- (i) a checkpoint deleted, or replaced by another ----
# The last checkpoint deleted (with its cosignature). Expected: "entries 10 to 10 are not
# covered by a signed checkpoint", named as entry 10.
db=$(copy nocp10)
sqlite3 "$db" "$NOCPTRIG DELETE FROM cosignatures; DELETE FROM checkpoints WHERE size = 10;"
rejected "(i) the last checkpoint deleted" fl -d "$db" verify
contains "$ERR" "^FAILED at entry 10 \(9 entries before it verified\)$" "(i) names entry 10"
contains "$ERR" "^fundledger: entries 10 to 10 are not covered by a signed checkpoint$" \
	"(i) says it is not covered"
# A middle checkpoint deleted: every entry is still covered by a later checkpoint, but the one
# at 6 names 5 as its previous. Expected: "checkpoint at size 6: it does not follow the
# checkpoint at size 4 (a checkpoint was removed?)".
db=$(copy nocp5)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;"
caught_cp "$db" 6 6 "it does not follow the checkpoint at size 4 \(a checkpoint was removed\?\)$" \
	"(i) the middle checkpoint at 5 deleted"
expect 2 "(i) and no proof can be cut at size 5 any more" fl -d "$db" proof inclusion 3 --size 5
same "$(cat "$ERR")" "fundledger: no checkpoint at size 5" "(i) the proof: no checkpoint at 5"
# Two in a row (4 and 5). Expected: "checkpoint at size 6: it does not follow the checkpoint
# at size 3 (a checkpoint was removed?)".
db=$(copy nocp45)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size IN (4, 5);"
caught_cp "$db" 6 6 "it does not follow the checkpoint at size 3 \(a checkpoint was removed\?\)$" \
	"(i) the checkpoints at 4 and 5 deleted"
# The first checkpoint. Expected: "checkpoint at size 2: it does not follow the checkpoint at
# size 0 (a checkpoint was removed?)".
db=$(copy nocp1)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 1;"
caught_cp "$db" 2 2 "it does not follow the checkpoint at size 0 \(a checkpoint was removed\?\)$" \
	"(i) the first checkpoint deleted"

# Closing the gap: checkpoint 5 deleted and checkpoint 6's previous line edited to name 4.
# Without a new signature. Expected: "checkpoint at size 6: note: signature by
# test.example/treasurer does not verify".
fl -d "$T/base.db" checkpoint --size 6 >"$T/cp6.stored"
same "$(sed -n 4p "$T/cp6.stored")" "fundledger.previous 5" "checkpoint 6 follows the one at 5"
ROOT6=$(sed -n 3p "$T/cp6.stored")
db=$(copy prevedit)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;
	UPDATE checkpoints SET note = replace(note, 'fundledger.previous 5', 'fundledger.previous 4')
	WHERE size = 6;"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 6' | sed -n 4p)" \
	"fundledger.previous 4" "checkpoint 6 now says it follows the one at 4"
caught_cp "$db" 6 6 "note: signature by test\.example/treasurer does not verify$" \
	"(i) checkpoint 5 deleted, 6's previous line edited"
# Its previous line removed instead (a three-line checkpoint). Expected: the same.
db=$(copy prevdrop)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;
	UPDATE checkpoints SET note = replace(note, 'fundledger.previous 5' || char(10), '')
	WHERE size = 6;"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 6' | grep -c previous)" 0 \
	"checkpoint 6 has no previous line now"
caught_cp "$db" 6 6 "note: signature by test\.example/treasurer does not verify$" \
	"(i) checkpoint 5 deleted, 6's previous line removed"
# Re-signed by the attacker's key. Expected: "checkpoint at size 6: note: no signature from a
# known key"; claiming the treasurer's key ID: "... signature by test.example/treasurer does
# not verify".
cp_text 6 "$ROOT6" 4 >"$T/cp6.prev4"
sign_note "$T/attacker.pem" test.example/treasurer "$ATTACKER_ID" "$T/cp6.prev4" >"$T/cp6.attacker"
sign_note "$T/attacker.pem" test.example/treasurer "$TREASURER_ID" "$T/cp6.prev4" >"$T/cp6.claims"
db=$(copy prevresign)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;
	UPDATE checkpoints SET note = CAST(readfile('$T/cp6.attacker') AS TEXT) WHERE size = 6;"
caught_cp "$db" 6 6 "note: no signature from a known key$" \
	"(i) checkpoint 5 deleted, 6 re-signed by the attacker with previous 4"
db=$(copy prevclaims)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;
	UPDATE checkpoints SET note = CAST(readfile('$T/cp6.claims') AS TEXT) WHERE size = 6;"
caught_cp "$db" 6 6 "note: signature by test\.example/treasurer does not verify$" \
	"(i) the same, claiming the treasurer's key ID"
# Only the treasurer's key can close the gap: re-signed with it (an insider, or a stolen key),
# the chain 1, 2, 3, 4, 6, ... is whole again and verify passes with 9 checkpoints. No entry
# changed, so the roots and a kept checkpoint at 5 still hold; what is lost is the checkpoint
# itself, which an auditor who keeps every checkpoint still has.
sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp6.prev4" >"$T/cp6.insider"
db=$(copy previnsider)
sqlite3 "$db" "$NOCPTRIG DELETE FROM checkpoints WHERE size = 5;
	UPDATE checkpoints SET note = CAST(readfile('$T/cp6.insider') AS TEXT) WHERE size = 6;"
expect 0 "(i) limit: the gap closed with the treasurer's own key verifies" fl -d "$db" verify
contains "$OUT" "^root [^ ]+, 9 signed checkpoints, 1 cosignatures$" "(i) limit: 9 checkpoints counted"
expect 0 "(i) limit: the kept checkpoint at 5 still holds" fl -d "$db" verify --trusted "$T/kept.5"
contains "$OUT" "^extends the trusted checkpoint at size 5$" "(i) limit: the ledger extends size 5"
# With the treasurer's key, but without a previous line, or with a previous line twice. Expected:
# "checkpoint at size 6: it does not follow the checkpoint at size 5 (a checkpoint was
# removed?)", and "checkpoint at size 6: checkpoint: bad fundledger.previous line".
cp_text 6 "$ROOT6" - >"$T/cp6.noprev"
sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp6.noprev" >"$T/cp6.noprev.signed"
db=$(copy prevnone)
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp6.noprev.signed') AS TEXT) WHERE size = 6;"
caught_cp "$db" 6 6 "it does not follow the checkpoint at size 5 \(a checkpoint was removed\?\)$" \
	"(i) checkpoint 6 signed by the treasurer's key without a previous line"
{ cp_text 6 "$ROOT6" 5; echo "fundledger.previous 5"; } >"$T/cp6.twice"
sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp6.twice" >"$T/cp6.twice.signed"
db=$(copy prevtwice)
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp6.twice.signed') AS TEXT) WHERE size = 6;"
caught_cp "$db" 6 6 "checkpoint: bad fundledger\.previous line$" \
	"(i) checkpoint 6 signed by the treasurer's key with its previous line twice"

# Checkpoint 3's note copied into checkpoint 4's row. Expected: "checkpoint at size 4: its
# text names another size".
db=$(copy cpcopy)
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = (SELECT note FROM checkpoints WHERE size = 3) WHERE size = 4;"
caught_cp "$db" 4 4 "its text names another size$" "(i) checkpoint 3's note in checkpoint 4's row"
# A checkpoint at size 4 with checkpoint 5's root (and the right previous line), signed by the
# real treasurer key (an insider, or a stolen key). Expected: "checkpoint at size 4: its root is
# not the Merkle root of the entries".
db=$(copy cproot)
cp_text 4 "$(sed -n 3p "$T/kept.5")" 3 >"$T/cp4.text"
sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp4.text" >"$T/cp4.other"
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp4.other') AS TEXT) WHERE size = 4;"
caught_cp "$db" 4 4 "its root is not the Merkle root of the entries$" \
	"(i) checkpoint 4 replaced by a signed one with another root"
# A checkpoint of another log (another origin), signed by the same treasurer key. Expected:
# "checkpoint at size 6: origin 'test.example/other' is not the ledger's '...'".
db=$(copy cporigin)
cp_text 6 "$ROOT6" 5 test.example/other >"$T/cp6.text"
sign_note "$T/treasurer.pem" test.example/treasurer "$TREASURER_ID" "$T/cp6.text" >"$T/cp6.other"
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = CAST(readfile('$T/cp6.other') AS TEXT) WHERE size = 6;"
caught_cp "$db" 6 6 "origin 'test\.example/other' is not the ledger's '$ORIGIN'$" \
	"(i) checkpoint 6 replaced by another log's"
# The root line of checkpoint 7 edited. Expected: "checkpoint at size 7: note: signature by
# test.example/treasurer does not verify".
db=$(copy cpedit)
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = '$ORIGIN' || char(10) || '7' || char(10) ||
	'$(sed -n 3p "$T/kept.5")' || substr(note, instr(note, '=' || char(10)) + 1) WHERE size = 7;"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 7' | sed -n 3p)" "$(sed -n 3p "$T/kept.5")" \
	"checkpoint 7 now shows checkpoint 5's root"
same "$(sqlite3 "$db" 'SELECT note FROM checkpoints WHERE size = 7' | sed -n 4p)" "fundledger.previous 6" \
	"checkpoint 7 keeps its previous line"
caught_cp "$db" 7 7 "note: signature by test\.example/treasurer does not verify$" \
	"(i) checkpoint 7's root line edited"

# ---- (j) a Merkle tile corrupted ----
# Expected, in each case: "Merkle tile 0/0 does not match the entries".
db=$(copy tile)
tile=$(hexof "$db" "SELECT hex(hashes) FROM tiles WHERE level = 0 AND idx = 0;")
if [ "$(echo "$tile" | cut -c1-2)" = 00 ]; then nb=01; else nb=00; fi
sqlite3 "$db" "UPDATE tiles SET hashes = X'$(flip "$tile" 0 $nb)' WHERE level = 0 AND idx = 0;"
caught_tile "$db" "(j) one byte of Merkle tile 0/0"
db=$(copy tileshort)
sqlite3 "$db" "UPDATE tiles SET hashes = X'$(echo "$tile" | cut -c1-576)' WHERE level = 0 AND idx = 0;"
caught_tile "$db" "(j) Merkle tile 0/0 cut short"
db=$(copy notiles)
sqlite3 "$db" "DELETE FROM tiles;"
caught_tile "$db" "(j) the tiles deleted"

# ---- (k) a cosignature line corrupted ----
# One character of the signature (after the key ID and time). Expected: "checkpoint at size
# 10: note: cosignature by test.example/auditor does not verify".
db=$(copy cosig)
line=$(sqlite3 "$db" "SELECT line FROM cosignatures WHERE size = 10")
b64=${line#* test.example/auditor }
c=$(echo "$b64" | cut -c40)
if [ "$c" = A ]; then nc=B; else nc=A; fi
bad="$(echo "$b64" | cut -c1-39)$nc$(echo "$b64" | cut -c41-)"
sqlite3 "$db" "$NOCPTRIG UPDATE cosignatures SET line = '— test.example/auditor $bad' || char(10) WHERE size = 10;"
caught_cp "$db" 10 10 "note: cosignature by test\.example/auditor does not verify$" \
	"(k) a character of the cosignature changed"
# One character of the key ID instead: C2SP signed-note ignores a signature by an unknown key.
# Expected: verify passes, counting no cosignature.
db=$(copy cosigid)
c=$(echo "$b64" | cut -c2)
if [ "$c" = A ]; then nc=B; else nc=A; fi
bad="$(echo "$b64" | cut -c1)$nc$(echo "$b64" | cut -c3-)"
sqlite3 "$db" "$NOCPTRIG UPDATE cosignatures SET line = '— test.example/auditor $bad' || char(10) WHERE size = 10;"
expect 0 "(k) a cosignature whose key ID is changed is ignored" fl -d "$db" verify
contains "$OUT" "^root [^ ]+, 10 signed checkpoints, 0 cosignatures$" "(k) and not counted"
# The auditor's one cosignature line repeated twice more in the checkpoint's note: still one
# auditor. Expected: verify passes counting 1 cosignature, not 3 (a count of cosignatures that
# one key can inflate is no count of witnesses; Go's note.Open likewise keeps one signature
# per key).
db=$(copy cosigdup)
sqlite3 "$db" "$NOCPTRIG UPDATE checkpoints SET note = note || '$line' || char(10) || '$line' || char(10)
	WHERE size = 10;"
same "$(fl -d "$db" checkpoint | grep -c '^— test\.example/auditor ')" 3 \
	"(k) checkpoint 10 now carries the auditor's line three times"
expect 0 "(k) a repeated cosignature still verifies" fl -d "$db" verify
contains "$OUT" "^root [^ ]+, 10 signed checkpoints, 1 cosignatures$" \
	"(k) a repeated cosignature counts once"

# ---- (l) a proof with one hash changed ----
# Expected: proof verify exits 1, "inclusion proof: computed root does not match"; the same
# proof with its checkpoint's root changed: the treasurer's signature fails.
fl -d "$T/base.db" proof inclusion 6 --out "$T/proof6"
expect 0 "the proof of entry 6 verifies" fl proof verify "$T/proof6" --key "$(cat "$T/treasurer.vkey")"
awk 'NR == 5 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' \
	"$T/proof6" >"$T/proof6.hash"
rejected "(l) a proof with one hash changed" \
	fl proof verify "$T/proof6.hash" --key "$(cat "$T/treasurer.vkey")"
same "$(cat "$ERR")" "fundledger: inclusion proof: computed root does not match" "(l) the root differs"
n=$(grep -n '^$' "$T/proof6" | head -n 1 | cut -d: -f1)
awk -v n=$((n + 3)) 'NR == n { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' \
	"$T/proof6" >"$T/proof6.root"
rejected "(l) a proof with its checkpoint's root changed" \
	fl proof verify "$T/proof6.root" --key "$(cat "$T/treasurer.vkey")"
same "$(cat "$ERR")" "fundledger: note: signature by test.example/treasurer does not verify" \
	"(l) the checkpoint's signature fails"

# ---- (m) an exported bundle ----
expect 0 "export the ledger" fl -d "$T/base.db" export --out "$T/bundle"
expect 0 "the bundle verifies" fl verify --bundle "$T/bundle" --key "$(cat "$T/treasurer.vkey")" \
	--key "$(cat "$T/auditor.vkey")"
same "$(cat "$OUT")" "$GOOD" "the bundle: the same entries, head and checkpoints"

# bundle NAME: a fresh copy of the bundle at $T/NAME; prints its path.
bundle() {
	rm -rf "${T:?}/$1"
	cp -R "$T/bundle" "$T/$1"
	echo "$T/$1"
}
# patch FILE OFFSET HEX: overwrites bytes of FILE at OFFSET.
patch() { printf '%s' "$3" | xxd -r -p | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
TKEY=$(cat "$T/treasurer.vkey")

# One byte of entry 2's recorded_at (its record starts at the offset entries.idx gives, after
# a 4-byte length). Expected: the checkpoint at 2 fails: "checkpoint at size 2: its root is not
# the Merkle root of the entries".
b=$(bundle b-entry)
off2=$(xxd -s 8 -l 8 -p "$b/entries.idx")
patch "$b/entries" $((0x$off2 + 4 + 22)) 37
rejected "(m) a bundle with one byte of entry 2 changed" fl verify --bundle "$b" --key "$TKEY"
names_cp 2 2 "its root is not the Merkle root of the entries$" "(m) entry 2 changed"
# Entry 2's version byte changed. Expected: "entry 2: bytes do not decode: ...".
b=$(bundle b-decode)
patch "$b/entries" $((0x$off2 + 4 + 3)) 02
rejected "(m) a bundle with entry 2's format version changed" fl verify --bundle "$b" --key "$TKEY"
contains "$ERR" "^FAILED at entry 2 \(1 entries before it verified\)$" "(m) names entry 2"
contains "$ERR" "^fundledger: entry 2: bytes do not decode" "(m) entry 2 does not decode"
# entries.idx edited: entry 2's offset moved by one. Expected: "entry 2: entries.idx points
# elsewhere".
b=$(bundle b-idx)
patch "$b/entries.idx" 15 "$(printf '%02x' $((0x$(echo "$off2" | cut -c15-16) + 1)))"
rejected "(m) a bundle with entries.idx edited" fl verify --bundle "$b" --key "$TKEY"
contains "$ERR" "^FAILED at entry 2 \(1 entries before it verified\)$" "(m) idx: names entry 2"
contains "$ERR" "^fundledger: entry 2: entries.idx points elsewhere$" "(m) idx: says so"
# The checkpoints file edited: checkpoint 2's root line replaced by checkpoint 1's root. The
# notes follow each other, six lines each (origin, size, root, previous, blank, signature).
# Expected: "checkpoint at size 2: note: signature by test.example/treasurer does not verify".
b=$(bundle b-cps)
same "$(sed -n 1,6p "$T/bundle/checkpoints")" "$(fl -d "$T/base.db" checkpoint --size 1)" \
	"the bundle's checkpoints file starts with the checkpoint at 1"
same "$(sed -n 8p "$T/bundle/checkpoints"; sed -n 10p "$T/bundle/checkpoints")" "2
fundledger.previous 1" "the bundle's second checkpoint is at size 2, after the one at 1"
root1=$(sed -n 3p "$b/checkpoints")
awk -v r="$root1" 'NR == 9 { $0 = r } { print }' "$T/bundle/checkpoints" >"$b/checkpoints"
same "$(sed -n 9p "$b/checkpoints")" "$root1" "checkpoint 2 now shows checkpoint 1's root"
rejected "(m) a bundle with the checkpoints file edited" fl verify --bundle "$b" --key "$TKEY"
names_cp 2 2 "note: signature by test\.example/treasurer does not verify$" "(m) checkpoints edited"
# The checkpoint at 5 cut out of the checkpoints file. Expected: "checkpoint at size 6: it does
# not follow the checkpoint at size 4 (a checkpoint was removed?)".
b=$(bundle b-nocp5)
awk '/^[^—]/ && prev ~ /^—/ { n++ } { prev = $0 } n != 4 { print }' "$T/bundle/checkpoints" \
	>"$b/checkpoints"
same "$(grep -c '^—' "$b/checkpoints")" 10 "the cut checkpoints file: 9 signatures and the cosignature"
same "$(grep -cx 5 "$b/checkpoints")" 0 "no checkpoint at size 5 left in it"
rejected "(m) a bundle with its checkpoint at 5 cut out" fl verify --bundle "$b" --key "$TKEY"
names_cp 6 6 "it does not follow the checkpoint at size 4 \(a checkpoint was removed\?\)$" \
	"(m) checkpoint 5 cut out"
# The checkpoints at 4 and 5 swapped in the file. Expected: the one at 5, met first, "checkpoint
# at size 5: it does not follow the checkpoint at size 3 (a checkpoint was removed?)".
# notes DIR: the bundle's notes one a file, DIR/1 to DIR/10 (the cosignature stays with 10).
notes() {
	mkdir -p "$1"
	awk -v d="$1" '/^[^—]/ && prev ~ /^—/ { n++ } { prev = $0; print > (d "/" (n + 1)) }' \
		"$T/bundle/checkpoints"
}
notes "$T/bnotes"
same "$(sed -n 2p "$T/bnotes/5")" 5 "the fifth note of the file is the checkpoint at 5"
b=$(bundle b-swap)
for i in 1 2 3 5 4 6 7 8 9 10; do cat "$T/bnotes/$i"; done >"$b/checkpoints"
rejected "(m) a bundle with its checkpoints at 4 and 5 swapped" fl verify --bundle "$b" --key "$TKEY"
names_cp 5 5 "it does not follow the checkpoint at size 3 \(a checkpoint was removed\?\)$" \
	"(m) checkpoints 4 and 5 swapped"
# The checkpoint at 4 twice. Expected: "checkpoint at size 4: out of order".
b=$(bundle b-twice)
for i in 1 2 3 4 4 5 6 7 8 9 10; do cat "$T/bnotes/$i"; done >"$b/checkpoints"
rejected "(m) a bundle with its checkpoint at 4 twice" fl verify --bundle "$b" --key "$TKEY"
names_cp 4 4 "out of order$" "(m) checkpoint 4 twice"
# The MANIFEST's head changed. Expected: "bundle: MANIFEST does not describe these entries".
b=$(bundle b-manifest)
sed 's/^head \(.\)/head 0\1/; s/^head \(.\{64\}\).*/head \1/' "$T/bundle/MANIFEST" >"$b/MANIFEST"
rejected "(m) a bundle with its MANIFEST's head changed" fl verify --bundle "$b" --key "$TKEY"
same "$(cat "$ERR")" "fundledger: bundle: MANIFEST does not describe these entries" "(m) MANIFEST: says so"

# The forged history of (g) as a bundle, every checkpoint re-signed by the attacker, and the
# keys file naming the attacker's key as the treasurer's. Expected: verify --bundle trusting
# the bundle's own keys accepts it (so an auditor must pin the keys); pinned with --key, the
# checkpoint at 1 has no known signature: "checkpoint at size 1: note: no signature from a
# known key".
b=$(bundle b-keys)
while read -r e; do
	printf '%08x%s' $((${#e} / 2)) "$e"
done <"$T/forge/forged" | xxd -r -p >"$b/entries"
if cmp -s "$b/entries" "$T/bundle/entries"; then
	not_ok "the forged entries differ"
else
	ok "the forged entries differ"
fi
cp_text 1 "$(head -n 1 "$T/forge/forged" | sh "$RFC" base64)" 0 >"$T/notes/text.1"
sign_note "$T/attacker.pem" test.example/treasurer "$ATTACKER_ID" "$T/notes/text.1" >"$T/notes/attacker.1"
for size in 1 2 3 4 5 6 7 8 9 10; do cat "$T/notes/attacker.$size"; done >"$b/checkpoints"
echo "treasurer $(cat "$T/attacker.vkey")" >"$b/keys"
{
	echo "fundledger-bundle/v1"
	echo "origin $ORIGIN"
	echo "entries 10"
	echo "head $(sha "$(tail -n 1 "$T/forge/forged")")"
	echo "root $(sed -n 3p "$T/notes/text.10")"
} >"$b/MANIFEST"
expect 0 "(m) a forged bundle with the attacker's keys passes when its own keys are trusted" \
	fl verify --bundle "$b"
contains "$ERR" "trusting the keys inside the bundle; pin them with --key" "(m) verify warns about it"
rejected "(m) the forged bundle with the treasurer's key pinned" fl verify --bundle "$b" --key "$TKEY"
names_cp 1 1 "note: no signature from a known key$" "(m) keys replaced, key pinned"

# A bundle cut back to 7 entries with its checkpoints: only a kept checkpoint tells. Expected:
# "rollback: the ledger has 7 entries but the trusted checkpoint has 10".
b=$(bundle b-rollback)
end8=$((0x$(xxd -s 56 -l 8 -p "$T/bundle/entries.idx")))
head -c "$end8" "$T/bundle/entries" >"$b/entries"
head -c 56 "$T/bundle/entries.idx" >"$b/entries.idx"
awk '/^[^—]/ && prev ~ /^—/ { n++ } { prev = $0 } n < 7 { print }' "$T/bundle/checkpoints" >"$b/checkpoints"
same "$(grep -c '^—' "$b/checkpoints")" 7 "the cut bundle keeps 7 checkpoints"
{
	echo "fundledger-bundle/v1"
	echo "origin $ORIGIN"
	echo "entries 7"
	echo "head $(sha "$(sed -n 7p "$T/forge/orig")")"
	echo "root $(fl -d "$T/base.db" checkpoint --size 7 | sed -n 3p)"
} >"$b/MANIFEST"
expect 0 "(m) a bundle cut back to 7 entries verifies on its own" fl verify --bundle "$b" --key "$TKEY"
rejected "(m) the cut bundle against the kept checkpoint at 10" \
	fl verify --bundle "$b" --key "$TKEY" --trusted "$T/kept.10"
same "$(cat "$ERR")" "fundledger: rollback: the ledger has 7 entries (root $(sed -n 3p "$T/kept.7")) but the trusted checkpoint has 10 (root $(sed -n 3p "$T/kept.10"))" \
	"(m) says rollback, with both sizes and roots"

expect 0 "the original ledger still verifies" fl verify
same "$(cat "$OUT")" "$GOOD" "the original ledger is untouched"
