/*
 * ledger.h: the ledger use case. Opening a ledger, appending entries in all-or-nothing
 * batches, reading entries back, and copying the whole ledger to a backup file.
 *
 * Appending fills in what the ledger owns: the sequence number, the previous entry's hash,
 * the recorded-at time and recorder, the derived idempotency key when the client gave none, and
 * for contributions the USD equivalent at the UN operational rate in force on the value date.
 * It checks every reference (donor, fund and currency against the configuration; pledges,
 * rates and reversal targets against the ledger) before anything is written.
 */
#ifndef FUNDLEDGER_LEDGER_H
#define FUNDLEDGER_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "entry.h"
#include "error.h"
#include "progress.h"

typedef struct fl_ledger fl_ledger;

/* Open flags. */
#define FL_OPEN_READONLY 1u

/* Origins: printable ASCII without spaces, 1 to FL_ORIGIN_MAX bytes. */
#define FL_ORIGIN_MAX 255

/*
 * Creates a new, empty ledger at path for `origin`. FL_EEXISTS when a file is already there.
 * `created_at` is a UTC timestamp.
 */
int fl_ledger_init(const char *path, const char *origin, const char *created_at) FL_WARN_UNUSED;

/*
 * Opens a ledger. cfg is borrowed and must outlive the ledger; it may be NULL for read-only
 * use that needs no look-ups (verify). 0, FL_EIO (no such file, or unreadable), FL_ECORRUPT.
 */
int fl_ledger_open(fl_ledger **out, const char *path, const fl_config *cfg,
		   unsigned flags) FL_WARN_UNUSED;
void fl_ledger_free(fl_ledger *l);

/* The origin recorded at init; borrowed from l. */
const char *fl_ledger_origin(const fl_ledger *l);

/* The configuration given at open (may be NULL); borrowed. */
const fl_config *fl_ledger_config(const fl_ledger *l);

/*
 * Sets the progress callback (progress.h) of the long operations on l, with arg passed back
 * to it; fn NULL (the default) reports nothing. arg is borrowed until it is replaced.
 */
void fl_ledger_set_progress(fl_ledger *l, fl_progress_fn fn, void *arg);

/* Number of entries and the last entry's hash (zeros when empty). */
int fl_ledger_head(fl_ledger *l, uint64_t *count, unsigned char hash[FL_HASH_LEN]) FL_WARN_UNUSED;

/*
 * Sets the key that signs the checkpoint each batch ends with. It must be listed in the
 * configuration as a treasurer key (FL_EINVALID otherwise). s is borrowed and must outlive
 * the ledger's batches. Without a signer, fl_ledger_begin refuses to write.
 */
int fl_ledger_set_signer(fl_ledger *l, const fl_signer *s) FL_WARN_UNUSED;

/*
 * Starts a batch (an exclusive write transaction). Every entry appended before
 * fl_ledger_commit is written together or not at all. recorded_by and recorded_at (a UTC
 * timestamp) are stamped on each entry. FL_EBUSY when another writer holds the ledger past
 * the busy timeout.
 */
int fl_ledger_begin(fl_ledger *l, const char *recorded_by, const char *recorded_at) FL_WARN_UNUSED;

/* Outcome of fl_ledger_append. */
typedef enum {
	FL_APPENDED = 1, /* a new entry was added */
	FL_REPLAYED = 2  /* the idempotency key was recorded with the same content: nothing added */
} fl_append_status;

/*
 * Appends e inside the open batch. The caller fills the content fields (and e->idem, or leaves
 * it empty for a derived key); on return e is the entry as recorded (or, on replay, as it was
 * recorded before). Returns 0, or a negative code with nothing added by this call:
 * FL_EEXISTS (key recorded with other content, or a rate already set for that currency and
 * date), FL_ENOTFOUND (unknown donor, fund, currency, pledge, target or missing rate),
 * FL_EINVALID (a bad value or a reference that does not fit).
 */
int fl_ledger_append(fl_ledger *l, fl_entry *e, fl_append_status *status) FL_WARN_UNUSED;

/*
 * Commits the batch (durably: synchronous=FULL). When it added entries, the Merkle tiles and
 * a checkpoint of the new tree size, signed by the signer, are stored in the same
 * transaction. On failure the batch is rolled back.
 */
int fl_ledger_commit(fl_ledger *l) FL_WARN_UNUSED;

/* Abandons the batch; nothing of it is written. Safe when no batch is open. */
void fl_ledger_rollback(fl_ledger *l);

/* The reason of the match that applies a contribution to the pledge it names. */
#define FL_REASON_NAMED "named by the contribution"

/*
 * A contribution that names its pledge is applied to it whole, by a match entry recorded
 * right after it: this appends that match for c (just appended or replayed) into *match.
 * Replaying the contribution replays its match. 0 or the codes of fl_ledger_append.
 */
int fl_ledger_append_named(fl_ledger *l, const fl_entry *c, fl_entry *match,
			   fl_append_status *status) FL_WARN_UNUSED;

/* One entry in its own batch: begin, append, commit. */
int fl_ledger_record(fl_ledger *l, fl_entry *e, const char *recorded_by, const char *recorded_at,
		     fl_append_status *status) FL_WARN_UNUSED;

/*
 * What is left to write off on a pledge: its amount less unreversed write-offs and less what
 * unreversed matches settled against it (never below 0).
 */
int fl_ledger_remaining(fl_ledger *l, uint64_t pledge, int64_t *out) FL_WARN_UNUSED;

/* What of a standing contribution no standing match applies yet (its currency). */
int fl_ledger_unapplied(fl_ledger *l, uint64_t contribution, int64_t *out) FL_WARN_UNUSED;


/*
 * The standing matches between a contribution and a pledge, or the standing bank match
 * between a bank line and a contribution (either order), in seq order, at most max.
 * FL_EINVALID when the two are neither pair; FL_ENOTFOUND when one does not exist.
 */
int fl_ledger_standing_matches(fl_ledger *l, uint64_t a, uint64_t b, uint64_t *out, size_t max,
			       size_t *n) FL_WARN_UNUSED;

/* The seq of the entry recorded under an idempotency key; FL_ENOTFOUND. */
int fl_ledger_find(fl_ledger *l, const char *idem, uint64_t *seq) FL_WARN_UNUSED;

/*
 * Reads entry seq, decoded from its stored canonical bytes; hash and canon may be NULL.
 * FL_ENOTFOUND, FL_ECORRUPT.
 */
int fl_ledger_get(fl_ledger *l, uint64_t seq, fl_entry *out, unsigned char hash[FL_HASH_LEN],
		  fl_buf *canon) FL_WARN_UNUSED;

/* The seq of the reversal that cancels entry seq, or 0 in *by. */
int fl_ledger_reversed_by(fl_ledger *l, uint64_t seq, uint64_t *by) FL_WARN_UNUSED;

/* What a backup holds, read back from the copy before it was put in place. */
typedef struct {
	uint64_t entries;                /* entries in the copy */
	unsigned char head[FL_HASH_LEN]; /* hash of the last one (zeros when empty) */
	unsigned char root[FL_HASH_LEN]; /* RFC 6962 Merkle root of all of them */
} fl_backup_result;

/* Backup flags. */
#define FL_BACKUP_FORCE 1u /* replace an existing file at dest */

/*
 * Writes a copy of the ledger to the file dest with SQLite's online backup API, as the
 * ledger stands at one moment (one read transaction: writers may go on meanwhile, and what
 * they had committed is in the copy even while it is only in the write-ahead log). The copy
 * is written to a temporary file in dest's directory, synced, opened and checked (SQLite's
 * quick_check; the same entries, head hash, Merkle root and latest checkpoint as the
 * ledger) and only then renamed to dest, and the directory synced: dest is either absent
 * or a whole, checked copy. The copy is one self-contained file (rollback journal) with the
 * ledger file's permissions. The ledger may be open read-only; not inside a batch.
 * FL_EEXISTS when dest exists (without FL_BACKUP_FORCE), or when dest-wal or dest-journal
 * does (SQLite would apply it to the copy); FL_EINVALID for a bad path; FL_EIO; FL_EBUSY;
 * FL_EVERIFY when the copy does not read back the same. Messages from the copy on name dest
 * ("backup to DEST: ..."), never the temporary file. FL_EIO with dest in place, whole, when
 * only the sync of its directory failed: the message says so (the new name may not survive
 * a power loss).
 */
int fl_ledger_backup(fl_backup_result *out, fl_ledger *l, const char *dest,
		     unsigned flags) FL_WARN_UNUSED;

/* Which entries a scan visits. NULL or zero members mean "any". */
typedef struct {
	const char *fund;
	const char *donor;
	fl_kind kind;      /* 0 for any */
	const char *from;  /* entry date on or after (entries without a date are left out) */
	const char *to;    /* entry date on or before */
	int live;          /* leave out reversals and the entries they reverse */
} fl_filter;

/* Called for each entry; return 0 to go on, or a negative code to stop with it. */
typedef int (*fl_scan_fn)(void *ctx, const fl_entry *e, const unsigned char hash[FL_HASH_LEN]);

/* Visits entries in sequence order, decoded from their canonical bytes. */
int fl_ledger_scan(fl_ledger *l, const fl_filter *filter, fl_scan_fn fn, void *ctx) FL_WARN_UNUSED;

#endif
