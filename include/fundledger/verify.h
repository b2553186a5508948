/*
 * verify.h: checking a ledger, or an exported bundle, from its bytes alone.
 *
 * Verification streams the entries in order (memory does not grow with the ledger) and
 * checks, failing on the first problem:
 *   - the sequence is dense from 1, each entry's bytes decode under format v1 and name their
 *     own sequence number, each entry's prev is the SHA-256 of the entry before it;
 *   - in a ledger file: SQLite finds its pages sound (quick_check; integrity_check with
 *     opt->full) and its foreign keys hold, each stored hash and query column agrees with
 *     the bytes, and the stored Merkle tiles agree with the entries; all of it read in one
 *     transaction, so a writer committing meanwhile changes nothing of what is checked;
 *   - the RFC 6962 root at each signed checkpoint's size equals the checkpoint's root, each
 *     checkpoint's origin is the ledger's, its signature is by an authorised treasurer key,
 *     and its cosignatures by authorised auditor keys verify;
 *   - every entry is covered by a checkpoint, and no checkpoint is beyond the last entry;
 *   - entry invariants: references point to earlier entries of the right kind (a pledge of
 *     the same donor and fund; a rate of the same currency in force on the value date, whose
 *     rate is the one used), and each USD figure is the conversion of its amount;
 *   - with a trusted checkpoint kept by the auditor: the ledger is not shorter ("rollback")
 *     and its root at that size is the trusted one ("fork").
 */
#ifndef FUNDLEDGER_VERIFY_H
#define FUNDLEDGER_VERIFY_H

#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "ledger.h"
#include "merkle.h"
#include "note.h"
#include "progress.h"

typedef struct {
	uint64_t entries;          /* entries checked */
	unsigned char head[FL_HASH_LEN]; /* hash of the last entry */
	fl_hash root;              /* Merkle root of all entries */
	uint64_t checkpoints;      /* signed checkpoints verified */
	uint64_t cosignatures;     /* cosignatures verified */
	uint64_t bad_seq;          /* first bad entry, 0 when none */
	uint64_t bad_checkpoint;   /* size of the first bad checkpoint, 0 when none */
	int trusted;               /* a trusted checkpoint was given and holds */
	uint64_t trusted_size;
} fl_verify_result;

typedef struct {
	const char *trusted;      /* a signed checkpoint note kept by the auditor, or NULL */
	size_t trusted_len;
	const fl_vkey *keys;      /* keys to trust; NULL: the configuration's (ledger only) */
	const fl_key_role *roles; /* roles of keys[i] */
	size_t n_keys;
	int full;                 /* ledger only: the checks of fl_verify_database, in the same
				   * read transaction, in place of quick_check */
	fl_progress_fn progress;  /* bundle only (a ledger's is fl_ledger_set_progress): called
				   * as progress.h says, with MANIFEST's count as total; or NULL */
	void *progress_arg;
} fl_verify_options;

/*
 * Verifies an open ledger. 0 when every check passes; FL_EVERIFY when one fails (the message
 * names the first bad entry or checkpoint, and out says which); another negative code when
 * the ledger cannot be read. The ledger must have been opened with a configuration.
 */
int fl_verify_ledger(fl_verify_result *out, fl_ledger *l,
		     const fl_verify_options *opt) FL_WARN_UNUSED;

/*
 * The thorough check of a ledger's database file that fl_verify_ledger leaves out for speed
 * (unless opt->full asks for it): SQLite's integrity_check, which beyond quick_check compares
 * every index with its table (reconcile and the annual report read their figures from
 * covering indexes) and checks the UNIQUE constraints (idempotency keys), then the foreign
 * key check, both in one read transaction. It reads every index entry and looks its row up:
 * on a ledger of a million entries it takes about as long again as fl_verify_ledger. 0,
 * FL_EVERIFY naming the first problem, or another negative code.
 */
int fl_verify_database(fl_ledger *l) FL_WARN_UNUSED;

/*
 * Verifies an exported bundle directory (docs/FORMAT.md, "Bundle") without any database.
 * Keys come from opt->keys when given, else from the bundle's own keys file.
 */
int fl_verify_bundle(fl_verify_result *out, const char *dir,
		     const fl_verify_options *opt) FL_WARN_UNUSED;

#endif
