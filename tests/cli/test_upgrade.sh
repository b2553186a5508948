#!/bin/sh
# test_upgrade.sh: a ledger written by fundledger 0.1.0 (store schema 1, entry format v1) is
# refused read-only with a clear message, upgraded in place by `fundledger upgrade` (or any
# write), and keeps every entry, hash, checkpoint and Merkle root; format v2 entries can then
# be added and the whole verifies.
. "$(dirname "$0")/lib.sh"

# A ledger with v1 entries only, written by this version...
fl init >/dev/null
fl rate --currency EUR --rate 0.9 --date 2026-01-01 >/dev/null
fl pledge --donor NOR --fund VFTC --currency EUR --amount 1000 --years 2026 --date 2026-01-10 \
	>/dev/null
fl contribute --donor NOR --fund VFTC --currency EUR --amount 400 --date 2026-02-01 \
	--bank-ref B1 >/dev/null
fl verify >"$T/before"
same "$(count)" 3 "three v1 entries"

# ...copied, row for row, into a file with the schema of 0.1.0.
v1="$T/v1.db"
sqlite3 "$v1" <"$ROOT/tests/cli/data/schema-v1.sql"
sqlite3 "$v1" "ATTACH '$FUNDLEDGER_LEDGER' AS cur;
	INSERT INTO meta SELECT * FROM cur.meta;
	INSERT INTO entries SELECT seq, hash, canon, kind, idem, fund, donor, currency, amount, date,
		ref FROM cur.entries;
	INSERT INTO tiles SELECT * FROM cur.tiles;
	INSERT INTO checkpoints SELECT * FROM cur.checkpoints;"
same "$(sqlite3 "$v1" 'PRAGMA user_version')" 1 "the copy has store schema 1"
orig="$FUNDLEDGER_LEDGER"
export FUNDLEDGER_LEDGER="$v1"

expect 2 "verify refuses a schema 1 ledger read-only" fl verify
contains "$ERR" "store schema 1.*fundledger upgrade" "the refusal says to run 'fundledger upgrade'"
expect 2 "reconcile refuses it too" fl reconcile
same "$(sqlite3 "$v1" 'PRAGMA user_version')" 1 "read-only commands changed nothing"

expect 0 "upgrade" fl upgrade
contains "$OUT" "store schema is current; entries unchanged" "upgrade says what it did"
same "$(sqlite3 "$v1" 'PRAGMA user_version')" 3 "the file now has store schema 3"
same "$(sqlite3 "$v1" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND
	name IN ('entries_contrib', 'entries_pledge')")" 2 "with the indexes of schema 3"
same "$(sqlite3 "$v1" "SELECT count(*) FROM pragma_table_info('entries') WHERE name IN
	('ref2', 'amount2', 'usd')")" 3 "the three new columns are there"
same "$(sqlite3 "$v1" "SELECT count(*) FROM entries WHERE ref2 IS NOT NULL OR amount2 IS NOT NULL
	OR usd IS NOT NULL")" 0 "and NULL for every v1 entry"
expect 0 "the upgraded ledger verifies" fl verify
same "$(cat "$OUT")" "$(cat "$T/before")" "same entries, head, root and checkpoints as before"
expect 0 "upgrade again is harmless" fl upgrade
same "$(sqlite3 "$v1" 'SELECT hex(hash) FROM entries ORDER BY seq' | md5sum)" \
	"$(sqlite3 "$orig" 'SELECT hex(hash) FROM entries ORDER BY seq' | md5sum)" \
	"stored hashes and bytes unchanged"
same "$(sqlite3 "$v1" 'SELECT hex(canon) FROM entries ORDER BY seq' | md5sum)" \
	"$(sqlite3 "$orig" 'SELECT hex(canon) FROM entries ORDER BY seq' | md5sum)" \
	"canonical bytes unchanged"

# Format v2 entries on top: a match, then a statement.
expect 0 "match the contribution to the pledge" fl match 3 2
contains "$OUT" "^recorded entry 4 \(match\)" "the match is entry 4"
same "$(sqlite3 "$v1" 'SELECT ref, ref2, amount, amount2 FROM entries WHERE seq = 4')" "2|3|40000|40000" \
	"its query columns: pledge, contribution, amount, settled"
same "$(fl show 4 --format hex | cut -c1-10)" "464c450206" "a v2 entry: version byte 2, kind 6"
same "$(fl show 3 --format hex | cut -c1-10)" "464c450102" "a v1 entry keeps version byte 1"
expect 0 "verify the mixed ledger" fl verify
contains "$OUT" "^OK 4 entries" "four entries verify"

# A schema 2 file (no entries_contrib and entries_pledge indexes) is refused read-only and upgraded
# by a writer, the same way.
sqlite3 "$v1" "DROP INDEX entries_contrib; DROP INDEX entries_pledge; PRAGMA user_version = 2"
expect 2 "verify refuses a schema 2 ledger read-only" fl verify
contains "$ERR" "store schema 2.*fundledger upgrade" "the refusal says to run 'fundledger upgrade'"
expect 0 "upgrade a schema 2 ledger" fl upgrade
same "$(sqlite3 "$v1" 'PRAGMA user_version')" 3 "the file has store schema 3 again"
same "$(sqlite3 "$v1" "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND
	name IN ('entries_contrib', 'entries_pledge')")" 2 "and its indexes"
expect 0 "verify after the second upgrade" fl verify
contains "$OUT" "^OK 4 entries" "still four entries"
