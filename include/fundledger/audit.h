/*
 * audit.h: what an auditor takes away from a ledger: signed checkpoints, cosignatures,
 * inclusion and consistency proofs, and a self-contained export bundle; and the offline
 * verification of proofs, with no ledger at hand.
 */
#ifndef FUNDLEDGER_AUDIT_H
#define FUNDLEDGER_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"
#include "ledger.h"
#include "note.h"

/*
 * The signed checkpoint at `size` (0: the latest), with its stored cosignatures appended to
 * its signature lines. FL_ENOTFOUND when there is none.
 */
int fl_audit_checkpoint(fl_ledger *l, uint64_t size, uint64_t *size_out,
			fl_buf *note) FL_WARN_UNUSED;

/*
 * Cosigns the latest checkpoint with an auditor's key (a tlog-cosignature/v1 at `timestamp`)
 * after verifying the whole ledger, and stores the cosignature. The key must be listed in the
 * configuration as an auditor key. FL_EEXISTS if that key already cosigned that checkpoint.
 */
int fl_audit_cosign(fl_ledger *l, const fl_signer *s, uint64_t timestamp, uint64_t *size_out,
		    fl_buf *line) FL_WARN_UNUSED;

/*
 * A c2sp.org/tlog-proof@v1 file proving that entry `seq` is in the tree at checkpoint `size`
 * (0: the latest). Its extra data is the entry's canonical bytes.
 */
int fl_audit_inclusion_proof(fl_buf *out, fl_ledger *l, uint64_t seq,
			     uint64_t size) FL_WARN_UNUSED;

/* A consistency proof file between the checkpoints at sizes `from` and `to` (0: latest). */
int fl_audit_consistency_proof(fl_buf *out, fl_ledger *l, uint64_t from,
			       uint64_t to) FL_WARN_UNUSED;

/* What a verified proof established. */
typedef struct {
	int inclusion;          /* 1: inclusion proof; 0: consistency proof */
	fl_checkpoint cp;       /* the (newer) checkpoint */
	fl_checkpoint old;      /* consistency: the older checkpoint */
	uint64_t seq;           /* inclusion: the entry's sequence number (index + 1) */
	fl_buf entry;           /* inclusion: the entry's canonical bytes (owned) */
	size_t signatures;      /* verified signatures on the checkpoint(s) */
} fl_proof_result;

/*
 * Verifies a proof file offline. keys: the log's note keys (type 0x01; at least one must have
 * signed each checkpoint) and any cosigner keys. For an inclusion proof, `entry` (may be
 * NULL) is the entry's canonical bytes; without it the proof's extra data is used, which the
 * proof itself then authenticates. 0, FL_EVERIFY or FL_EINVALID (malformed).
 */
int fl_audit_verify_proof(fl_proof_result *out, const char *data, size_t len,
			  const fl_vkey *keys, size_t n_keys, const void *entry,
			  size_t entry_len) FL_WARN_UNUSED;
void fl_proof_result_free(fl_proof_result *r);

/*
 * Writes the export bundle (docs/FORMAT.md, "Bundle") into `dir`, which must not exist. The
 * files are written to a temporary directory beside it and renamed into place at the end.
 */
int fl_audit_export(fl_ledger *l, const char *dir, uint64_t *entries_out) FL_WARN_UNUSED;

#endif
