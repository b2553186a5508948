#!/bin/sh
# tests/cli/test_tamper.sh: editing the ledger file behind fundledger's back is caught by
# verify, which exits 1 and names the first bad entry.
#
# The schema's triggers refuse a plain UPDATE or DELETE on entries, so each attack below first
# drops them, as anyone with write access to the file can. Every attack works on a fresh copy
# of one ten-entry ledger, taken after a WAL checkpoint so the copy holds every entry.
. "$ROOT/tests/cli/lib.sh"

expect 0 "init" fl init
fl rate --currency EUR --rate 0.921 --date 2026-01-01 >/dev/null
fl pledge --donor DEU --fund VFTC --currency EUR --amount 1000000.00 --years 2026 \
	--date 2026-01-15 --ref p-deu >/dev/null
fl contribute --donor DEU --fund VFTC --currency EUR --amount 500000.00 --date 2026-02-01 \
	--pledge p-deu --bank-ref DE-1 >/dev/null
fl contribute --donor USA --fund UPRP --currency USD --amount 250000 --date 2026-02-02 \
	--bank-ref US-1 >/dev/null
fl rate --currency JPY --rate 156.5 --date 2026-01-01 >/dev/null
fl contribute --donor JPN --fund UPRI --currency JPY --amount 10000000 --date 2026-02-03 \
	--bank-ref JP-1 >/dev/null
fl pledge --donor NOR --fund UPRP --currency USD --amount 40000 --years 2026 \
	--date 2026-01-20 --ref p-nor >/dev/null
fl contribute --donor NOR --fund UPRP --currency USD --amount 10000 --date 2026-02-10 \
	--pledge p-nor --bank-ref NO-1 --ref c-nor-1 >/dev/null
fl writeoff p-nor --amount 5000 --reason "reduced" --date 2026-02-20 >/dev/null
fl reverse 4 --reason "bank recall" >/dev/null
same "$(count)" 10 "ten entries to tamper with"
expect 0 "verify before tampering" fl verify
contains "$OUT" "^OK 10 entries, head [0-9a-f]{64}$" "verify OK with 10 entries"
GOOD=$(cat "$OUT")

# Fold any WAL into the main file, so a copy of the file alone is the whole ledger.
sqlite3 "$FUNDLEDGER_LEDGER" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
same "$(sqlite3 "$FUNDLEDGER_LEDGER" 'PRAGMA journal_mode;')" wal "the ledger runs in WAL mode"
cp "$FUNDLEDGER_LEDGER" "$T/base.db"
expect 0 "the copy verifies like the original" fl -d "$T/base.db" verify
same "$(cat "$OUT")" "$GOOD" "the copy has the same entries and head"

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

# caught DB SEQ REGEX DESCRIPTION: verify of DB exits 1, naming entry SEQ and REGEX on stderr.
caught() {
	expect 1 "$4: verify exits 1" fl -d "$1" verify
	same "$(wc -c <"$OUT" | tr -d ' ')" 0 "$4: no OK line"
	contains "$ERR" "^FAILED at entry $2 \($(($2 - 1)) entries before it verified\)$" \
		"$4: names entry $2"
	contains "$ERR" "^fundledger: entry $2: $3" "$4: says what is wrong"
}

# fails DESCRIPTION COMMAND...: passes when COMMAND exits non-zero (the sqlite3 shell's exit
# code for a failed statement differs between versions).
fails() {
	fdesc=$1
	shift
	if "$@" >"$OUT" 2>"$ERR"; then not_ok "$fdesc (exit 0)"; else ok "$fdesc"; fi
}

NOTRIG="DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"

# ---- the triggers refuse plain edits ----
db=$(copy triggers)
fails "a plain UPDATE is refused" sqlite3 "$db" "UPDATE entries SET amount = 1 WHERE seq = 3;"
contains "$ERR" "fundledger: entries are append-only" "the update trigger's message"
fails "a plain DELETE is refused" sqlite3 "$db" "DELETE FROM entries WHERE seq = 10;"
contains "$ERR" "fundledger: entries are append-only" "the delete trigger's message"
fails "a plain UPDATE of meta is refused" sqlite3 "$db" "UPDATE meta SET value = 'x' WHERE key = 'origin';"
contains "$ERR" "fundledger: meta is append-only" "the meta trigger's message"
expect 0 "after the refused edits the copy still verifies" fl -d "$db" verify
same "$(cat "$OUT")" "$GOOD" "the refused edits changed nothing"

# ---- (a) one byte of an entry's canonical bytes ----
# Byte 22 of every entry is the '6' of "2026" in its recorded_at (FLE 01, kind, seq tag+len+8,
# recorded_at tag+len, then the time): make entry 3 say it was recorded in 2027.
db=$(copy canon)
canon=$(hexof "$db" "SELECT hex(canon) FROM entries WHERE seq = 3;")
same "$(echo "$canon" | cut -c39-46)" 32303236 "entry 3's recorded_at starts at byte 19 with 2026"
sqlite3 "$db" "$NOTRIG UPDATE entries SET canon = X'$(flip "$canon" 22 37)' WHERE seq = 3;"
same "$(hexof "$db" "SELECT hex(canon) FROM entries WHERE seq = 3;" | cut -c45-46)" 37 \
	"the byte was changed"
caught "$db" 3 "stored hash does not match the entry's bytes$" "(a) one byte of entry 3's bytes"

# (a2) the same, with the stored hash recomputed to match: the next entry's link breaks.
db=$(copy rehash)
new=$(flip "$canon" 22 37)
newhash=$(echo "$new" | xxd -r -p | sha256sum | cut -d' ' -f1)
sqlite3 "$db" "$NOTRIG UPDATE entries SET canon = X'$new', hash = X'$newhash' WHERE seq = 3;"
caught "$db" 4 "previous hash does not match the entry before it$" \
	"(a2) entry 3's bytes and hash both rewritten"

# ---- (b) the amount column ----
db=$(copy amount)
sqlite3 "$db" "$NOTRIG UPDATE entries SET amount = amount + 100 WHERE seq = 3;"
caught "$db" 3 "column 'amount' disagrees with the entry's bytes$" "(b) entry 3's amount column"
expect 0 "log still shows the amount in the bytes" fl -d "$db" log --format csv
contains "$OUT" "^3,contribution,2026-02-01,VFTC,DEU,EUR,500000\.00," \
	"entries are read from their bytes, not the edited column"

# ---- (c) a middle row deleted ----
db=$(copy delete)
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq = 5;"
caught "$db" 5 "missing \(the next stored entry is 6\)$" "(c) entry 5 deleted"

# ---- (d) two rows swapped ----
db=$(copy swap)
sqlite3 "$db" "$NOTRIG
	CREATE TEMP TABLE t AS SELECT * FROM entries WHERE seq IN (4, 5);
	DELETE FROM entries WHERE seq IN (4, 5);
	INSERT INTO entries SELECT 9 - seq, hash, canon, kind, idem, fund, donor, currency, amount,
		date, ref FROM t;"
same "$(hexof "$db" "SELECT kind FROM entries WHERE seq = 4;")" 3 "row 4 now holds the JPY rate"
caught "$db" 4 "its bytes say it is entry 5 \(rows moved\?\)$" "(d) entries 4 and 5 swapped"

# ---- (e) one byte of a stored hash ----
db=$(copy hash)
hash=$(hexof "$db" "SELECT hex(hash) FROM entries WHERE seq = 6;")
first=$(echo "$hash" | cut -c1-2)
if [ "$first" = 00 ]; then nb=01; else nb=00; fi
sqlite3 "$db" "$NOTRIG UPDATE entries SET hash = X'$(flip "$hash" 0 $nb)' WHERE seq = 6;"
caught "$db" 6 "stored hash does not match the entry's bytes$" "(e) one byte of entry 6's hash"

# ---- (f) the idempotency key column ----
db=$(copy idem)
sqlite3 "$db" "$NOTRIG UPDATE entries SET idem = 'forged' WHERE seq = 8;"
caught "$db" 8 "column 'idem' disagrees with the entry's bytes$" "(f) entry 8's idem column"

# Other columns a query might trust.
db=$(copy donor)
sqlite3 "$db" "$NOTRIG UPDATE entries SET donor = 'FRA' WHERE seq = 2;"
caught "$db" 2 "column 'donor' disagrees" "entry 2's donor column"
db=$(copy ref)
sqlite3 "$db" "$NOTRIG UPDATE entries SET ref = 3 WHERE seq = 10;"
caught "$db" 10 "column 'ref' disagrees" "entry 10's ref column (what it reverses)"
db=$(copy first)
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq = 1;"
caught "$db" 1 "missing \(the next stored entry is 2\)$" "the first entry deleted"

# ---- known limit: truncation of the newest entries ----
# A ledger cut short is a valid shorter ledger: verify cannot tell without a record of the head
# kept elsewhere. Signed checkpoints are to close this; until then this test documents the gap
# (and fails, to be updated, once verify detects it).
db=$(copy truncated)
h9=$(fl -d "$db" show 9 --format json | sed 's/.*"hash": "\([0-9a-f]*\)".*/\1/')
sqlite3 "$db" "$NOTRIG DELETE FROM entries WHERE seq = 10;"
expect 0 "known limit: verify does not yet detect truncation of the newest entries (until signed checkpoints)" \
	fl -d "$db" verify
same "$(cat "$OUT")" "OK 9 entries, head $h9" \
	"known limit: a truncated ledger verifies as 9 entries with entry 9 as head"

expect 0 "the original ledger still verifies" fl verify
same "$(cat "$OUT")" "$GOOD" "the original ledger is untouched"
