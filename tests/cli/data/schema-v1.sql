-- tests/cli/data/schema-v1.sql: the store schema of fundledger 0.1.0 before format v2
-- (PRAGMA user_version = 1), copied from that version's ledger/store.c. test_upgrade.sh builds
-- a schema 1 ledger file with it, to test the upgrade of files written by that version.
PRAGMA application_id = 1179403588;
PRAGMA user_version = 1;
CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
CREATE TABLE entries( seq INTEGER PRIMARY KEY CHECK (seq >= 1), hash BLOB NOT NULL CHECK (length(hash) = 32), canon BLOB NOT NULL, kind INTEGER NOT NULL, idem TEXT NOT NULL UNIQUE, fund TEXT, donor TEXT, currency TEXT, amount INTEGER, date TEXT, ref INTEGER REFERENCES entries(seq)) STRICT;
CREATE INDEX entries_rate ON entries(currency, date) WHERE kind = 3;
CREATE INDEX entries_ref ON entries(ref) WHERE ref IS NOT NULL;
CREATE TABLE tiles(level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL, PRIMARY KEY (level, idx)) STRICT, WITHOUT ROWID;
CREATE TABLE checkpoints(size INTEGER PRIMARY KEY CHECK (size >= 1), note TEXT NOT NULL, signer TEXT NOT NULL) STRICT;
CREATE TABLE cosignatures(size INTEGER NOT NULL REFERENCES checkpoints(size), signer TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (size, signer)) STRICT;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'fundledger: checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'fundledger: checkpoints are append-only'); END;
CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures BEGIN SELECT RAISE(ABORT, 'fundledger: cosignatures are append-only'); END;
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures BEGIN SELECT RAISE(ABORT, 'fundledger: cosignatures are append-only'); END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'fundledger: entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'fundledger: entries are append-only'); END;
CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'fundledger: meta is append-only'); END;
CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta BEGIN SELECT RAISE(ABORT, 'fundledger: meta is append-only'); END;
