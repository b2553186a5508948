/*
 * store_int.h: the SQLite adapter (private to the library; only store.c includes sqlite3.h).
 *
 * Owns the schema (docs/FORMAT.md, "Store"), the connection settings (WAL kept in place,
 * synchronous=FULL, foreign keys, defensive mode, trusted_schema off, limits, a busy wait of
 * 5 s), the authorizer that refuses schema changes outside schema creation and migrations,
 * and every SQL statement, all prepared once. Rows of `entries`, `meta`, `checkpoints` and
 * `cosignatures` are append-only: triggers refuse UPDATE and DELETE, and so does the
 * authorizer. The canonical bytes are the truth; the other columns are derived from them by
 * the ledger and checked by verify.
 */
#ifndef FUNDLEDGER_STORE_INT_H
#define FUNDLEDGER_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fundledger/buf.h"
#include "fundledger/config.h"
#include "fundledger/crypto.h"
#include "fundledger/date.h"
#include "fundledger/error.h"
#include "fundledger/ledger.h"

typedef struct fl_store fl_store;

/* One stored row. Pointers are borrowed from the statement until the next step. */
typedef struct {
	uint64_t seq;
	const unsigned char *hash; /* FL_HASH_LEN bytes */
	size_t hash_len;
	const unsigned char *canon;
	size_t canon_len;
	int kind;
	const char *idem;
	const char *fund;     /* NULL when the column is NULL */
	const char *donor;
	const char *currency;
	int64_t amount;       /* 0 when NULL */
	int amount_null;
	const char *date;
	uint64_t ref;         /* 0 when NULL */
	uint64_t ref2;        /* 0 when NULL */
	int64_t amount2;
	int amount2_null;
	int64_t usd;
	int usd_null;
	/* With fl_store_iter_verify: the columns of the entry `ref` names (kind 0 if none), and
	 * ref2, amount2 and usd (which plain iterators leave zero). */
	int ref_kind;
	const char *ref_donor, *ref_fund, *ref_currency;
} fl_row;

/* Creates a new ledger file with the schema and meta rows; FL_EEXISTS if path exists. */
int fl_store_create(const char *path, const char *origin, const char *created_at) FL_WARN_UNUSED;

/* Opens an existing ledger; read-only when `readonly`. */
int fl_store_open(fl_store **out, const char *path, int readonly) FL_WARN_UNUSED;
void fl_store_close(fl_store *s);

/*
 * A private copy of the ledger as it stood at `size` entries: entries 1..size, the
 * checkpoints and cosignatures up to size, meta and tiles, in a temporary database that is
 * removed when it is closed. Read in one transaction of the source.
 */
int fl_store_snapshot(fl_store **out, fl_store *src, uint64_t size) FL_WARN_UNUSED;

/* Whether a transaction (a batch, or a read transaction) is open on s. */
int fl_store_in_transaction(fl_store *s);

/* The path of the database file s reads (absolute; "" for a temporary one); borrowed. */
const char *fl_store_filename(fl_store *s);

/*
 * Checks the database file itself, below what verify reads: SQLite's quick_check (the
 * b-tree structure of every page, NOT NULL and CHECK constraints) or, with `full`,
 * integrity_check (which also compares every index with its table and checks UNIQUE
 * constraints). 0, or FL_EVERIFY naming the first problem SQLite reports (a page too
 * damaged for the check to run included); another negative code when it cannot run.
 */
int fl_store_check_file(fl_store *s, int full) FL_WARN_UNUSED;

/*
 * SQLite's foreign_key_check of every table but entries, whose references verify checks
 * more strictly (an earlier entry of the right kind). 0 or FL_EVERIFY naming the first row
 * whose parent is missing.
 */
int fl_store_check_keys(fl_store *s) FL_WARN_UNUSED;

/*
 * Copies the database, as s sees it, into the existing empty file at path with SQLite's
 * online backup API: inside a read transaction of s (fl_store_read_begin) the copy is that
 * snapshot, pages still only in the write-ahead log included. The copy uses a rollback
 * journal (one self-contained file) and is synced when this returns. FL_EBUSY, FL_EIO; the
 * message speaks of "the copy" and does not name path, a temporary name the caller replaces.
 */
int fl_store_backup(fl_store *s, const char *path) FL_WARN_UNUSED;

/*
 * For tests only: runs SQL text on s's connection, under its authorizer, so that a test can
 * show what the authorizer refuses. The library never calls it.
 */
int fl_store_exec_sql(fl_store *s, const char *sql) FL_WARN_UNUSED;

/* Reads a meta value into out; FL_ENOTFOUND when absent. */
int fl_store_meta(fl_store *s, const char *key, fl_buf *out) FL_WARN_UNUSED;

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback is safe to call when no transaction is open. */
int fl_store_begin(fl_store *s) FL_WARN_UNUSED;
int fl_store_commit(fl_store *s) FL_WARN_UNUSED;
void fl_store_rollback(fl_store *s);

/*
 * A read transaction: every query until fl_store_read_end sees the ledger as it was when it
 * began, whatever writers commit meanwhile (WAL). FL_EINVALID inside another transaction.
 */
int fl_store_read_begin(fl_store *s) FL_WARN_UNUSED;
void fl_store_read_end(fl_store *s);

/* The number of entries and the hash of the last one (zeros when empty). */
int fl_store_head(fl_store *s, uint64_t *count, unsigned char hash[FL_HASH_LEN]) FL_WARN_UNUSED;

/*
 * Inserts a row. When its idempotency key is already recorded, nothing is inserted, *existing
 * is set to that entry's seq and FL_EEXISTS is returned (without an error message).
 */
int fl_store_insert(fl_store *s, const fl_row *row, uint64_t *existing) FL_WARN_UNUSED;

/* The canonical bytes (and hash, if not NULL) of entry seq; FL_ENOTFOUND when absent. */
int fl_store_get(fl_store *s, uint64_t seq, fl_buf *canon,
		 unsigned char hash[FL_HASH_LEN]) FL_WARN_UNUSED;

/* The seq holding an idempotency key; FL_ENOTFOUND when absent. */
int fl_store_find_idem(fl_store *s, const char *idem, uint64_t *seq) FL_WARN_UNUSED;

/* The reversal of entry seq, or 0 in *by when it is not reversed. */
int fl_store_reversed_by(fl_store *s, uint64_t seq, uint64_t *by) FL_WARN_UNUSED;

/* Sum of the amounts of unreversed entries of `kind` in `currency` that reference `pledge`. */
int fl_store_ref_sum(fl_store *s, uint64_t pledge, int kind, const char *currency,
		     int64_t *sum) FL_WARN_UNUSED;

/* What the writer needs to know of a referenced entry, from its query columns. */
typedef struct {
	int kind;
	char donor[FL_CODE_MAX + 1];
	char fund[FL_CODE_MAX + 1];
	char currency[FL_CURRENCY_LEN + 1];
	int64_t amount;
	uint64_t reversed_by; /* 0 when it stands */
	char date[FL_DATE_LEN + 1];
	uint64_t ref, ref2;   /* 0 when NULL */
	int64_t amount2;
} fl_ref_info;

/* The columns of entry seq and the reversal that cancels it, if any; FL_ENOTFOUND. */
int fl_store_ref_info(fl_store *s, uint64_t seq, fl_ref_info *out) FL_WARN_UNUSED;

/* An unreversed contribution or write-off naming pledge seq, or 0 in *dep. */
int fl_store_live_dependent(fl_store *s, uint64_t seq, uint64_t *dep) FL_WARN_UNUSED;

/*
 * A match stands while neither it, its contribution nor its pledge is reversed; a bank match
 * while neither it, its contribution nor its line's statement is.
 * Sum of the amounts of the standing matches of a contribution (its currency).
 */
int fl_store_applied(fl_store *s, uint64_t contribution, int64_t *sum) FL_WARN_UNUSED;
/* Sum of the settled amounts of the standing matches against a pledge (its currency). */
int fl_store_settled(fl_store *s, uint64_t pledge, int64_t *sum) FL_WARN_UNUSED;

/* Every match between a contribution and a pledge, standing or reversed, in seq order. */
int fl_store_pair_matches(fl_store *s, uint64_t contribution, uint64_t pledge, uint64_t *out,
			  size_t max, size_t *n) FL_WARN_UNUSED;

/* The standing bank match of a line (of_line) or of a contribution, or 0 in *match. */
int fl_store_bankmatch_of(fl_store *s, uint64_t seq, int of_line, uint64_t *match) FL_WARN_UNUSED;

/*
 * Calls fn for every unreversed rate entry (seq, currency, effective date), in no set order.
 * fn returns 0 to go on or a negative code to stop with it.
 */
int fl_store_each_rate(fl_store *s,
		       int (*fn)(void *ctx, uint64_t seq, const char *currency, const char *date),
		       void *ctx) FL_WARN_UNUSED;

/* A cursor over rows in seq order, optionally filtered (see fl_filter). */
typedef struct fl_store_iter fl_store_iter;
int fl_store_iter_new(fl_store_iter **out, fl_store *s, const fl_filter *filter) FL_WARN_UNUSED;
/* Every row in seq order, each joined with the columns of the entry its `ref` names. */
int fl_store_iter_verify(fl_store_iter **out, fl_store *s) FL_WARN_UNUSED;
/* 1 and *row filled, 0 at the end, or a negative code. */
int fl_store_iter_next(fl_store_iter *it, fl_row *row) FL_WARN_UNUSED;
void fl_store_iter_free(fl_store_iter *it);

/*
 * Queries of the reconciliation, each an iterator (free with fl_store_iter_free). A row's
 * integer columns (NULL read as 0) fill i[] in order, text columns t[], the one blob column
 * (canonical bytes) blob; all borrowed until the next step. `as_of` is required where used;
 * fund and donor narrow when not NULL. Every stream comes from an index in the order given,
 * so the reconciliation merges them in one pass without sorting or holding them.
 *   FL_Q_REVERSED     every reversal, by target: i = target, seq
 *   FL_Q_PLEDGES      pledges dated <= as_of, by seq: i = seq, amount; t = date; blob
 *   FL_Q_MATCHES_BY_PLEDGE  every match, by pledge (straight from its index): i = pledge, seq, contribution,
 *                     settled, usd; t = the contribution's date
 *   FL_Q_MATCHES_BY_PLEDGE_ALL  the same without the contribution's date (t = ""), for
 *                     when every contribution is in the view: no look-up per match
 *   FL_Q_WRITEOFFS_BY_PLEDGE  every write-off, by pledge: i = pledge, seq, amount;
 *                     t = date
 *   FL_Q_CONTRIBUTIONS  every contribution, by seq (no date, fund or donor filter): i =
 *                     seq, amount, named pledge (0), usd (0 when NULL), usd is NULL;
 *                     t = currency, date, fund, donor
 *   FL_Q_BY_CONTRIBUTION  every match and bank match, by contribution: i =
 *                     contribution, seq, kind, ref (pledge or line), amount (0 for a bank
 *                     match), the line's statement, the line's signed amount (0 for a
 *                     match); t = the line's date ("" for a match)
 *   FL_Q_CHECK_APPLIED        the first standing contribution whose standing matches apply
 *                     more than its amount: i = seq, amount, applied
 *   FL_Q_CHECK_BANKED_TWICE   the first standing contribution with two standing bank
 *                     matches: i = seq, count
 *   FL_Q_CHECK_LINE_TWICE     the first line with two standing bank matches: i = seq, count
 *   FL_Q_CHECK_REVERSED_TWICE the first entry reversed twice: i = seq, count
 *   FL_Q_CHECK_WRITTEN_OFF    the first pledge whose standing write-offs exceed its amount:
 *                     i = seq, amount, written off
 *   FL_Q_STATEMENTS   standing statements by seq: i = seq; blob
 *   FL_Q_LINES        lines <= as_of of standing statements with no standing bank match:
 *                     i = seq; blob
 *   FL_Q_JOURNAL      every entry, by seq: i = seq, the reversal of a rate entry (0 when it
 *                     stands or for another kind); t = lower-case hex hash, a match's
 *                     contribution's date and its pledge's currency ("" for other kinds);
 *                     blob (the journal, journal.c)
 *   FL_Q_MATCHES_OF_PLEDGE  every match against the pledge `seq`, by seq: i = seq
 *   FL_Q_MATCHES_OF_CONTRIBUTION  every match of the contribution `seq`, by seq: i = seq
 */
typedef enum {
	FL_Q_REVERSED,
	FL_Q_PLEDGES,
	FL_Q_MATCHES_BY_PLEDGE,
	FL_Q_MATCHES_BY_PLEDGE_ALL,
	FL_Q_WRITEOFFS_BY_PLEDGE,
	FL_Q_CONTRIBUTIONS,
	FL_Q_BY_CONTRIBUTION,
	FL_Q_CHECK_APPLIED,
	FL_Q_CHECK_BANKED_TWICE,
	FL_Q_CHECK_LINE_TWICE,
	FL_Q_CHECK_REVERSED_TWICE,
	FL_Q_CHECK_WRITTEN_OFF,
	FL_Q_STATEMENTS,
	FL_Q_LINES,
	FL_Q_JOURNAL,
	FL_Q_MATCHES_OF_PLEDGE,
	FL_Q_MATCHES_OF_CONTRIBUTION
} fl_query;

typedef struct {
	const char *as_of, *fund, *donor, *currency, *from, *to;
	uint64_t seq; /* :seq, for the queries that name one entry */
} fl_qparams;

#define FL_QROW_INT 8
#define FL_QROW_TEXT 6
typedef struct {
	int64_t i[FL_QROW_INT];
	const char *t[FL_QROW_TEXT];
	const unsigned char *blob;
	size_t blob_len;
} fl_qrow;

int fl_store_query(fl_store_iter **out, fl_store *s, fl_query which,
		   const fl_qparams *p) FL_WARN_UNUSED;
/* 1 and *row filled, 0 at the end, or a negative code. */
int fl_store_query_next(fl_store_iter *it, fl_qrow *row) FL_WARN_UNUSED;

/*
 * Merkle tiles: tile (level, idx) holds, concatenated, the hashes of the complete subtrees at
 * tree level 8*level with indices idx*256 .. idx*256 + n - 1 (n <= 256). Tile level 0 holds
 * leaf hashes. Tiles are derived data: rewritten as they fill, and checked by verify.
 */
int fl_store_tile_get(fl_store *s, unsigned level, uint64_t idx, fl_buf *out) FL_WARN_UNUSED;
int fl_store_tile_put(fl_store *s, unsigned level, uint64_t idx, const void *hashes,
		      size_t len) FL_WARN_UNUSED;

/* Signed checkpoints, one per tree size; append-only. */
int fl_store_checkpoint_put(fl_store *s, uint64_t size, const char *note,
			    const char *signer) FL_WARN_UNUSED;
/* The checkpoint at `size`, or the latest when size is 0; FL_ENOTFOUND when none. */
int fl_store_checkpoint_get(fl_store *s, uint64_t size, uint64_t *size_out,
			    fl_buf *note) FL_WARN_UNUSED;
int fl_store_cosignature_put(fl_store *s, uint64_t size, const char *signer,
			     const char *line) FL_WARN_UNUSED;
/* Appends the cosignature lines stored for `size`, ordered by signer. */
int fl_store_cosignatures(fl_store *s, uint64_t size, fl_buf *out) FL_WARN_UNUSED;

/* Checkpoints in size order; note points into the statement until the next call. */
typedef struct fl_store_cp_iter fl_store_cp_iter;
int fl_store_cp_iter_new(fl_store_cp_iter **out, fl_store *s) FL_WARN_UNUSED;
int fl_store_cp_iter_next(fl_store_cp_iter *it, uint64_t *size, const char **note,
			  size_t *len) FL_WARN_UNUSED;
void fl_store_cp_iter_free(fl_store_cp_iter *it);

#endif
