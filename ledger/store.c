/*
 * store.c: the SQLite adapter. The only file that includes sqlite3.h.
 *
 * Schema v3 (PRAGMA user_version = 3, application_id 'FLED'):
 *   meta(key, value)        origin, format, created_at; append-only like entries
 *   entries(seq, hash, canon, kind, idem, fund, donor, currency, amount, date, ref,
 *           ref2, amount2, usd)
 * seq is the rowid, dense from 1. hash = SHA-256(canon). The other columns are derived from
 * canon for queries (docs/FORMAT.md, "Store", has the table). Triggers refuse UPDATE and
 * DELETE on both tables. Schema v1 lacked ref2, amount2 and usd; schema v2 lacked the indexes
 * entries_contrib and entries_pledge. An older file is upgraded in place when opened for
 * writing (schema 1's new columns are NULL for every v1 kind, and schema 3 adds indexes, so
 * nothing is rewritten), and refused read-only with a message saying so.
 *
 * Connections run with WAL, synchronous=FULL, foreign_keys=ON and the hardening of configure()
 * (defensive mode, an untrusted schema, no extensions, views or double-quoted strings, tight
 * limits, checked cells, no memory mapping), each with its reason there. An authorizer on every
 * connection refuses what the store never does: schema changes (CREATE, DROP, ALTER, ATTACH,
 * DETACH, pragma writes, ...) outside schema creation and migrations, which lift it for their
 * duration, and UPDATE or DELETE of the append-only tables (a second line behind the
 * triggers). A writer waits up to BUSY_TIMEOUT_MS for another, polling every millisecond,
 * and leaves the (emptied) -wal and -shm files in place when it closes, so that readers who
 * may not create files beside the ledger can still open it. Every statement is prepared once,
 * on open. Every SQLite failure is translated into an FL_E* code with sqlite3_errmsg (and the
 * system's reason for an I/O failure), never ignored.
 *
 * Backups (fl_store_backup) use SQLite's online backup API from the connection's read
 * transaction, never a copy of the file, which would miss what is still in the -wal file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"

#define APPLICATION_ID 0x464c4544 /* "FLED" */
#define SCHEMA_VERSION 3
#define BUSY_TIMEOUT_MS 5000
/* Limits: far above anything the store writes or runs, far below SQLite's defaults (1e9
 * bytes, 1000 levels), so that a hostile file or a runaway statement fails early. */
#define LIMIT_LENGTH 1000000	/* bytes in a value or row: entries are a few KiB */
#define LIMIT_SQL_LENGTH 100000 /* bytes of SQL text: the schema is under 5 KiB */
#define LIMIT_EXPR_DEPTH 100	/* the deepest query nests about 10 */
#define LIMIT_COLUMN 100	/* entries has 14 columns */
#define LIMIT_VARIABLES 32	/* the insert binds 14 */

static const char SCHEMA[] =
	"PRAGMA application_id = 1179403588;" /* 0x464c4544 */
	"PRAGMA user_version = 3;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;"
	"CREATE TABLE entries("
	" seq INTEGER PRIMARY KEY CHECK (seq >= 1),"
	" hash BLOB NOT NULL CHECK (length(hash) = 32),"
	" canon BLOB NOT NULL,"
	" kind INTEGER NOT NULL,"
	" idem TEXT NOT NULL UNIQUE,"
	" fund TEXT, donor TEXT, currency TEXT, amount INTEGER, date TEXT,"
	" ref INTEGER REFERENCES entries(seq),"
	" ref2 INTEGER REFERENCES entries(seq), amount2 INTEGER, usd INTEGER"
	") STRICT;"
	"CREATE INDEX entries_rate ON entries(currency, date) WHERE kind = 3;"
	"CREATE INDEX entries_ref ON entries(ref) WHERE ref IS NOT NULL;"
	"CREATE INDEX entries_ref2 ON entries(ref2, kind, ref, amount) WHERE ref2 IS NOT NULL;"
	"CREATE INDEX entries_stmt ON entries(date) WHERE kind = 7;"
	"CREATE INDEX entries_match ON entries(ref, ref2, amount2, usd, kind) WHERE kind = 6;"
	"CREATE INDEX entries_rev ON entries(ref, kind) WHERE kind = 4;"
	"CREATE INDEX entries_wo ON entries(ref, date, amount, kind) WHERE kind = 5;"
	/* Contributions in seq order with every column the reconciliation and the report read
	 * but the bytes, and pledges with their bytes: their scans read these instead of the
	 * whole table (a tenth of its pages on the benchmark's ledger). */
	"CREATE INDEX entries_contrib ON entries(seq, date, fund, donor, currency, amount, ref, usd,"
	" kind) WHERE kind = 2;"
	"CREATE INDEX entries_pledge ON entries(seq, date, fund, donor, amount, canon, kind)"
	" WHERE kind = 1;"
	"CREATE TABLE tiles(level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL,"
	" PRIMARY KEY (level, idx)) STRICT, WITHOUT ROWID;"
	"CREATE TABLE checkpoints(size INTEGER PRIMARY KEY CHECK (size >= 1),"
	" note TEXT NOT NULL, signer TEXT NOT NULL) STRICT;"
	"CREATE TABLE cosignatures(size INTEGER NOT NULL REFERENCES checkpoints(size),"
	" signer TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (size, signer)) STRICT;"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: checkpoints are append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: checkpoints are append-only'); END;"
	"CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: cosignatures are append-only'); END;"
	"CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: cosignatures are append-only'); END;"
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: entries are append-only'); END;"
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: entries are append-only'); END;"
	"CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: meta is append-only'); END;"
	"CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
	" BEGIN SELECT RAISE(ABORT, 'fundledger: meta is append-only'); END;";

/* From schema v1: only columns are added, all NULL for the kinds v1 knew. */
static const char MIGRATE_1_2[] =
	"ALTER TABLE entries ADD COLUMN ref2 INTEGER REFERENCES entries(seq);"
	"ALTER TABLE entries ADD COLUMN amount2 INTEGER;"
	"ALTER TABLE entries ADD COLUMN usd INTEGER;"
	"CREATE INDEX entries_ref2 ON entries(ref2, kind, ref, amount) WHERE ref2 IS NOT NULL;"
	"CREATE INDEX entries_stmt ON entries(date) WHERE kind = 7;"
	"CREATE INDEX entries_match ON entries(ref, ref2, amount2, usd, kind) WHERE kind = 6;"
	"CREATE INDEX entries_rev ON entries(ref, kind) WHERE kind = 4;"
	"CREATE INDEX entries_wo ON entries(ref, date, amount, kind) WHERE kind = 5;"
	"PRAGMA user_version = 2;";
/* From schema v2: two covering indexes. */
static const char MIGRATE_2_3[] =
	"CREATE INDEX entries_contrib ON entries(seq, date, fund, donor, currency, amount, ref, usd,"
	" kind) WHERE kind = 2;"
	"CREATE INDEX entries_pledge ON entries(seq, date, fund, donor, amount, canon, kind)"
	" WHERE kind = 1;"
	"PRAGMA user_version = 3;";

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_HEAD,
	ST_INSERT,
	ST_GET,
	ST_FIND_IDEM,
	ST_REVERSED_BY,
	ST_REF_SUM,
	ST_LIVE_DEPENDENT,
	ST_RATES,
	ST_META,
	ST_REF_INFO,
	ST_TILE_GET,
	ST_TILE_PUT,
	ST_CP_PUT,
	ST_CP_GET,
	ST_CP_LATEST,
	ST_COSIG_PUT,
	ST_COSIGS,
	ST_APPLIED_SUM,
	ST_SETTLED_SUM,
	ST_BANKMATCH_LINE,
	ST_BANKMATCH_CONTRIB,
	ST_PAIR_MATCHES,
	ST_COUNT
};

/* "x stands": no reversal names it. */
#define LIVE(x) " NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind = 4 AND r.ref = " x ".seq)"
/* The same for an entry given by its seq expression. */
#define LIVE_REF(x) " NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind = 4 AND r.ref = " x ")"

static const char *const SQL[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_HEAD] = "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
	[ST_INSERT] = "INSERT INTO entries(seq, hash, canon, kind, idem, fund, donor, currency,"
		      " amount, date, ref, ref2, amount2, usd) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		      " ON CONFLICT(idem) DO NOTHING",
	[ST_GET] = "SELECT canon, hash FROM entries WHERE seq = ?",
	[ST_FIND_IDEM] = "SELECT seq FROM entries WHERE idem = ?",
	[ST_REVERSED_BY] = "SELECT seq FROM entries WHERE kind = 4 AND ref = ?",
	[ST_REF_SUM] =
		"SELECT amount FROM entries w WHERE w.ref = ?1 AND w.kind = ?2 AND w.currency = ?3"
		" AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.kind = 4 AND r.ref = w.seq)",
	[ST_LIVE_DEPENDENT] =
		"SELECT seq FROM entries w WHERE w.ref = ?1 AND w.kind IN (2, 5) AND" LIVE("w")
		" LIMIT 1",
	/* INDEXED BY: left to itself the planner scans the whole table to return seq order,
	 * which a writer pays on every command; the order does not matter to the caller. */
	[ST_RATES] = "SELECT seq, currency, date FROM entries e INDEXED BY entries_rate"
		     " WHERE e.kind = 3 AND NOT EXISTS"
		     " (SELECT 1 FROM entries r WHERE r.kind = 4 AND r.ref = e.seq)",
	[ST_META] = "SELECT value FROM meta WHERE key = ?",
	[ST_REF_INFO] = "SELECT p.kind, p.donor, p.fund, p.currency, p.amount,"
			" (SELECT r.seq FROM entries r WHERE r.kind = 4 AND r.ref = p.seq),"
			" p.date, p.ref, p.ref2, p.amount2"
			" FROM entries p WHERE p.seq = ?",
	[ST_TILE_GET] = "SELECT hashes FROM tiles WHERE level = ? AND idx = ?",
	[ST_TILE_PUT] = "INSERT OR REPLACE INTO tiles(level, idx, hashes) VALUES (?, ?, ?)",
	[ST_CP_PUT] = "INSERT INTO checkpoints(size, note, signer) VALUES (?, ?, ?)",
	[ST_CP_GET] = "SELECT size, note FROM checkpoints WHERE size = ?",
	[ST_CP_LATEST] = "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
	[ST_COSIG_PUT] = "INSERT INTO cosignatures(size, signer, line) VALUES (?, ?, ?)",
	[ST_COSIGS] = "SELECT line FROM cosignatures WHERE size = ? ORDER BY signer",
	/* A match stands while it, its contribution and its pledge do. */
	[ST_APPLIED_SUM] = "SELECT m.amount FROM entries m WHERE m.ref2 = ?1 AND m.kind = 6 AND"
			   LIVE("m") " AND" LIVE_REF("m.ref"),
	[ST_SETTLED_SUM] = "SELECT m.amount2 FROM entries m WHERE m.ref = ?1 AND m.kind = 6 AND"
			   LIVE("m") " AND" LIVE_REF("m.ref2"),
	/* A bank match stands while it, its contribution and its line's statement do. */
	[ST_BANKMATCH_LINE] = "SELECT seq FROM entries w WHERE w.ref = ?1 AND w.kind = 9 AND"
			      LIVE("w") " AND" LIVE_REF("w.ref2") " LIMIT 1",
	[ST_BANKMATCH_CONTRIB] = "SELECT seq FROM entries w WHERE w.ref2 = ?1 AND w.kind = 9 AND"
				 LIVE("w") " AND" LIVE_REF("(SELECT l.ref FROM entries l"
							   " WHERE l.seq = w.ref)") " LIMIT 1",
	[ST_PAIR_MATCHES] = "SELECT seq FROM entries m WHERE m.ref2 = ?1 AND m.ref = ?2 AND"
			    " m.kind = 6 ORDER BY seq",
};

/*
 * What the authorizer and the busy handler of one connection need. It lives as long as the
 * connection: inside fl_store, or on the stack of a function that closes the connection.
 */
typedef struct {
	int schema_open;            /* schema creation or a migration is running */
	struct timespec busy_since; /* when the current wait for a lock began */
} conn_guard;

struct fl_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	int in_tx;
	conn_guard guard;
};

struct fl_store_iter {
	sqlite3_stmt *stmt;
	fl_store *s;
	int with_ref;
	fl_query query;     /* for fl_store_query iterators */
	const char *layout; /* their columns' types, one letter each (QUERY_LAYOUT) */
};

/*
 * The errno behind the connection's last failed system call, or 0. SQLite records it for the
 * connection only when the failure reaches it directly; a write to the log that fails at
 * commit (EFBIG, ENOSPC) is kept by the log's file handle, and one to the database file by
 * its own.
 */
static int system_errno(sqlite3 *db)
{
	sqlite3_file *f = NULL;
	int e = sqlite3_system_errno(db);
	if (e == 0 &&
	    sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) == SQLITE_OK && f &&
	    f->pMethods && f->pMethods->xFileControl(f, SQLITE_FCNTL_LAST_ERRNO, &e) != SQLITE_OK)
		e = 0;
	if (e == 0 && sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &e) != SQLITE_OK)
		e = 0;
	return e;
}

/*
 * Translates a failure: rc is what the failing call returned. The connection's own record
 * (extended code, message, the system's errno) describes it only when it is of the same kind:
 * an rc made up here (a failed sqlite3_db_config, a backup) may follow an earlier, unrelated
 * error on db, whose words would then be wrong. An extended rc is taken as it is; a primary one
 * is refined from the connection when the connection's code has that primary part.
 */
static int db_error(sqlite3 *db, int rc, const char *what)
{
	int code = FL_EIO;
	int primary = rc & 0xff, extended = rc;
	int last = db ? sqlite3_extended_errcode(db) : SQLITE_OK;
	int own = db && (last & 0xff) == primary; /* db's record is of this failure */
	const char *msg = own ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	if (own && extended == primary)
		extended = last;
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		code = FL_EBUSY;
	else if (primary == SQLITE_NOMEM)
		code = FL_ENOMEM;
	else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
		code = FL_ECORRUPT;
	if (code == FL_EBUSY)
		return fl_error_set(code, "%s: the ledger is locked by another writer (waited %d ms)",
				    what, BUSY_TIMEOUT_MS);
	/* Not bad input: the store refused a statement its own code (or a schema object a
	 * tampered file brought) attempted; a runtime failure like any other of the database. */
	if (primary == SQLITE_AUTH)
		return fl_error_set(FL_EIO,
				    "%s: not authorized: the store changes its schema only when it "
				    "creates or upgrades a ledger, and never updates or deletes rows of "
				    "entries, meta, checkpoints or cosignatures",
				    what);
	if (extended == SQLITE_READONLY_DIRECTORY) {
		/* WAL: every connection, readers too, needs LEDGER-wal and LEDGER-shm. */
		const char *path = db ? sqlite3_db_filename(db, "main") : NULL;
		const char *slash = path ? strrchr(path, '/') : NULL;
		return fl_error_set(code,
				    "%s: SQLite cannot create the ledger's -wal and -shm files: the "
				    "directory %.*s is read-only to this user",
				    what, !slash ? 1 : slash == path ? 1 : (int)(slash - path),
				    slash ? path : ".");
	}
	/* For a failed system call, what the system said ("disk I/O error (File too large)",
	 * "unable to open database file (Permission denied)"): SQLite's words alone do not
	 * tell a full disk from a permission or a hardware fault. */
	if (own && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
		    primary == SQLITE_READONLY || primary == SQLITE_PERM)) {
		int e = system_errno(db);
		if (e != 0)
			return fl_error_set(code, "%s: %s (%s)", what, msg, strerror(e));
	}
	return fl_error_set(code, "%s: %s", what, msg);
}

static int exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_error(db, rc, "database");
}

/* Runs schema statements (DDL, pragmas that write) with the authorizer lifted for them alone. */
static int exec_schema(sqlite3 *db, conn_guard *g, const char *sql)
{
	int err;
	g->schema_open = 1;
	err = exec(db, sql);
	g->schema_open = 0;
	return err;
}

/* ---- the authorizer ---- */

/* Tables whose rows, once written, are never changed (their triggers refuse it too). */
static int append_only(const char *table)
{
	static const char *const T[] = {"entries", "meta", "checkpoints", "cosignatures"};
	for (size_t i = 0; table && i < sizeof(T) / sizeof(T[0]); i++)
		if (sqlite3_stricmp(table, T[i]) == 0)
			return 1;
	return 0;
}

/* Pragmas that only read, with or without an argument: the checks verify runs. */
static const char *const PRAGMA_CHECKS[] = {"integrity_check", "quick_check",
					    "foreign_key_check"};
/* Pragmas that read without an argument and would write with one. */
static const char *const PRAGMA_READS[] = {"application_id", "user_version", "journal_mode",
					   "page_size", "page_count"};

static int listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; name && i < n; i++)
		if (sqlite3_stricmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * Called by SQLite as it compiles each statement, for each action in it. The store's own
 * statements read, insert, begin and commit; configure() issues its pragmas before this is
 * installed; schema creation and migrations set schema_open for their duration. Everything
 * else, any action code SQLite may add later included, is refused: a statement slipped in
 * through a bug cannot alter the schema, attach another file, turn a protection off or
 * rewrite recorded rows.
 */
static int authorize(void *ctx, int action, const char *a, const char *b, const char *db_name,
		     const char *trigger)
{
	const conn_guard *g = ctx;
	(void)db_name;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
	case SQLITE_INSERT:
		return SQLITE_OK;
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/* Not even a migration rewrites a recorded row. */
		return append_only(a) ? SQLITE_DENY : SQLITE_OK;
	case SQLITE_PRAGMA:
		if (g->schema_open ||
		    listed(a, PRAGMA_CHECKS, sizeof(PRAGMA_CHECKS) / sizeof(PRAGMA_CHECKS[0])) ||
		    (!b && listed(a, PRAGMA_READS, sizeof(PRAGMA_READS) / sizeof(PRAGMA_READS[0]))))
			return SQLITE_OK;
		return SQLITE_DENY;
	default:
		return g->schema_open ? SQLITE_OK : SQLITE_DENY;
	}
}

/* ---- waiting for another writer ---- */

/*
 * SQLite's own busy timeout sleeps ever longer, up to 100 ms at a time; a writer that commits
 * a batch every few milliseconds then keeps the lock at nearly every retry, and the other
 * waits out its timeout while batches go by. Polling every millisecond lets two writers take
 * turns; the total wait is still bounded by BUSY_TIMEOUT_MS.
 */
static int on_busy(void *ctx, int tries)
{
	conn_guard *g = ctx;
	struct timespec now, pause = {0, 1000000};
	long long waited;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 0;
	if (tries == 0)
		g->busy_since = now;
	waited = (long long)(now.tv_sec - g->busy_since.tv_sec) * 1000 +
		 (now.tv_nsec - g->busy_since.tv_nsec) / 1000000;
	if (waited >= BUSY_TIMEOUT_MS)
		return 0;
	nanosleep(&pause, NULL);
	return 1;
}

/*
 * The settings of every connection, following SQLite's advice for files and SQL that may not
 * be trustworthy ("Defense Against The Dark Arts"): the ledger file could have been edited by
 * anyone with write access to it, and a bug could hand SQLite a statement it should not run.
 * Installs the authorizer last, so that the pragmas here are not subject to it.
 */
static int configure(sqlite3 *db, int readonly, conn_guard *g)
{
	static const struct {
		int op, value;
	} FLAGS[] = {
		/* Ordinary SQL cannot corrupt the file: no writes to the schema table,
		 * sqlite_dbpage or shadow tables, no journal_mode=OFF tricks. */
		{SQLITE_DBCONFIG_DEFENSIVE, 1},
		/* Functions and virtual tables with side effects cannot run from a schema
		 * object (trigger, view, CHECK, index expression) a tampered file brings. */
		{SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
		/* The append-only guarantees are triggers. */
		{SQLITE_DBCONFIG_ENABLE_TRIGGER, 1},
		/* The schema has no views: a view slipped into a file (say, in place of a table)
		 * is an error instead of code that runs. */
		{SQLITE_DBCONFIG_ENABLE_VIEW, 0},
		/* No shared library is ever loaded into the process through SQL or the C API. */
		{SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
		/* "text" in SQL is an identifier only: a misspelt column is an error, not a
		 * string constant that silently matches nothing. */
		{SQLITE_DBCONFIG_DQS_DML, 0},
		{SQLITE_DBCONFIG_DQS_DDL, 0},
		/* The schema table is never writable, whatever a pragma says. */
		{SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0},
		{SQLITE_DBCONFIG_ENABLE_FKEY, 1},
	};
	int err, rc, was, persist = 1;
	for (size_t i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++)
		if ((rc = sqlite3_db_config(db, FLAGS[i].op, FLAGS[i].value, &was)) != SQLITE_OK)
			return db_error(db, rc, "database configuration");
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, LIMIT_LENGTH);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, LIMIT_SQL_LENGTH);
	sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, LIMIT_EXPR_DEPTH);
	sqlite3_limit(db, SQLITE_LIMIT_COLUMN, LIMIT_COLUMN);
	sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT_VARIABLES);
	/* No other database joins a connection (fl_store_snapshot raises this for its copy). */
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_busy_handler(db, on_busy, g);
	/* cell_size_check: a damaged b-tree page is reported as corrupt when it is read, not
	 * followed. mmap_size = 0: reads go through read(2), so a file truncated or rewritten
	 * underneath is an I/O error rather than a SIGBUS, and no page is shared writable
	 * memory (SQLite advises against memory mapping files that may not be trustworthy).
	 * cache_size 1 MiB for readers, whose passes stream pages the operating system's page
	 * cache already holds: a cache that fits the CPU's L2 beats a larger one that has to be
	 * allocated and faulted in page by page (measured against 8 MiB, 100k-entry ledger:
	 * the year's report 0.72x, reconcile 0.73x, verify 0.85x, peak RSS -7 MiB; no slower
	 * on 1M entries). Writers set their own below. */
	if ((err = exec(db, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;"
			    "PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0;"
			    "PRAGMA cache_size = -1024;")) < 0)
		return err;
	/* A writer leaves LEDGER-wal (emptied: journal_size_limit = 0) and LEDGER-shm in place
	 * when it closes. SQLite lets a reader that may not create files in the directory
	 * read a WAL database only when both exist; and a reader that did create them, as
	 * another user, would leave files the owner's next write cannot open. */
	if (!readonly && (rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL,
						    &persist)) != SQLITE_OK)
		return db_error(db, rc, "database configuration");
	/* 16 MiB for writers: measured on a 1M-row import, a larger cache is slower (64 MiB
	 * +5%, 256 MiB +15%); the operating system's page cache serves spilled pages. */
	if (!readonly &&
	    (err = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			    "PRAGMA journal_size_limit = 0; PRAGMA cache_size = -16384;")) < 0)
		return err;
#ifdef FL_TEST_HOOKS
	/* Test builds only (tests/crash, make crash-unsafe): durability weakened on request,
	 * to show that the crash harness catches lost writes. Never in the program. */
	if (!readonly && getenv("FL_TEST_SYNC_OFF") &&
	    (err = exec(db, "PRAGMA synchronous = OFF;")) < 0)
		return err;
#endif
	if ((rc = sqlite3_set_authorizer(db, authorize, g)) != SQLITE_OK)
		return db_error(db, rc, "database configuration");
	return 0;
}

/* Opens a connection; `what` names it in a message. */
static int open_db(sqlite3 **out, const char *path, int flags, const char *what)
{
	sqlite3 *db = NULL;
	/* NOMUTEX: a connection is used by one thread; SQLite's own locks cost ~3% of verify. */
	int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		int err = db_error(db, rc, what);
		sqlite3_close(db);
		return err;
	}
	sqlite3_extended_result_codes(db, 1);
	*out = db;
	return 0;
}

int fl_store_create(const char *path, const char *origin, const char *created_at)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	struct stat st;
	conn_guard g = {0, {0, 0}};
	int err, rc;
	const char *keys[3] = {"format", "origin", "created_at"};
	const char *vals[3] = {"fundledger/1", origin, created_at};

	if (stat(path, &st) == 0)
		return fl_error_set(FL_EEXISTS, "%s: already exists; a ledger is never re-created",
				    path);
	if ((err = open_db(&db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path)) < 0)
		return err;
	if ((err = configure(db, 0, &g)) < 0 || (err = exec(db, "BEGIN IMMEDIATE")) < 0 ||
	    (err = exec_schema(db, &g, SCHEMA)) < 0)
		goto done;
	if ((rc = sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?, ?)", -1, &ins,
				     NULL)) != SQLITE_OK) {
		err = db_error(db, rc, "database");
		goto done;
	}
	for (int i = 0; i < 3; i++) {
		sqlite3_bind_text(ins, 1, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, vals[i], -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(ins)) != SQLITE_DONE) {
			err = db_error(db, rc, "database");
			goto done;
		}
		sqlite3_reset(ins);
	}
	err = exec(db, "COMMIT");
done:
	sqlite3_finalize(ins);
	if (err < 0) {
		sqlite3_close(db);
		remove(path);
		return err;
	}
	if (sqlite3_close(db) != SQLITE_OK)
		return fl_error_set(FL_EIO, "%s: close failed", path);
	return 0;
}

static int check_schema(fl_store *s, const char *path, int64_t *version)
{
	sqlite3_stmt *q = NULL;
	int err = 0, rc;
	int64_t app = 0, ver = 0;
	if ((rc = sqlite3_prepare_v2(s->db,
				     "SELECT (SELECT application_id FROM pragma_application_id),"
				     " (SELECT user_version FROM pragma_user_version)",
				     -1, &q, NULL)) != SQLITE_OK)
		return db_error(s->db, rc, path);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		app = sqlite3_column_int64(q, 0);
		ver = sqlite3_column_int64(q, 1);
	} else {
		/* A statement that must return one row returned none: SQLite's error, if any. */
		err = db_error(s->db, rc == SQLITE_DONE ? SQLITE_ERROR : rc, path);
	}
	sqlite3_finalize(q);
	if (err < 0)
		return err;
	if (app != APPLICATION_ID)
		return fl_error_set(FL_ECORRUPT, "%s: not a fundledger ledger", path);
	if (ver < 1 || ver > SCHEMA_VERSION)
		return fl_error_set(FL_ECORRUPT, "%s: schema version %lld, this program reads 1 to %d",
				    path, (long long)ver, SCHEMA_VERSION);
	*version = ver;
	return 0;
}

/* Brings an older schema to the current one in one transaction. */
static int migrate(fl_store *s, const char *path, int readonly, int64_t version)
{
	int err;
	if (readonly)
		return fl_error_set(FL_EINVALID,
				    "%s: store schema %lld, from an earlier fundledger; run "
				    "'fundledger upgrade' once to add the columns and indexes this "
				    "version queries (entries are not changed)",
				    path, (long long)version);
	if ((err = exec(s->db, "BEGIN IMMEDIATE")) < 0)
		return err;
	/* The authorizer lets the migration's DDL through, and only it. */
	if ((version < 2 && (err = exec_schema(s->db, &s->guard, MIGRATE_1_2)) < 0) ||
	    (err = exec_schema(s->db, &s->guard, MIGRATE_2_3)) < 0)
		fl_error_prefix("%s: upgrading the store from schema %lld: ", path, (long long)version);
	if (err == 0 && (err = exec(s->db, "COMMIT")) < 0)
		fl_error_prefix("%s: upgrading the store from schema %lld: ", path, (long long)version);
	if (err < 0)
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* Prepares the store's statements, once, for the connection's life. */
static int prepare_all(fl_store *s, const char *what)
{
	for (int i = 0; i < ST_COUNT; i++) {
		int rc = sqlite3_prepare_v3(s->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
					    NULL);
		if (rc != SQLITE_OK)
			return db_error(s->db, rc, what);
	}
	return 0;
}

int fl_store_open(fl_store **out, const char *path, int readonly)
{
	fl_store *s;
	struct stat st;
	int64_t version = 0;
	int err;

	if (stat(path, &st) != 0)
		return fl_error_set(FL_EIO,
				    "%s: %s (create it with 'fundledger init')", path, strerror(errno));
	if (!(s = calloc(1, sizeof(*s))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	err = open_db(&s->db, path, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
		      path);
	if (err < 0)
		goto fail;
	if ((err = configure(s->db, readonly, &s->guard)) < 0 ||
	    (err = check_schema(s, path, &version)) < 0 ||
	    (version < SCHEMA_VERSION && (err = migrate(s, path, readonly, version)) < 0))
		goto fail;
	if ((err = prepare_all(s, path)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	fl_store_close(s);
	return err;
}

int fl_store_snapshot(fl_store **out, fl_store *src, uint64_t size)
{
	const char *path = sqlite3_db_filename(src->db, "main");
	fl_store *s;
	sqlite3_stmt *q = NULL;
	static const char *const COPY[] = {
		"INSERT INTO main.meta SELECT * FROM src.meta",
		"INSERT INTO main.entries SELECT * FROM src.entries WHERE seq <= ?1 ORDER BY seq",
		"INSERT INTO main.tiles SELECT * FROM src.tiles",
		"INSERT INTO main.checkpoints SELECT * FROM src.checkpoints WHERE size <= ?1",
		"INSERT INTO main.cosignatures SELECT * FROM src.cosignatures WHERE size <= ?1",
	};
	int err, rc;

	if (!path || !*path)
		return fl_error_set(FL_EINVALID, "snapshot: the ledger has no file");
	if (size > INT64_MAX)
		return fl_error_set(FL_EINVALID, "snapshot: size out of range");
	if (!(s = calloc(1, sizeof(*s))))
		return fl_error_set(FL_ENOMEM, "out of memory");
	/* "": a private temporary database on disk, removed when it is closed. Built with the
	 * authorizer lifted (its schema, the source attached and detached), then read-only. */
	s->guard.schema_open = 1;
	if ((err = open_db(&s->db, "", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			   "snapshot")) < 0 ||
	    (err = configure(s->db, 1, &s->guard)) < 0 ||
	    (err = exec(s->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")) < 0 ||
	    (err = exec(s->db, SCHEMA)) < 0)
		goto fail;
	sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 1);
	if ((rc = sqlite3_prepare_v2(s->db, "ATTACH DATABASE ?1 AS src", -1, &q, NULL)) !=
	    SQLITE_OK) {
		err = db_error(s->db, rc, "snapshot");
		goto fail;
	}
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE) {
		err = db_error(s->db, rc, "snapshot");
		goto fail;
	}
	/* One transaction: the source is read as one consistent state. */
	if ((err = exec(s->db, "BEGIN")) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(COPY) / sizeof(COPY[0]); i++) {
		if ((rc = sqlite3_prepare_v2(s->db, COPY[i], -1, &q, NULL)) != SQLITE_OK) {
			err = db_error(s->db, rc, "snapshot");
			goto fail;
		}
		if (sqlite3_bind_parameter_count(q) > 0)
			sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		q = NULL;
		if (rc != SQLITE_DONE) {
			err = db_error(s->db, rc, "snapshot");
			goto fail;
		}
	}
	if ((err = exec(s->db, "COMMIT")) < 0 || (err = exec(s->db, "DETACH DATABASE src")) < 0)
		goto fail;
	sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 0);
	s->guard.schema_open = 0;
	if ((err = prepare_all(s, "snapshot")) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	sqlite3_finalize(q);
	fl_store_close(s);
	return err;
}

void fl_store_close(fl_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		fl_store_rollback(s);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

/* Runs a statement that returns no rows, then resets it. */
static int run(fl_store *s, int which, const char *what)
{
	sqlite3_stmt *q = s->st[which];
	int rc = sqlite3_step(q);
	int err = rc == SQLITE_DONE ? 0 : db_error(s->db, rc, what);
	sqlite3_reset(q);
	return err;
}

int fl_store_begin(fl_store *s)
{
	int err = run(s, ST_BEGIN, "begin");
	if (err == 0)
		s->in_tx = 1;
	return err;
}

int fl_store_commit(fl_store *s)
{
	int err = run(s, ST_COMMIT, "commit");
	if (err < 0) {
		fl_store_rollback(s);
		return err;
	}
	s->in_tx = 0;
	return 0;
}

void fl_store_rollback(fl_store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0) {
		sqlite3_stmt *q = s->st[ST_ROLLBACK];
		sqlite3_step(q);
		sqlite3_reset(q);
	}
	s->in_tx = 0;
}

int fl_store_read_begin(fl_store *s)
{
	int err;
	if (s->in_tx || sqlite3_get_autocommit(s->db) == 0)
		return fl_error_set(FL_EINVALID, "a read transaction inside another transaction");
	/* DEFERRED takes its snapshot at the first read: read at once, so that it is now. */
	if ((err = exec(s->db, "BEGIN DEFERRED; SELECT count(*) FROM meta;")) < 0)
		fl_store_read_end(s);
	return err;
}

void fl_store_read_end(fl_store *s)
{
	if (!s->in_tx && sqlite3_get_autocommit(s->db) == 0)
		(void)sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int fl_store_in_transaction(fl_store *s)
{
	return s->in_tx || sqlite3_get_autocommit(s->db) == 0;
}

const char *fl_store_filename(fl_store *s)
{
	const char *p = sqlite3_db_filename(s->db, "main");
	return p ? p : "";
}

int fl_store_exec_sql(fl_store *s, const char *sql)
{
	return exec(s->db, sql);
}

/* Whether a check's report is of a page it could not read for an I/O error or lack of memory. */
static int io_failure(const char *report)
{
	const char *at = strstr(report, "error code=");
	long code;
	/* SQLite's words when it could not fetch a page, in a tree, a chain of overflow or
	 * free pages, or the pointer map: the check could not look, it did not find damage. */
	if (strstr(report, "failed to get page") || strstr(report, "Failed to read ptrmap"))
		return 1;
	if (!at)
		return 0;
	code = strtol(at + strlen("error code="), NULL, 10) & 0xff;
	return code == SQLITE_IOERR || code == SQLITE_NOMEM || code == SQLITE_FULL ||
	       code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

/*
 * A check of the file that stopped on a page SQLite found corrupt has found damage, as much
 * as one that reports it: a failed check (FL_EVERIFY), not a runtime error.
 */
static int damage_found(int err)
{
	if (err != FL_ECORRUPT)
		return err;
	return fl_error_set(FL_EVERIFY, "the database file is damaged: %s", fl_error_last());
}

/* The first row of a check pragma: "ok" or a description of the first problem. */
static int check_pragma(fl_store *s, const char *sql, const char *name)
{
	sqlite3_stmt *q = NULL;
	int rc, err = 0;
	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL)) != SQLITE_OK) {
		err = db_error(s->db, rc, name);
		goto done;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(q, 0);
		char line[320];
		size_t n = 0;
		/* SQLite's report spans lines ("*** in database main ***\nPage 5: ..."). */
		for (; r && *r && n + 3 < sizeof(line); r++) {
			if (*r == '\n') {
				line[n++] = ';';
				line[n++] = ' ';
			} else {
				line[n++] = (char)(*r < ' ' ? ' ' : *r);
			}
		}
		line[n] = 0;
		/* A page that could not be read ("unable to get the page. error code=266") is
		 * an I/O failure, not proof of damage. */
		if (io_failure(line))
			err = fl_error_set(FL_EIO, "reading the database: SQLite's %s could not read "
						   "a page: %s",
					   name, line);
		else if (strcmp(line, "ok") != 0)
			err = fl_error_set(FL_EVERIFY, "the database file is damaged: SQLite's %s "
						       "reports: %s",
					   name, line);
	} else if (rc != SQLITE_DONE) {
		err = db_error(s->db, rc, name);
	}
done:
	sqlite3_finalize(q);
	return damage_found(err);
}

int fl_store_check_file(fl_store *s, int full)
{
	return check_pragma(s, full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)",
			    full ? "integrity_check" : "quick_check");
}

int fl_store_check_keys(fl_store *s)
{
	sqlite3_stmt *q = NULL;
	int rc, err = 0;
	/* Every table but entries, whose references verify checks against the entries' bytes
	 * (an earlier entry, of the right kind), which a foreign key check over its million
	 * rows would repeat for a second's work. */
	if ((rc = sqlite3_prepare_v2(s->db,
				     "SELECT f.\"table\", f.rowid, f.parent FROM sqlite_schema t,"
				     " pragma_foreign_key_check(t.name) f"
				     " WHERE t.type = 'table' AND t.name <> 'entries'",
				     -1, &q, NULL)) != SQLITE_OK)
		return db_error(s->db, rc, "foreign_key_check");
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		err = fl_error_set(FL_EVERIFY, "the database file is damaged: SQLite's "
					       "foreign_key_check reports row %lld of %.40s naming a "
					       "missing row of %.40s",
				   (long long)sqlite3_column_int64(q, 1),
				   (const char *)sqlite3_column_text(q, 0),
				   (const char *)sqlite3_column_text(q, 2));
	else if (rc != SQLITE_DONE)
		err = db_error(s->db, rc, "foreign_key_check");
	sqlite3_finalize(q);
	return damage_found(err);
}

int fl_store_backup(fl_store *s, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	conn_guard g = {0, {0, 0}};
	int rc, fin, err;

	if ((err = open_db(&dst, path, SQLITE_OPEN_READWRITE, "writing the copy")) < 0)
		goto done;
	sqlite3_busy_handler(dst, on_busy, &g);
	if ((rc = sqlite3_set_authorizer(dst, authorize, &g)) != SQLITE_OK) {
		err = db_error(dst, rc, "writing the copy");
		goto done;
	}
	/* The copy is written with a rollback journal and fsynced at its commit. */
	err = exec_schema(dst, &g, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;");
	if (err < 0)
		goto done;
	if (!(b = sqlite3_backup_init(dst, "main", s->db, "main"))) {
		err = db_error(dst, sqlite3_extended_errcode(dst), "writing the copy");
		goto done;
	}
	/* All pages in one step: one pass, one read of the source (its open read transaction,
	 * when it has one), committed frames still in its write-ahead log included. The
	 * step's own code says what failed; finish records it on dst. */
	rc = sqlite3_backup_step(b, -1);
	fin = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || fin != SQLITE_OK)
		err = db_error(dst, rc != SQLITE_DONE ? rc : fin, "writing the copy");
	/* The source's header says WAL; a backup is one self-contained file. */
	if (err == 0)
		err = exec_schema(dst, &g, "PRAGMA journal_mode = DELETE;");
done:
	if (dst && sqlite3_close(dst) != SQLITE_OK && err == 0)
		err = fl_error_set(FL_EIO, "closing the copy failed");
	return err;
}

int fl_store_meta(fl_store *s, const char *key, fl_buf *out)
{
	sqlite3_stmt *q = s->st[ST_META];
	int rc, err = 0;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(q, 0);
		fl_buf_reset(out);
		err = fl_buf_put(out, v, (size_t)sqlite3_column_bytes(q, 0));
	} else if (rc == SQLITE_DONE) {
		err = fl_error_set(FL_ENOTFOUND, "ledger meta '%s' is missing", key);
	} else {
		err = db_error(s->db, rc, "meta");
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_head(fl_store *s, uint64_t *count, unsigned char hash[FL_HASH_LEN])
{
	sqlite3_stmt *q = s->st[ST_HEAD];
	int rc = sqlite3_step(q), err = 0;
	if (rc == SQLITE_ROW) {
		*count = (uint64_t)sqlite3_column_int64(q, 0);
		if (sqlite3_column_bytes(q, 1) != FL_HASH_LEN)
			err = fl_error_set(FL_ECORRUPT, "entry %llu: stored hash has a bad length",
					   (unsigned long long)*count);
		else
			memcpy(hash, sqlite3_column_blob(q, 1), FL_HASH_LEN);
	} else if (rc == SQLITE_DONE) {
		*count = 0;
		memset(hash, 0, FL_HASH_LEN);
	} else {
		err = db_error(s->db, rc, "head");
	}
	sqlite3_reset(q);
	return err;
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

int fl_store_insert(fl_store *s, const fl_row *row, uint64_t *existing)
{
	sqlite3_stmt *q = s->st[ST_INSERT];
	int rc, err = 0;

	sqlite3_bind_int64(q, 1, (sqlite3_int64)row->seq);
	sqlite3_bind_blob(q, 2, row->hash, FL_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, row->canon, (int)row->canon_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, row->kind);
	sqlite3_bind_text(q, 5, row->idem, -1, SQLITE_STATIC);
	bind_text_or_null(q, 6, row->fund);
	bind_text_or_null(q, 7, row->donor);
	bind_text_or_null(q, 8, row->currency);
	if (row->amount_null)
		sqlite3_bind_null(q, 9);
	else
		sqlite3_bind_int64(q, 9, row->amount);
	bind_text_or_null(q, 10, row->date);
	if (row->ref)
		sqlite3_bind_int64(q, 11, (sqlite3_int64)row->ref);
	else
		sqlite3_bind_null(q, 11);
	if (row->ref2)
		sqlite3_bind_int64(q, 12, (sqlite3_int64)row->ref2);
	else
		sqlite3_bind_null(q, 12);
	if (row->amount2_null)
		sqlite3_bind_null(q, 13);
	else
		sqlite3_bind_int64(q, 13, row->amount2);
	if (row->usd_null)
		sqlite3_bind_null(q, 14);
	else
		sqlite3_bind_int64(q, 14, row->usd);
	rc = sqlite3_step(q);
	if (rc != SQLITE_DONE)
		err = db_error(s->db, rc, "insert");
	else if (sqlite3_changes(s->db) == 0)
		err = 1; /* idempotency key already there */
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (err == 1) {
		if ((err = fl_store_find_idem(s, row->idem, existing)) < 0)
			return err;
		return FL_EEXISTS;
	}
	return err;
}

int fl_store_get(fl_store *s, uint64_t seq, fl_buf *canon, unsigned char hash[FL_HASH_LEN])
{
	sqlite3_stmt *q = s->st[ST_GET];
	int rc, err = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)seq);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if (canon) {
			fl_buf_reset(canon);
			err = fl_buf_put(canon, sqlite3_column_blob(q, 0),
					 (size_t)sqlite3_column_bytes(q, 0));
		}
		if (hash && err == 0) {
			if (sqlite3_column_bytes(q, 1) != FL_HASH_LEN)
				err = fl_error_set(FL_ECORRUPT, "entry %llu: bad stored hash",
						   (unsigned long long)seq);
			else
				memcpy(hash, sqlite3_column_blob(q, 1), FL_HASH_LEN);
		}
	} else if (rc == SQLITE_DONE) {
		err = fl_error_set(FL_ENOTFOUND, "no entry %llu", (unsigned long long)seq);
	} else {
		err = db_error(s->db, rc, "read");
	}
	sqlite3_reset(q);
	return err;
}

/* Runs a one-column integer query with one integer or text parameter. */
static int query_u64(fl_store *s, int which, const char *text, uint64_t num, uint64_t *out,
		     int *found)
{
	sqlite3_stmt *q = s->st[which];
	int rc, err = 0;
	if (text)
		sqlite3_bind_text(q, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(q, 1, (sqlite3_int64)num);
	rc = sqlite3_step(q);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(q, 0);
	else if (rc != SQLITE_DONE)
		err = db_error(s->db, rc, "query");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_find_idem(fl_store *s, const char *idem, uint64_t *seq)
{
	int found, err = query_u64(s, ST_FIND_IDEM, idem, 0, seq, &found);
	if (err == 0 && !found)
		return FL_ENOTFOUND;
	return err;
}

int fl_store_reversed_by(fl_store *s, uint64_t seq, uint64_t *by)
{
	int found, err = query_u64(s, ST_REVERSED_BY, NULL, seq, by, &found);
	if (err == 0 && !found)
		*by = 0;
	return err;
}

int fl_store_live_dependent(fl_store *s, uint64_t seq, uint64_t *dep)
{
	int found, err = query_u64(s, ST_LIVE_DEPENDENT, NULL, seq, dep, &found);
	if (err == 0 && !found)
		*dep = 0;
	return err;
}

int fl_store_ref_sum(fl_store *s, uint64_t pledge, int kind, const char *currency, int64_t *sum)
{
	sqlite3_stmt *q = s->st[ST_REF_SUM];
	int rc, err = 0;
	*sum = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)pledge);
	sqlite3_bind_int(q, 2, kind);
	sqlite3_bind_text(q, 3, currency, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (__builtin_add_overflow(*sum, sqlite3_column_int64(q, 0), sum)) {
			err = fl_error_set(FL_ERANGE, "amounts against pledge %llu overflow",
					   (unsigned long long)pledge);
			break;
		}
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = db_error(s->db, rc, "query");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_each_rate(fl_store *s,
		       int (*fn)(void *ctx, uint64_t seq, const char *currency, const char *date),
		       void *ctx)
{
	sqlite3_stmt *q = s->st[ST_RATES];
	int rc, err = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(q, 1);
		const char *d = (const char *)sqlite3_column_text(q, 2);
		if (!c || !d) {
			err = fl_error_set(FL_ECORRUPT, "rate entry %lld lacks currency or date",
					   (long long)sqlite3_column_int64(q, 0));
			break;
		}
		if ((err = fn(ctx, (uint64_t)sqlite3_column_int64(q, 0), c, d)) < 0)
			break;
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = db_error(s->db, rc, "query");
	sqlite3_reset(q);
	return err;
}

int fl_store_iter_new(fl_store_iter **out, fl_store *s, const fl_filter *f)
{
	fl_buf sql = FL_BUF_INIT;
	fl_store_iter *it = NULL;
	int err, rc;

	err = fl_buf_puts(&sql, "SELECT seq, hash, canon, kind, idem, fund, donor, currency,"
				" amount, date, ref FROM entries e WHERE 1");
	if (err == 0 && f && f->fund)
		err = fl_buf_puts(&sql, " AND fund = :fund");
	if (err == 0 && f && f->donor)
		err = fl_buf_puts(&sql, " AND donor = :donor");
	if (err == 0 && f && f->kind)
		err = fl_buf_puts(&sql, " AND kind = :kind");
	if (err == 0 && f && f->from)
		err = fl_buf_puts(&sql, " AND date >= :from");
	if (err == 0 && f && f->to)
		err = fl_buf_puts(&sql, " AND date <= :to");
	if (err == 0 && f && f->live)
		err = fl_buf_puts(&sql, " AND kind <> 4 AND NOT EXISTS (SELECT 1 FROM entries r"
					" WHERE r.kind = 4 AND r.ref = e.seq)");
	if (err == 0)
		err = fl_buf_puts(&sql, " ORDER BY seq");
	if (err < 0)
		goto done;
	if (!(it = calloc(1, sizeof(*it)))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto done;
	}
	it->s = s;
	if ((rc = sqlite3_prepare_v2(s->db, fl_buf_cstr(&sql), -1, &it->stmt, NULL)) != SQLITE_OK) {
		err = db_error(s->db, rc, "query");
		goto done;
	}
	if (f) {
		const char *names[] = {":fund", ":donor", ":from", ":to"};
		const char *vals[] = {f->fund, f->donor, f->from, f->to};
		for (int i = 0; i < 4; i++)
			if (vals[i])
				sqlite3_bind_text(it->stmt,
						  sqlite3_bind_parameter_index(it->stmt, names[i]),
						  vals[i], -1, SQLITE_TRANSIENT);
		if (f->kind)
			sqlite3_bind_int(it->stmt, sqlite3_bind_parameter_index(it->stmt, ":kind"),
					 (int)f->kind);
	}
	*out = it;
	it = NULL;
done:
	fl_store_iter_free(it);
	fl_buf_free(&sql);
	return err;
}

int fl_store_iter_verify(fl_store_iter **out, fl_store *s)
{
	fl_store_iter *it = calloc(1, sizeof(*it));
	int rc;
	if (!it)
		return fl_error_set(FL_ENOMEM, "out of memory");
	it->s = s;
	it->with_ref = 1;
	if ((rc = sqlite3_prepare_v2(s->db,
				     "SELECT e.seq, e.hash, e.canon, e.kind, e.idem, e.fund, e.donor,"
				     " e.currency, e.amount, e.date, e.ref, p.kind, p.donor, p.fund,"
				     " p.currency, e.ref2, e.amount2, e.usd"
				     " FROM entries e LEFT JOIN entries p ON p.seq = e.ref"
				     " ORDER BY e.seq",
				     -1, &it->stmt, NULL)) != SQLITE_OK) {
		free(it);
		return db_error(s->db, rc, "query");
	}
	*out = it;
	return 0;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

int fl_store_iter_next(fl_store_iter *it, fl_row *row)
{
	sqlite3_stmt *q = it->stmt;
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_error(it->s->db, rc, "read");
	row->seq = (uint64_t)sqlite3_column_int64(q, 0);
	row->hash = sqlite3_column_blob(q, 1);
	row->hash_len = (size_t)sqlite3_column_bytes(q, 1);
	row->canon = sqlite3_column_blob(q, 2);
	row->canon_len = (size_t)sqlite3_column_bytes(q, 2);
	row->kind = sqlite3_column_int(q, 3);
	row->idem = col_text(q, 4);
	row->fund = col_text(q, 5);
	row->donor = col_text(q, 6);
	row->currency = col_text(q, 7);
	row->amount_null = sqlite3_column_type(q, 8) == SQLITE_NULL;
	row->amount = sqlite3_column_int64(q, 8);
	row->date = col_text(q, 9);
	row->ref = (uint64_t)sqlite3_column_int64(q, 10);
	if (it->with_ref) {
		row->ref_kind = sqlite3_column_int(q, 11);
		row->ref_donor = col_text(q, 12);
		row->ref_fund = col_text(q, 13);
		row->ref_currency = col_text(q, 14);
		row->ref2 = (uint64_t)sqlite3_column_int64(q, 15);
		row->amount2_null = sqlite3_column_type(q, 16) == SQLITE_NULL;
		row->amount2 = sqlite3_column_int64(q, 16);
		row->usd_null = sqlite3_column_type(q, 17) == SQLITE_NULL;
		row->usd = sqlite3_column_int64(q, 17);
	}
	return 1;
}

void fl_store_iter_free(fl_store_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->stmt);
	free(it);
}

int fl_store_ref_info(fl_store *s, uint64_t seq, fl_ref_info *out)
{
	sqlite3_stmt *q = s->st[ST_REF_INFO];
	int rc, err = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)seq);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *cols[3];
		char *dst[3] = {out->donor, out->fund, out->currency};
		size_t cap[3] = {sizeof(out->donor), sizeof(out->fund), sizeof(out->currency)};
		out->kind = sqlite3_column_int(q, 0);
		for (int i = 0; i < 3; i++) {
			cols[i] = (const char *)sqlite3_column_text(q, 1 + i);
			if (cols[i] && strlen(cols[i]) < cap[i])
				strcpy(dst[i], cols[i]);
			else
				dst[i][0] = 0;
		}
		out->amount = sqlite3_column_int64(q, 4);
		out->reversed_by = (uint64_t)sqlite3_column_int64(q, 5);
		cols[0] = (const char *)sqlite3_column_text(q, 6);
		if (cols[0] && strlen(cols[0]) < sizeof(out->date))
			strcpy(out->date, cols[0]);
		else
			out->date[0] = 0;
		out->ref = (uint64_t)sqlite3_column_int64(q, 7);
		out->ref2 = (uint64_t)sqlite3_column_int64(q, 8);
		out->amount2 = sqlite3_column_int64(q, 9);
	} else if (rc == SQLITE_DONE) {
		err = FL_ENOTFOUND;
	} else {
		err = db_error(s->db, rc, "read");
	}
	sqlite3_reset(q);
	return err;
}

/* Sums the one integer column of a statement over its rows, checked for overflow. */
static int sum_rows(fl_store *s, int which, uint64_t seq, int64_t *sum)
{
	sqlite3_stmt *q = s->st[which];
	int rc, err = 0;
	*sum = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)seq);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (__builtin_add_overflow(*sum, sqlite3_column_int64(q, 0), sum)) {
			err = fl_error_set(FL_ERANGE, "amounts against entry %llu overflow",
					   (unsigned long long)seq);
			break;
		}
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = db_error(s->db, rc, "query");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_applied(fl_store *s, uint64_t contribution, int64_t *sum)
{
	return sum_rows(s, ST_APPLIED_SUM, contribution, sum);
}

int fl_store_settled(fl_store *s, uint64_t pledge, int64_t *sum)
{
	return sum_rows(s, ST_SETTLED_SUM, pledge, sum);
}

/* Collects the seqs a statement returns for one or two integer parameters. */
static int list_seqs(fl_store *s, int which, uint64_t a, uint64_t b, uint64_t *out, size_t max,
		     size_t *n)
{
	sqlite3_stmt *q = s->st[which];
	int rc, err = 0;
	*n = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)a);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, (sqlite3_int64)b);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == max) {
			err = fl_error_set(FL_ERANGE, "more than %zu entries depend on entry %llu",
					   max, (unsigned long long)a);
			break;
		}
		out[(*n)++] = (uint64_t)sqlite3_column_int64(q, 0);
	}
	if (err == 0 && rc != SQLITE_DONE)
		err = db_error(s->db, rc, "query");
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_pair_matches(fl_store *s, uint64_t contribution, uint64_t pledge, uint64_t *out,
			  size_t max, size_t *n)
{
	return list_seqs(s, ST_PAIR_MATCHES, contribution, pledge, out, max, n);
}

int fl_store_bankmatch_of(fl_store *s, uint64_t seq, int of_line, uint64_t *match)
{
	int found, err = query_u64(s, of_line ? ST_BANKMATCH_LINE : ST_BANKMATCH_CONTRIB, NULL,
				   seq, match, &found);
	if (err == 0 && !found)
		*match = 0;
	return err;
}

/* ---- reconciliation queries ---- */

#define FUND_DONOR(x) "{F AND " x ".fund = :fund}{D AND " x ".donor = :donor}"

/*
 * The SQL of each query, with optional parts in braces: "{F ...}" kept when a fund is given,
 * "{D ...}" when a donor is. Column layouts are in store_int.h.
 */
static const char *const QUERY_SQL[] = {
	[FL_Q_REVERSED] = "SELECT ref, seq FROM entries INDEXED BY entries_rev WHERE kind = 4"
			  " ORDER BY ref, seq",
	[FL_Q_PLEDGES] = "SELECT p.seq, p.amount, p.date, p.canon FROM entries p WHERE p.kind = 1"
			 " AND p.date <= :asof"
			 FUND_DONOR("p") " ORDER BY p.seq",
	[FL_Q_MATCHES_BY_PLEDGE] =
		"SELECT m.ref, m.seq, m.ref2, m.amount2, m.usd, c.date FROM entries m"
		" INDEXED BY entries_match JOIN entries c ON c.seq = m.ref2"
		" WHERE m.kind = 6 ORDER BY m.ref",
	[FL_Q_MATCHES_BY_PLEDGE_ALL] =
		"SELECT m.ref, m.seq, m.ref2, m.amount2, m.usd, '' FROM entries m"
		" INDEXED BY entries_match WHERE m.kind = 6 ORDER BY m.ref",
	[FL_Q_WRITEOFFS_BY_PLEDGE] =
		"SELECT w.ref, w.seq, w.amount, w.date FROM entries w INDEXED BY entries_wo"
		" WHERE w.kind = 5 ORDER BY w.ref",
	[FL_Q_CONTRIBUTIONS] =
		"SELECT c.seq, c.amount, coalesce(c.ref, 0), c.currency, c.date, c.fund, c.donor,"
		" coalesce(c.usd, 0), c.usd IS NULL FROM entries c WHERE c.kind = 2 ORDER BY c.seq",
	[FL_Q_BY_CONTRIBUTION] =
		"SELECT x.ref2, x.seq, x.kind, x.ref, coalesce(x.amount, 0),"
		" coalesce(l.ref, 0), coalesce(l.amount2, 0), coalesce(l.date, '')"
		" FROM entries x INDEXED BY entries_ref2"
		/* The line, for bank matches only: a CASE key, since SQLite would look up
		 * x.ref for every row before testing x.kind (7x slower on 1M entries). */
		" LEFT JOIN entries l ON l.seq = (CASE WHEN x.kind = 9 THEN x.ref END)"
		" WHERE x.ref2 IS NOT NULL ORDER BY x.ref2",
	/* Rules over the whole ledger that verify checks at the end (ledger files). */
	[FL_Q_CHECK_APPLIED] =
		"SELECT c.seq, c.amount, a.s FROM (SELECT m.ref2 AS ref2, sum(m.amount) AS s"
		" FROM entries m INDEXED BY entries_ref2 WHERE m.ref2 IS NOT NULL AND m.kind = 6"
		" AND" LIVE("m") " AND" LIVE_REF("m.ref") " GROUP BY m.ref2) a"
		/* c through the contributions' index (428 pages at 100k entries, the table's
		 * 8415): 1.8x faster. kind = 2 drops no row that matters, since the stream has
		 * refused a match whose ref2 is not a contribution before these rules run. */
		" JOIN entries c INDEXED BY entries_contrib ON c.seq = a.ref2 AND c.kind = 2"
		" WHERE a.s > c.amount AND" LIVE("c")
		" ORDER BY c.seq LIMIT 1",
	[FL_Q_CHECK_BANKED_TWICE] =
		"SELECT x.ref2, count(*) FROM entries x INDEXED BY entries_ref2"
		" WHERE x.ref2 IS NOT NULL AND x.kind = 9 AND" LIVE("x") " AND" LIVE_REF("x.ref2")
		" AND" LIVE_REF("(SELECT l.ref FROM entries l WHERE l.seq = x.ref)")
		" GROUP BY x.ref2 HAVING count(*) > 1 ORDER BY x.ref2 LIMIT 1",
	[FL_Q_CHECK_LINE_TWICE] =
		"SELECT x.ref, count(*) FROM entries x INDEXED BY entries_ref2"
		" WHERE x.ref2 IS NOT NULL AND x.kind = 9 AND" LIVE("x") " AND" LIVE_REF("x.ref2")
		" AND" LIVE_REF("(SELECT l.ref FROM entries l WHERE l.seq = x.ref)")
		" GROUP BY x.ref HAVING count(*) > 1 ORDER BY x.ref LIMIT 1",
	[FL_Q_CHECK_REVERSED_TWICE] =
		"SELECT ref, count(*) FROM entries INDEXED BY entries_rev WHERE kind = 4"
		" GROUP BY ref HAVING count(*) > 1 ORDER BY ref LIMIT 1",
	[FL_Q_CHECK_WRITTEN_OFF] =
		"SELECT p.seq, p.amount, a.s FROM (SELECT w.ref AS ref, sum(w.amount) AS s"
		" FROM entries w INDEXED BY entries_wo WHERE w.kind = 5 AND" LIVE("w")
		" GROUP BY w.ref) a JOIN entries p ON p.seq = a.ref WHERE a.s > p.amount"
		" ORDER BY p.seq LIMIT 1",
	[FL_Q_STATEMENTS] =
		"SELECT s.seq, s.canon FROM entries s INDEXED BY entries_stmt WHERE s.kind = 7 AND"
		LIVE("s") " ORDER BY s.seq",
	[FL_Q_LINES] =
		"SELECT l.seq, l.canon FROM entries s INDEXED BY entries_stmt"
		" JOIN entries l ON l.ref = s.seq AND l.kind = 8"
		" WHERE s.kind = 7 AND" LIVE("s") " AND l.date <= :asof AND NOT EXISTS"
		" (SELECT 1 FROM entries bm JOIN entries c ON c.seq = bm.ref2 WHERE bm.ref = l.seq"
		"  AND bm.kind = 9 AND c.date <= :asof AND" LIVE("bm") " AND" LIVE("c") ")"
		" ORDER BY l.seq",
	/* The annual report (report.c). */
	/* The journal (journal.c): a match's dates and currencies come with it, by the same
	 * CASE keys as above, and a rate with its reverser, so one pass needs no look-ups. */
	[FL_Q_JOURNAL] =
		"SELECT e.seq, lower(hex(e.hash)), coalesce(c.date, ''), coalesce(p.currency, ''),"
		" (CASE WHEN e.kind = 3 THEN coalesce((SELECT r.seq FROM entries r"
		"  WHERE r.kind = 4 AND r.ref = e.seq), 0) ELSE 0 END), e.canon"
		" FROM entries e"
		" LEFT JOIN entries c ON c.seq = (CASE WHEN e.kind = 6 THEN e.ref2 END)"
		" LEFT JOIN entries p ON p.seq = (CASE WHEN e.kind = 6 THEN e.ref END)"
		" ORDER BY e.seq",
	[FL_Q_MATCHES_OF_PLEDGE] = "SELECT m.seq FROM entries m INDEXED BY entries_match"
				   " WHERE m.kind = 6 AND m.ref = :seq ORDER BY m.seq",
	[FL_Q_MATCHES_OF_CONTRIBUTION] = "SELECT m.seq FROM entries m INDEXED BY entries_ref2"
					 " WHERE m.ref2 = :seq AND m.kind = 6 ORDER BY m.seq",
};

/*
 * Each query's columns in order: 'i' an integer (NULL read as 0) into i[], 't' a text (NULL
 * stays NULL) into t[], 'b' the blob. Fixed per query, so a row is read without asking
 * SQLite each column's type (that was 7% of a year's report), and a NULL where a text
 * belongs cannot shift the columns after it.
 */
static const char *const QUERY_LAYOUT[] = {
	[FL_Q_REVERSED] = "ii",
	[FL_Q_PLEDGES] = "iitb",
	[FL_Q_MATCHES_BY_PLEDGE] = "iiiiit",
	[FL_Q_MATCHES_BY_PLEDGE_ALL] = "iiiiit",
	[FL_Q_WRITEOFFS_BY_PLEDGE] = "iiit",
	[FL_Q_CONTRIBUTIONS] = "iiittttii",
	[FL_Q_BY_CONTRIBUTION] = "iiiiiiit",
	[FL_Q_CHECK_APPLIED] = "iii",
	[FL_Q_CHECK_BANKED_TWICE] = "ii",
	[FL_Q_CHECK_LINE_TWICE] = "ii",
	[FL_Q_CHECK_REVERSED_TWICE] = "ii",
	[FL_Q_CHECK_WRITTEN_OFF] = "iii",
	[FL_Q_STATEMENTS] = "ib",
	[FL_Q_LINES] = "ib",
	[FL_Q_JOURNAL] = "itttib",
	[FL_Q_MATCHES_OF_PLEDGE] = "i",
	[FL_Q_MATCHES_OF_CONTRIBUTION] = "i",
};

/* Keeps or drops the braced optional parts of a query. */
static int expand_sql(fl_buf *out, const char *sql, const fl_qparams *p)
{
	int err = 0;
	for (const char *c = sql; *c && err == 0; c++) {
		if (*c == '{') {
			int keep = (c[1] == 'F' && p->fund) || (c[1] == 'D' && p->donor);
			const char *end = strchr(c, '}');
			if (!end)
				return fl_error_set(FL_EINVALID, "query: unbalanced brace");
			if (keep)
				err = fl_buf_put(out, c + 2, (size_t)(end - c - 2));
			c = end;
		} else {
			err = fl_buf_putc(out, (unsigned char)*c);
		}
	}
	return err;
}

static void bind_named(sqlite3_stmt *q, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(q, name);
	if (i > 0)
		sqlite3_bind_text(q, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

/* A layout names each column once, and fits in a fl_qrow. */
static int layout_fits(const char *layout, int columns)
{
	int n[3] = {0, 0, 0}, k = 0;
	for (; layout[k]; k++) {
		const char *at = strchr("itb", layout[k]);
		if (!at)
			return 0;
		n[at - "itb"]++;
	}
	return k == columns && n[0] <= FL_QROW_INT && n[1] <= FL_QROW_TEXT && n[2] <= 1;
}

int fl_store_query(fl_store_iter **out, fl_store *s, fl_query which, const fl_qparams *p)
{
	fl_buf sql = FL_BUF_INIT;
	fl_store_iter *it = NULL;
	int err, rc;

	if ((unsigned)which >= sizeof(QUERY_SQL) / sizeof(QUERY_SQL[0]) || !QUERY_SQL[which] ||
	    (unsigned)which >= sizeof(QUERY_LAYOUT) / sizeof(QUERY_LAYOUT[0]) ||
	    !QUERY_LAYOUT[which])
		return fl_error_set(FL_EINVALID, "unknown query");
	if ((err = expand_sql(&sql, QUERY_SQL[which], p)) < 0)
		goto done;
	if (!(it = calloc(1, sizeof(*it)))) {
		err = fl_error_set(FL_ENOMEM, "out of memory");
		goto done;
	}
	it->s = s;
	it->query = which;
	if ((rc = sqlite3_prepare_v2(s->db, fl_buf_cstr(&sql), -1, &it->stmt, NULL)) != SQLITE_OK) {
		err = db_error(s->db, rc, "query");
		goto done;
	}
	it->layout = QUERY_LAYOUT[which];
	if (!layout_fits(it->layout, sqlite3_column_count(it->stmt))) {
		err = fl_error_set(FL_EINVALID, "query %d: its layout does not fit its columns",
				   (int)which);
		goto done;
	}
	bind_named(it->stmt, ":asof", p->as_of);
	bind_named(it->stmt, ":fund", p->fund);
	bind_named(it->stmt, ":donor", p->donor);
	bind_named(it->stmt, ":ccy", p->currency);
	bind_named(it->stmt, ":from", p->from);
	bind_named(it->stmt, ":to", p->to);
	{
		int i = sqlite3_bind_parameter_index(it->stmt, ":seq");
		if (i > 0)
			sqlite3_bind_int64(it->stmt, i, (sqlite3_int64)p->seq);
	}
	*out = it;
	it = NULL;
done:
	fl_store_iter_free(it);
	fl_buf_free(&sql);
	return err;
}

int fl_store_query_next(fl_store_iter *it, fl_qrow *row)
{
	sqlite3_stmt *q = it->stmt;
	int rc = sqlite3_step(q), ni = 0, nt = 0;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_error(it->s->db, rc, "read");
	memset(row, 0, sizeof(*row));
	for (int i = 0; it->layout[i]; i++) {
		switch (it->layout[i]) {
		case 'b':
			row->blob = sqlite3_column_blob(q, i);
			row->blob_len = (size_t)sqlite3_column_bytes(q, i);
			break;
		case 't':
			if (nt < FL_QROW_TEXT)
				row->t[nt++] = (const char *)sqlite3_column_text(q, i);
			break;
		default:
			if (ni < FL_QROW_INT)
				row->i[ni++] = sqlite3_column_int64(q, i);
			break;
		}
	}
	return 1;
}

/* ---- Merkle tiles ---- */

int fl_store_tile_get(fl_store *s, unsigned level, uint64_t idx, fl_buf *out)
{
	sqlite3_stmt *q = s->st[ST_TILE_GET];
	int rc, err = 0;
	sqlite3_bind_int(q, 1, (int)level);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)idx);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		fl_buf_reset(out);
		err = fl_buf_put(out, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
	} else if (rc == SQLITE_DONE) {
		err = FL_ENOTFOUND;
	} else {
		err = db_error(s->db, rc, "read tile");
	}
	sqlite3_reset(q);
	return err;
}

int fl_store_tile_put(fl_store *s, unsigned level, uint64_t idx, const void *hashes, size_t len)
{
	sqlite3_stmt *q = s->st[ST_TILE_PUT];
	sqlite3_bind_int(q, 1, (int)level);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)idx);
	sqlite3_bind_blob(q, 3, hashes, (int)len, SQLITE_STATIC);
	return run(s, ST_TILE_PUT, "write tile");
}

/* ---- checkpoints ---- */

int fl_store_checkpoint_put(fl_store *s, uint64_t size, const char *note, const char *signer)
{
	sqlite3_stmt *q = s->st[ST_CP_PUT];
	int err;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
	sqlite3_bind_text(q, 2, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, signer, -1, SQLITE_STATIC);
	err = run(s, ST_CP_PUT, "store checkpoint");
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_checkpoint_get(fl_store *s, uint64_t size, uint64_t *size_out, fl_buf *note)
{
	int which = size ? ST_CP_GET : ST_CP_LATEST;
	sqlite3_stmt *q = s->st[which];
	int rc, err = 0;
	if (size)
		sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*size_out = (uint64_t)sqlite3_column_int64(q, 0);
		fl_buf_reset(note);
		err = fl_buf_put(note, sqlite3_column_text(q, 1), (size_t)sqlite3_column_bytes(q, 1));
	} else if (rc == SQLITE_DONE) {
		err = size ? fl_error_set(FL_ENOTFOUND, "no checkpoint at size %llu",
					  (unsigned long long)size)
			   : fl_error_set(FL_ENOTFOUND, "the ledger has no checkpoint yet");
	} else {
		err = db_error(s->db, rc, "read checkpoint");
	}
	sqlite3_reset(q);
	return err;
}

int fl_store_cosignature_put(fl_store *s, uint64_t size, const char *signer, const char *line)
{
	sqlite3_stmt *q = s->st[ST_COSIG_PUT];
	int err;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
	sqlite3_bind_text(q, 2, signer, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, line, -1, SQLITE_STATIC);
	err = run(s, ST_COSIG_PUT, "store cosignature");
	sqlite3_clear_bindings(q);
	return err;
}

int fl_store_cosignatures(fl_store *s, uint64_t size, fl_buf *out)
{
	sqlite3_stmt *q = s->st[ST_COSIGS];
	int rc, err = 0;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((err = fl_buf_put(out, sqlite3_column_text(q, 0),
				      (size_t)sqlite3_column_bytes(q, 0))) < 0)
			break;
	if (err == 0 && rc != SQLITE_DONE)
		err = db_error(s->db, rc, "read cosignatures");
	sqlite3_reset(q);
	return err;
}

struct fl_store_cp_iter {
	sqlite3_stmt *stmt;
	fl_store *s;
};

int fl_store_cp_iter_new(fl_store_cp_iter **out, fl_store *s)
{
	fl_store_cp_iter *it = calloc(1, sizeof(*it));
	int rc;
	if (!it)
		return fl_error_set(FL_ENOMEM, "out of memory");
	it->s = s;
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT size, note FROM checkpoints ORDER BY size", -1,
				     &it->stmt, NULL)) != SQLITE_OK) {
		free(it);
		return db_error(s->db, rc, "read checkpoints");
	}
	*out = it;
	return 0;
}

int fl_store_cp_iter_next(fl_store_cp_iter *it, uint64_t *size, const char **note, size_t *len)
{
	int rc = sqlite3_step(it->stmt);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_error(it->s->db, rc, "read checkpoints");
	*size = (uint64_t)sqlite3_column_int64(it->stmt, 0);
	*note = (const char *)sqlite3_column_text(it->stmt, 1);
	*len = (size_t)sqlite3_column_bytes(it->stmt, 1);
	if (!*note)
		*note = "";
	return 1;
}

void fl_store_cp_iter_free(fl_store_cp_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->stmt);
	free(it);
}
