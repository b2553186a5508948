#!/bin/sh
# test_backup.sh: `fundledger backup DEST` and the checks of the database file itself.
#
# A backup is taken with SQLite's online backup API from one read transaction, checked, and
# only then renamed to DEST: it verifies like the ledger and holds the same rows; it includes
# what a writer committed that is still only in the write-ahead log (a writer killed with
# SIGKILL, where a file copy of the database finds nothing); it is one consistent snapshot
# while a writer goes on; it never replaces a file without --force, nor lands where it cannot
# be written; a copy that fails part-way, or whose directory cannot be synced, says so naming
# DEST. verify runs SQLite's quick_check and foreign_key_check: a damaged index page or a
# dangling row fails it (exit 1), and a damaged file is not backed up; verify --full runs
# integrity_check instead, which also finds an index whose entries disagree with its table.
. "$(dirname "$0")/lib.sh"
need_writer
asan_small_quarantine
db=$FUNDLEDGER_LEDGER

# Every row of every table of a ledger file, as text, hashed: equal when the contents are.
dump() {
	sqlite3 "$1" "SELECT seq, hex(hash), hex(canon) FROM entries ORDER BY seq;
		SELECT key, value FROM meta ORDER BY key;
		SELECT size, note, signer FROM checkpoints ORDER BY size;
		SELECT size, signer, line FROM cosignatures ORDER BY size, signer;
		SELECT level, idx, hex(hashes) FROM tiles ORDER BY level, idx;
		PRAGMA user_version; PRAGMA application_id;" | md5sum | cut -d' ' -f1
}
# The idempotency keys of the entries, in seq order: "SEQ KEY" lines.
keys() { sqlite3 "$1" "SELECT seq || ' ' || idem FROM entries ORDER BY seq"; }
# What the writer acknowledged, in the same form.
acks() { sed -n 's/^ack //p' "$@" | sort -n; }
# Whether the temporary file of a backup was left in directory $1.
no_temp() {
	if ls -A "$1" | grep -q '\.tmp-'; then
		not_ok "$2 ($(ls -A "$1" | grep '\.tmp-' | tr '\n' ' '))"
	else
		ok "$2"
	fi
}

# One import (one key unlock, which costs seconds under the sanitizers): a rate, a pledge, and
# a contribution that names it, with its match.
cat >"$T/start.csv" <<EOF
kind,ref,date,fund,donor,currency,amount,years,due,earmark,donor_ref,announcement,bank_ref,pledge,rate
rate,R1,2026-01-01,,,EUR,,,,,,,,,0.9
pledge,P1,2026-01-10,VFTC,NOR,EUR,1000,2026,,,,,,,
contribution,C1,2026-02-01,VFTC,NOR,EUR,400,,,,,,B1,P1,
EOF
fl init >/dev/null
fl import "$T/start.csv" >/dev/null
fl verify >"$T/ledger.verify"
same "$(count)" 4 "a ledger of four entries"

# ---- a backup of a quiet ledger ----
expect 0 "backup to a new file" fl backup "$T/b1.db"
head=$(sed -n 's/^OK 4 entries, head //p' "$T/ledger.verify")
root=$(sed -n 's/^root \([^,]*\),.*/\1/p' "$T/ledger.verify")
contains "$OUT" "^backed up 4 entries to $T/b1.db, head $head\$" \
	"backup says how many entries and the head hash that verify gives"
same "$(sed -n 's/^root //p' "$OUT")" "$root" "and the Merkle root that verify gives"
expect 0 "the backup verifies" fl -d "$T/b1.db" verify
same "$(cat "$OUT")" "$(cat "$T/ledger.verify")" \
	"with the ledger's entries, head, root and checkpoints"
same "$(dump "$T/b1.db")" "$(dump "$db")" "every row of every table is the ledger's"
same "$(od -An -tu1 -j18 -N2 "$T/b1.db" | tr -s ' ')" " 1 1" \
	"the backup is one self-contained file (rollback journal, not WAL)"
same "$(ls "$T" | grep -c '^b1\.db')" 1 "nothing beside it (no -wal, -shm or -journal)"
no_temp "$T" "no temporary file is left behind"
same "$(stat -c %a "$T/b1.db")" "$(stat -c %a "$db")" "it has the ledger file's permissions"
same "$(count)" 4 "the ledger is unchanged"
# A restore is a file copy of the backup (it has no log beside it): a working ledger.
cp "$T/b1.db" "$T/restored.db"
expect 0 "a restored backup takes new entries" \
	fl -d "$T/restored.db" pledge --donor JPN --fund VFTC --currency EUR --amount 50 \
	--years 2026 --date 2026-02-02
expect 0 "and verifies with them" fl -d "$T/restored.db" verify
contains "$OUT" "^OK 5 entries" "five entries in the restored ledger"

# ---- an existing DEST ----
before=$(md5sum <"$T/b1.db")
expect 2 "backup refuses to replace an existing file" fl backup "$T/b1.db"
contains "$ERR" "^fundledger: $T/b1.db already exists; give --force to replace it\$" \
	"and says to give --force"
same "$(md5sum <"$T/b1.db")" "$before" "the existing file is untouched"
no_temp "$T" "no temporary file is left behind by a refusal"
fl pledge --donor JPN --fund VFTC --currency EUR --amount 70 --years 2026 --date 2026-02-03 \
	>/dev/null
expect 0 "backup --force replaces it" fl backup --force "$T/b1.db"
contains "$OUT" "^backed up 5 entries" "with the ledger as it is now"
expect 0 "the replaced backup verifies" fl -d "$T/b1.db" verify
contains "$OUT" "^OK 5 entries" "five entries"
same "$(dump "$T/b1.db")" "$(dump "$db")" "the same rows as the ledger"
mkdir "$T/adir"
expect 2 "a directory is not a backup file" fl backup --force "$T/adir"
contains "$ERR" "is a directory" "the refusal says so"
: >"$T/b2.db-wal"
expect 2 "backup refuses a DEST with a write-ahead log beside it" fl backup "$T/b2.db"
contains "$ERR" "b2.db-wal exists .*SQLite would apply it to the backup" \
	"and says why: SQLite would apply that log to the copy"
same "$(ls "$T" | grep -c '^b2\.db$')" 0 "no b2.db was written"
expect 2 "backup takes exactly one DEST" fl backup
expect 2 "backup rejects an unknown option" fl backup --fast "$T/b3.db"

# ---- a DEST that cannot be written ----
expect 3 "backup into a missing directory fails" fl backup "$T/missing/b.db"
contains "$ERR" "$T/missing: cannot write the backup there: No such file or directory" \
	"naming the directory and the reason"
# A copy that fails part-way: files may not grow past 48 KiB, room for the ledger's -shm
# (32 KiB, which a reader writes to) but not for a copy (18 pages of 4 KiB at the least).
expect 3 "a backup that cannot be written whole exits 3" fsize 49152 fl backup "$T/big.db"
contains "$ERR" "^fundledger: backup to $T/big.db: writing the copy: .*\(File too large\)\$" \
	"the message names DEST, what failed and why"
if grep -q '\.tmp-' "$ERR"; then not_ok "it does not name the temporary file ($(cat "$ERR"))"
else ok "it does not name the temporary file"; fi
same "$(ls "$T" | grep -c '^big\.db')" 0 "no backup was put in place"
no_temp "$T" "no temporary file is left behind by a failed copy"
# Tests run as root, whom permissions do not stop: the same as an ordinary user. The ledger
# read is the backup (no log beside it), in a directory that user may read.
mkdir "$T/pub" "$T/pub/ro"
cp "$T/b1.db" "$T/pub/ledger.db"
chmod 755 "$T" "$T/pub"
chmod 555 "$T/pub/ro"
chmod 644 "$T"/*.yaml "$T/pub/ledger.db"
expect 3 "backup into a directory the user may not write fails" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$FUNDLEDGER" -d "$T/pub/ledger.db" backup "$T/pub/ro/b.db"
contains "$ERR" "$T/pub/ro: cannot write the backup there: Permission denied" \
	"with the reason"
same "$(ls -A "$T/pub/ro" | wc -l)" 0 "nothing was written there"
expect 0 "the same user can back up into a directory it may write" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$FUNDLEDGER" -d "$T/pub/ledger.db" backup /tmp/fl-backup-test-$$.db
rm -f /tmp/fl-backup-test-$$.db
# A directory the user may write to but not read: the copy is written and put in place, but
# the directory cannot be opened to sync the new name to disk. The file is there and whole;
# the message must say so, and that it may not survive a power loss.
mkdir "$T/pub/wx"
chown nobody "$T/pub/wx"
chmod 300 "$T/pub/wx"
expect 3 "backup exits 3 when its directory cannot be synced" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$FUNDLEDGER" -d "$T/pub/ledger.db" backup "$T/pub/wx/b.db"
contains "$ERR" "^fundledger: backup to $T/pub/wx/b.db: the backup was written, but syncing its directory failed, so it may not survive a power loss: $T/pub/wx: .*Permission denied\$" \
	"saying the backup was written, but its directory was not synced"
expect 0 "the backup written there verifies" fl -d "$T/pub/wx/b.db" verify
same "$(dump "$T/pub/wx/b.db")" "$(dump "$T/pub/ledger.db")" "with every row of the ledger"
no_temp "$T/pub/wx" "no temporary file is left beside it"
chmod 700 "$T"

# ---- committed writes still only in the write-ahead log ----
w=$T/w.db
fl -d "$w" init >/dev/null
"$WRITER" -c "$FUNDLEDGER_CONFIG" -d "$w" -k "$FUNDLEDGER_KEY" -p wal -n 100 -K 20 \
	>"$T/w.out" 2>"$T/w.err"
rc=$?
same "$rc" 137 "the writer is killed with SIGKILL after its 20th commit"
same "$(acks "$T/w.out" | wc -l)" 20 "having acknowledged 20 writes"
if [ -s "$w-wal" ]; then ok "its commits are in the write-ahead log"; else
	not_ok "its commits are in the write-ahead log (no $w-wal)"; fi
cp "$w" "$T/filecopy.db"
same "$(sqlite3 "$T/filecopy.db" 'SELECT count(*) FROM entries')" 0 \
	"a file copy of the database alone has none of them"
expect 0 "backup of the ledger the writer left" fl -d "$w" backup "$T/wb.db"
contains "$OUT" "^backed up 20 entries" "the backup has all 20"
expect 0 "it verifies" fl -d "$T/wb.db" verify
contains "$OUT" "^OK 20 entries" "20 entries, chained, in the tree and signed"
same "$(keys "$T/wb.db")" "$(acks "$T/w.out")" "every acknowledged write is in it, in order"
expect 0 "the ledger itself verifies" fl -d "$w" verify
same "$(dump "$T/wb.db")" "$(dump "$w")" "the backup holds the ledger's rows"

# ---- a backup while a writer goes on ----
c=$T/c.db
fl -d "$c" init >/dev/null
: >"$T/c.out"
# The writer is killed once the backup has ended: its count only has to outlast the backup,
# which under valgrind can take longer than thousands of native commits.
"$WRITER" -c "$FUNDLEDGER_CONFIG" -d "$c" -k "$FUNDLEDGER_KEY" -p live -n 1000000 \
	>"$T/c.out" 2>"$T/c.err" &
wpid=$!
i=0
while [ "$(grep -c '^ack' "$T/c.out")" -lt 50 ] && [ $i -lt 3000 ]; do
	sleep 0.01
	i=$((i + 1))
done
expect 0 "backup while the writer is writing" fl -d "$c" backup "$T/cb.db"
if kill -0 "$wpid" 2>/dev/null; then ok "the writer was still writing when the backup ended"
else not_ok "the writer was still writing when the backup ended (it had finished)"; fi
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
n=$(sed -n 's/^backed up \([0-9]*\) entries.*/\1/p' "$OUT")
if [ "${n:-0}" -ge 50 ]; then ok "the backup has the $n entries committed when it began"
else not_ok "the backup has at least the 50 entries acknowledged before it (got '$n')"; fi
expect 0 "the backup taken during writes verifies" fl -d "$T/cb.db" verify
contains "$OUT" "^OK $n entries" "as one consistent state of $n entries"
same "$(keys "$T/cb.db")" "$(keys "$c" | head -n "${n:-0}")" \
	"its entries are the ledger's first $n"
same "$(sqlite3 "$T/cb.db" 'SELECT hex(hash) FROM entries ORDER BY seq' | md5sum)" \
	"$(sqlite3 "$c" "SELECT hex(hash) FROM entries WHERE seq <= ${n:-0} ORDER BY seq" | md5sum)" \
	"with the same hashes"
expect 0 "the ledger verifies after the writer stopped" fl -d "$c" verify
acked=$(acks "$T/c.out" | wc -l)
if [ "$(keys "$c" | head -n "$acked")" = "$(acks "$T/c.out")" ]; then
	ok "every write the writer acknowledged is in the ledger"
else
	not_ok "every write the writer acknowledged is in the ledger"
fi

# ---- the database file's own checks ----
# A damaged index page: its header overwritten (the file is the backup: no log to replay).
cp "$T/b1.db" "$T/x.db"
set -- $(sqlite3 "$T/x.db" "SELECT pageno, (SELECT page_size FROM pragma_page_size) FROM dbstat
	WHERE name = 'sqlite_autoindex_entries_1'" | tr '|' ' ')
if [ $# -eq 2 ] && [ "$1" -gt 1 ]; then ok "the idempotency key index is on page $1"; else
	not_ok "the idempotency key index has a page (got '$*')"; fi
printf '\377\377\377\377\377\377\377\377' |
	dd of="$T/x.db" bs=1 seek=$((($1 - 1) * $2)) conv=notrunc 2>/dev/null
expect 1 "verify fails on a damaged index page" fl -d "$T/x.db" verify
contains "$ERR" "^fundledger: the database file is damaged: SQLite's quick_check reports: .*[Pp]age $1[^0-9]" \
	"naming SQLite's quick_check and the page"
expect 1 "verify --full fails on it too" fl -d "$T/x.db" verify --full
contains "$ERR" "^fundledger: the database file is damaged: SQLite's integrity_check reports: " \
	"naming SQLite's integrity_check"
expect 1 "backup refuses to copy a damaged file" fl -d "$T/x.db" backup "$T/xb.db"
contains "$ERR" "quick_check" "for the same reason"
same "$(ls "$T" | grep -c '^xb\.db')" 0 "no backup was put in place"
no_temp "$T" "and no temporary file is left behind"
# A row naming a missing parent: a cosignature of a checkpoint that does not exist.
cp "$T/b1.db" "$T/y.db"
sqlite3 "$T/y.db" "INSERT INTO cosignatures(size, signer, line) VALUES (999, 'x', 'y')"
expect 1 "verify fails on a cosignature of no checkpoint" fl -d "$T/y.db" verify
contains "$ERR" "foreign_key_check reports row [0-9]+ of cosignatures naming a missing row of checkpoints" \
	"naming SQLite's foreign_key_check and the tables"
expect 0 "the undamaged backup still verifies" fl -d "$T/b1.db" verify
cp "$OUT" "$T/b1.verify"
expect 0 "verify --full passes on it" fl -d "$T/b1.db" verify --full
same "$(cat "$OUT")" "$(cat "$T/b1.verify")" "and says what plain verify says"
expect 2 "verify --full refuses a bundle (it has no database file)" \
	fl verify --full --bundle "$T"
# An index whose content disagrees with its table, every page sound: the idempotency key
# index says "Q1" where the table's row says "P1" (still in key order: C1 < Q1 < R1). Only
# integrity_check compares an index with its table; quick_check, and so plain verify, does not.
cp "$T/b1.db" "$T/i.db"
set -- $(sqlite3 "$T/i.db" "SELECT pageno, (SELECT page_size FROM pragma_page_size) FROM dbstat
	WHERE name = 'sqlite_autoindex_entries_1'" | tr '|' ' ')
at=$(grep -obUa 'P1' "$T/i.db" | cut -d: -f1 |
	awk -v lo=$((($1 - 1) * $2)) -v hi=$(($1 * $2)) '$1 >= lo && $1 < hi')
if [ "$(echo "$at" | wc -w)" -eq 1 ]; then ok "the key P1 is once in the index's page $1"; else
	not_ok "the key P1 is once in the index's page $1 (at '$at')"; fi
printf 'Q' | dd of="$T/i.db" bs=1 seek="${at:-0}" conv=notrunc 2>/dev/null
expect 2 "the damage is real: the pledge's key no longer finds it" fl -d "$T/i.db" show P1
expect 0 "plain verify (quick_check) does not see it" fl -d "$T/i.db" verify
expect 1 "verify --full does" fl -d "$T/i.db" verify --full
contains "$ERR" "^fundledger: the database file is damaged: SQLite's integrity_check reports: .*sqlite_autoindex_entries_1" \
	"naming SQLite's integrity_check and the index"
